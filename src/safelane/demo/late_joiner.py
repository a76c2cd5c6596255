"""The demo's late joiner, shown once: while an agency's inspection is under way, customs decides to examine the
goods too (it moves them to the red channel) and joins that inspection instead of holding a second one; it then
records its own result there (docs/agencies.md)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane import referrals
from safelane.cases import joint
from safelane.cases.outcomes import case_of
from safelane.demo.inspections import INSPECTOR
from safelane.domain.assessment import CUSTOMS
from safelane.store import Database
from safelane.store import inspections as inspection_store
from safelane.store.schema import audit_events

NOTE = "customs examines the goods too: joins the agency's inspection under way"


def join_once(db: Database, rows: list[dict[str, Any]]) -> str | None:
    """Unless customs has joined an inspection before, the first of `rows` (the calendar's, results still to be
    recorded) that customs takes no part in: at the slot's start customs sends the goods to red and joins. The
    consignment joined, or None."""
    with db.read() as conn:
        if conn.execute(sa.select(audit_events.c.event_id).where(audit_events.c.action == "inspection.joined")).first():
            return None
    for row in rows:
        cid, at = str(row["consignment_id"]), row["starts_at"]
        with db.read() as conn:
            case = case_of(conn, cid, scope=INSPECTOR)
            inspection = inspection_store.of_consignment(conn, cid)
        decision = case["decision"] if case else None
        if decision is None or inspection is None or any(p["agency"] == CUSTOMS for p in inspection["participants"]):
            continue
        try:
            _channel(db, decision["decision_id"], "red", NOTE, at)
        except referrals.ActionError:  # not a declaration's channel: the next one
            continue
        try:
            joint.schedule(db, cid, scope=INSPECTOR, at=at)
        except referrals.ActionError:  # customs has no room in that slot: its examination waits for another day
            _channel(db, decision["decision_id"], decision["outcome"], "customs cannot join that slot", at)
            continue
        return cid
    return None


def _channel(db: Database, decision_id: str, channel: str, note: str, at: datetime) -> None:
    referrals.act(db, decision_id, "channel", scope=INSPECTOR, at=at, note=note, data={"channel": channel})

"""Decisions repository: read referrals and channels, and record every change with who and when."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.scope import Scope
from safelane.store import audit_chain, outbox
from safelane.store.filing_rows import decision_event_row
from safelane.store.schema import consignments, decision_events, decisions, filings
from safelane.stream import events as events_out


def _select() -> sa.Select:
    return (
        sa.select(
            decisions,
            consignments.c.filing_id,
            consignments.c.reference,
            consignments.c.version,
            consignments.c.mode,
            consignments.c.kind,
            filings.c.document_number,
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
    )


def get(
    conn: sa.Connection, decision_id: str, *, for_update: bool = False, scope: Scope | None = None
) -> dict[str, Any] | None:
    """One decision; None also when `scope` does not see its consignment (the same answer as for none)."""
    query = _select().where(decisions.c.decision_id == decision_id)
    if scope is not None:
        query = query.where(scope.clause(decisions.c.filer, decisions.c.office))
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=decisions)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def search(
    conn: sa.Connection,
    *,
    scope: Scope | None = None,
    answer: str | None = None,
    outcome: str | None = None,
    state: str | None = None,
    current_only: bool = True,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Decisions in `scope` (None: every decision, for the system's own jobs), newest first."""
    query = _select()
    if scope is not None:
        query = query.where(scope.clause(decisions.c.filer, decisions.c.office))
    if answer:
        query = query.where(decisions.c.answer == answer)
    if outcome:
        query = query.where(decisions.c.outcome == outcome)
    if state == "open":
        query = query.where(decisions.c.state != "closed")
    elif state:
        query = query.where(decisions.c.state == state)
    if current_only:
        query = query.where(decisions.c.current.is_(True))
    query = query.order_by(decisions.c.decided_at.desc(), decisions.c.decision_id.desc()).limit(limit).offset(offset)
    return [dict(r) for r in conn.execute(query).mappings()]


def events(conn: sa.Connection, decision_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(decision_events)
        .where(decision_events.c.decision_id == decision_id)
        .order_by(decision_events.c.at, decision_events.c.event_id)
    )
    return [dict(r) for r in rows.mappings()]


def record(
    conn: sa.Connection,
    row: dict[str, Any],
    *,
    at: datetime,
    actor: str,
    action: str,
    outcome: str,
    state: str,
    note: str | None,
    data: dict[str, Any] | None,
) -> None:
    conn.execute(
        decisions.update()
        .where(decisions.c.decision_id == row["decision_id"])
        .values(outcome=outcome, state=state, updated_at=at)
    )
    event = decision_event_row(
        new_id("E"), row["decision_id"], at, actor, action, row["outcome"], outcome, row["state"], state, note
    )
    audit_chain.append(conn, decision_events, [{**event, "data": data}])
    change = events_out.referral_event(event["event_id"], row, at=at, action=action, outcome=outcome, state=state)
    outbox.add(conn, at, [(event["event_id"], events_out.subject("referrals", row["office"]), change)])


def open_controls(conn: sa.Connection) -> list[dict[str, Any]]:
    """Current yellow and red channels not yet closed: consignments waiting for their inspection."""
    query = (
        _select()
        .where(
            decisions.c.current.is_(True),
            decisions.c.answer == "channel",
            decisions.c.outcome.in_(("yellow", "red")),
            decisions.c.state != "closed",
        )
        .order_by(decisions.c.consignment_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]

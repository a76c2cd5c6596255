"""A supervisor's review of an operator the compliance measure flagged: keep or suspend, with a reason, audited as
`trader.review`. One path for the workbench and the API, so both refuse and record alike.

A review is open while the operator is flagged and no decision covers the evidence now in hand. A decision records
the inspections it was taken on; when the operator is flagged again on more of them (new evidence since the
review), the review re-opens with the previous decision beside it, so a "keep" is not a permanent pass.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store import Database
from safelane.store import traders as trader_store
from safelane.traders.compliance import measure

DECISIONS = ("keep", "suspend")


class ReviewError(Exception):
    """What is wrong with a review, per field (decision, reason, operator); `status` 404 for an unknown operator."""

    def __init__(self, problems: Mapping[str, str], status: int = 422):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)
        self.status = status


@dataclass(frozen=True)
class Reviewed:
    operator_id: str
    decision: str
    reason: str
    by: str
    at: datetime
    suspended: list[str]
    inspections: int
    irregular: int


def is_open(flagged: bool, inspections: int, review: Mapping[str, Any] | None) -> bool:
    """Flagged and not decided on this evidence: never reviewed, or reviewed on fewer inspections than now."""
    if not flagged:
        return False
    if review is None:
        return True
    counted = review.get("inspections")
    return isinstance(counted, int) and inspections > counted


def _at(review: Mapping[str, Any]) -> dict[str, Any]:
    return {**review, "at": review["at"].isoformat().replace("+00:00", "Z")}


def compliance_report(conn: sa.Connection) -> list[dict[str, Any]]:
    """The measures as rows, each operator's with its latest review (keep or suspend, why, who, when, on how many
    inspections) or None; `review_open` while it is flagged and undecided on the evidence now in hand,
    `reopened` when that follows an earlier decision."""
    reviews = trader_store.reviews(conn)
    rows = []
    for m in measure(trader_store.random_sample_outcomes(conn)):
        row = m.as_dict()
        review = reviews.get(m.operator_id or "") if m.kind == "operator" else None
        row["review"] = None if review is None else _at(review)
        row["review_open"] = is_open(m.flagged, m.inspections, review)
        row["reopened"] = row["review_open"] and review is not None
        rows.append(row)
    return rows


def open_reviews(conn: sa.Connection) -> list[dict[str, Any]]:
    """The operators awaiting a supervisor's decision, each with its measure and any previous review."""
    return [row for row in compliance_report(conn) if row["review_open"]]


def record(db: Database, operator_id: str, decision: str, reason: str, *, actor: str, at: datetime) -> Reviewed:
    """Check and record a decision on a flagged operator. `suspend` suspends, from `at`, every authorisation the
    sample measured for it (the reason in its history as 'compliance review: ...'); both are audited with the
    counts the decision was taken on. The caller tells the pipeline's register when something was suspended."""
    reason = reason.strip()
    with db.read() as conn:
        found = trader_store.operator(conn, operator_id)
        row = next((m for m in compliance_report(conn) if m["operator_id"] == operator_id), None)
    if found is None:
        raise ReviewError({"operator": f"there is no operator {operator_id} in the register"}, 404)
    problems = {}
    if decision not in DECISIONS:
        problems["decision"] = "keep or suspend"
    if not reason:
        problems["reason"] = "say why: the reason is kept in the audit log"
    if row is None or not row["flagged"]:
        problems["operator"] = "only an operator flagged by the compliance measure is reviewed here"
    if problems:
        raise ReviewError(problems)
    assert row is not None
    suspended = list(row["authorisation_ids"]) if decision == "suspend" else []
    with db.write() as conn:
        for authorisation_id in suspended:
            trader_store.set_status(
                conn, authorisation_id, "suspended", reason=f"compliance review: {reason}", actor=actor, at=at
            )
        trader_store.record_review(
            conn,
            operator_id,
            decision,
            reason=reason,
            actor=actor,
            at=at,
            detail={
                "suspended": suspended,
                "inspections": row["inspections"],
                "irregular": row["irregular"],
                "peer_inspections": row["peer_inspections"],
                "peer_irregular": row["peer_irregular"],
            },
        )
    return Reviewed(operator_id, decision, reason, actor, at, suspended, row["inspections"], row["irregular"])

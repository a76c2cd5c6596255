"""Agencies' requirements, stored beside the decision that set them: who holds a consignment and why."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain.assessment import AgencyRequirement
from safelane.scope import Scope
from safelane.store.schema import agency_requirements, decisions


def rows(decision_id: str, consignment_id: str, requirements: Iterable[AgencyRequirement]) -> list[dict[str, Any]]:
    """The rows to insert with a decision (in the same transaction, so a decision never lacks them)."""
    return [
        {
            "decision_id": decision_id,
            "consignment_id": consignment_id,
            "agency": r.agency,
            "action": r.action,
            "explanation": r.explanation,
            "documents": list(r.documents),
            "reasons": list(r.reasons),
        }
        for r in requirements
    ]


def of_decision(conn: sa.Connection, decision_id: str) -> tuple[AgencyRequirement, ...]:
    found = conn.execute(
        sa.select(agency_requirements)
        .where(agency_requirements.c.decision_id == decision_id)
        .order_by(agency_requirements.c.agency)
    ).mappings()
    return tuple(AgencyRequirement.from_dict(dict(r)) for r in found)


def of_decisions(conn: sa.Connection, decision_ids: Iterable[str]) -> dict[str, tuple[AgencyRequirement, ...]]:
    """The requirements of several decisions at once (an answer to a whole filing), by decision id."""
    ids = list(decision_ids)
    out: dict[str, list[AgencyRequirement]] = {}
    for start in range(0, len(ids), 400):
        found = conn.execute(
            sa.select(agency_requirements)
            .where(agency_requirements.c.decision_id.in_(ids[start : start + 400]))
            .order_by(agency_requirements.c.decision_id, agency_requirements.c.agency)
        ).mappings()
        for r in found:
            out.setdefault(r["decision_id"], []).append(AgencyRequirement.from_dict(dict(r)))
    return {k: tuple(v) for k, v in out.items()}


def counts(conn: sa.Connection, agency: str, *, scope: Scope, start: datetime, end: datetime) -> dict[str, int]:
    """How many of `agency`'s requirements, by action, current decisions made in [start, end) set on
    consignments the scope sees: an agency's workload on its dashboard."""
    query = (
        sa.select(agency_requirements.c.action, sa.func.count())
        .join(decisions, decisions.c.decision_id == agency_requirements.c.decision_id)
        .where(agency_requirements.c.agency == agency, decisions.c.current)
        .where(decisions.c.decided_at >= start, decisions.c.decided_at < end)
        .where(scope.clause(decisions.c.filer, decisions.c.office))
        .group_by(agency_requirements.c.action)
    )
    return {row[0]: int(row[1]) for row in conn.execute(query)}

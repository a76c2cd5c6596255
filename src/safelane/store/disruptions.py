"""Disruptions repository: declare, end and list them, audited; the pipeline reads those in force.

A declaration and an end are each one audited write. The pipeline holds the disruptions not yet ended through
`StoredDisruptions`, rebuilt within a second of a change in any process, like office settings.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain import Problem
from safelane.ids import new_id
from safelane.resilience.disruption import Declaration, Disruption, plan_from, scope_from
from safelane.store.database import Database
from safelane.store.filings import add_audit
from safelane.store.refreshing import Refreshing
from safelane.store.schema import disruptions

DECLARERS = frozenset({"supervisor", "admin"})  # the roles that may declare and end disruptions


class NotEnded(LookupError):
    """The disruption named does not exist or has already ended."""


def declare(conn: sa.Connection, declaration: Declaration, *, at: datetime, actor: str) -> Disruption:
    """Store a validated declaration and audit it with everything declared; the caller checks the role."""
    disruption_id = new_id("X")
    conn.execute(
        disruptions.insert().values(
            disruption_id=disruption_id,
            kind=declaration.kind,
            scope=declaration.scope.as_dict(),
            plan=declaration.plan.as_dict(),
            starts_at=declaration.starts_at,
            expected_end=declaration.expected_end,
            ended_at=None,
            note=declaration.note,
            declared_at=at,
            declared_by=actor,
            ended_by=None,
        )
    )
    add_audit(conn, at, actor, "disruption.declared", disruption_id, declaration.as_dict())
    return _disruption(get(conn, disruption_id) or {})


def end(
    conn: sa.Connection, disruption_id: str, *, at: datetime, actor: str, note: str | None = None
) -> dict[str, Any]:
    """End a disruption explicitly (the expected end never ends one); audited."""
    row = get(conn, disruption_id)
    if row is None or row["ended_at"] is not None:
        raise NotEnded(disruption_id)
    ended_at = max(at, row["starts_at"])
    conn.execute(
        disruptions.update()
        .where(disruptions.c.disruption_id == disruption_id)
        .values(ended_at=ended_at, ended_by=actor)
    )
    add_audit(
        conn,
        at,
        actor,
        "disruption.ended",
        disruption_id,
        {"ended_at": ended_at.isoformat(), "declared_by": row["declared_by"], "note": note},
    )
    return {**row, "ended_at": ended_at, "ended_by": actor}


def get(conn: sa.Connection, disruption_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(disruptions).where(disruptions.c.disruption_id == disruption_id)).mappings().first()
    return dict(row) if row else None


def listing(conn: sa.Connection, *, include_ended: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """Disruptions, newest declared first; by default only those not ended."""
    query = sa.select(disruptions).order_by(disruptions.c.declared_at.desc(), disruptions.c.disruption_id.desc())
    if not include_ended:
        query = query.where(disruptions.c.ended_at.is_(None))
    return [dict(r) for r in conn.execute(query.limit(limit)).mappings()]


def _disruption(row: dict[str, Any]) -> Disruption:
    problems: list[Problem] = []  # stored rows were validated when declared
    return Disruption(
        row["disruption_id"],
        row["kind"],
        scope_from(row["scope"], problems),
        row["starts_at"],
        row["expected_end"],
        plan_from(row["plan"], problems),
        row["note"],
        row["ended_at"],
    )


def not_ended(conn: sa.Connection) -> list[Disruption]:
    """The disruptions in force now or declared to start later, oldest declared first."""
    return [_disruption(r) for r in reversed(listing(conn))]


def as_data(row: dict[str, Any]) -> dict[str, Any]:
    """A stored disruption as the API and the CLI show it."""
    return {
        "disruption_id": row["disruption_id"],
        "kind": row["kind"],
        "scope": row["scope"],
        "plan": row["plan"],
        "starts_at": row["starts_at"].isoformat(),
        "expected_end": row["expected_end"].isoformat() if row["expected_end"] else None,
        "ended_at": row["ended_at"].isoformat() if row["ended_at"] else None,
        "note": row["note"],
        "declared_at": row["declared_at"].isoformat(),
        "declared_by": row["declared_by"],
        "ended_by": row["ended_by"],
    }


def _marker(conn: sa.Connection) -> object:
    """Ids and ends of the disruptions not ended: a declaration or an end changes it."""
    rows = conn.execute(sa.select(disruptions.c.disruption_id).where(disruptions.c.ended_at.is_(None)))
    return tuple(sorted(r[0] for r in rows))


class StoredDisruptions(Refreshing[list[Disruption]]):
    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, _marker, not_ended, [], check_every)

"""Seizures repository: the Customs Enforcement Network record of what an inspection seized, and the list of them."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.scope import Scope
from safelane.store.schema import consignments, inspection_outcomes, seizures

#: A seizure as lists and exports show it: the CEN fields with the consignment and the inspection behind them.
COLUMNS = (
    "seizure_id",
    "recorded_at",
    "recorded_by",
    "consignment_id",
    "reference",
    "mode",
    "office",
    "method",
    "commodity",
    "quantity",
    "unit",
    "concealment",
    "detection",
    "offence",
    "hs_code",
    "description",
    "outcome_id",
)


def add(
    conn: sa.Connection,
    *,
    outcome_id: str,
    consignment_id: str,
    office: str | None,
    at: datetime,
    actor: str,
    commodity: str,
    quantity: float,
    unit: str,
    concealment: str,
    detection: str,
    offence: str,
    hs_code: str | None = None,
    description: str | None = None,
) -> str:
    seizure_id = new_id("S")
    conn.execute(
        seizures.insert().values(
            seizure_id=seizure_id,
            outcome_id=outcome_id,
            consignment_id=consignment_id,
            office=office,
            commodity=commodity,
            hs_code=hs_code,
            quantity=quantity,
            unit=unit,
            concealment=concealment,
            detection=detection,
            offence=offence,
            description=description,
            recorded_at=at,
            recorded_by=actor,
        )
    )
    return seizure_id


def _select() -> sa.Select:
    return (
        sa.select(seizures, consignments.c.reference, consignments.c.mode, inspection_outcomes.c.method)
        .join(inspection_outcomes, inspection_outcomes.c.outcome_id == seizures.c.outcome_id)
        .join(consignments, consignments.c.row_id == inspection_outcomes.c.row_id)
    )


def days(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days from `first` to `last`, both included (either may be open), as `search`'s since and until."""
    since = None if first is None else datetime.combine(first, time.min, UTC)
    until = None if last is None else datetime.combine(last + timedelta(days=1), time.min, UTC)
    return since, until


def search(
    conn: sa.Connection,
    *,
    scope: Scope | None = None,
    office: str | None = None,
    commodity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Seizures in `scope` recorded in [since, until), newest first; `office` and `commodity` narrow to one each."""
    query = _select()
    if scope is not None:
        query = query.where(scope.clause(consignments.c.filer, seizures.c.office))
    if office is not None:
        query = query.where(seizures.c.office == office)
    if commodity is not None:
        query = query.where(seizures.c.commodity == commodity)
    if since is not None:
        query = query.where(seizures.c.recorded_at >= since)
    if until is not None:
        query = query.where(seizures.c.recorded_at < until)
    query = query.order_by(seizures.c.recorded_at.desc(), seizures.c.seizure_id.desc()).limit(limit).offset(offset)
    return [{c: r[c] for c in COLUMNS} for r in conn.execute(query).mappings()]


def of_outcomes(conn: sa.Connection, outcome_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The seizure recorded with each of these inspection outcomes, by outcome id."""
    if not outcome_ids:
        return {}
    rows = conn.execute(_select().where(seizures.c.outcome_id.in_(list(outcome_ids)))).mappings()
    return {r["outcome_id"]: {c: r[c] for c in COLUMNS} for r in rows}


def offices(conn: sa.Connection, scope: Scope | None = None) -> list[str]:
    """Offices in `scope` that have recorded a seizure, for the list's filter."""
    query = sa.select(seizures.c.office).where(seizures.c.office.is_not(None)).distinct().order_by(seizures.c.office)
    if scope is not None and scope.office is not None:
        query = query.where(seizures.c.office == scope.office)
    return [r[0] for r in conn.execute(query)]

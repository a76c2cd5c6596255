"""Joint inspections and the inspection slots of each agency at each office: the only SQL against their tables.

A consignment has at most one inspection (unique consignment id), so two officers scheduling it at once get the
same one; an agency's result is written once, so a retried request changes nothing.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.scope import Scope
from safelane.store.schema import inspection_participants, inspection_slots, inspections

SLOT_FIELDS = ("place", "day_start", "slot_minutes", "slots", "teams", "daily")


def slots_of(conn: sa.Connection, office: str | None, agencies: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each agency's slots at `office`, falling back to its "*" row; an agency with neither is absent."""
    wanted = list(agencies)
    rows = conn.execute(
        sa.select(inspection_slots).where(
            inspection_slots.c.agency.in_(wanted), inspection_slots.c.office.in_([office or "*", "*"])
        )
    ).mappings()
    found: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["office"] != "*"):  # the office's own row wins over "*"
        found[row["agency"]] = dict(row)
    return found


def slot_listing(conn: sa.Connection, office: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(inspection_slots).order_by(inspection_slots.c.office, inspection_slots.c.agency)
    if office is not None:
        query = query.where(inspection_slots.c.office.in_([office, "*"]))
    return [dict(r) for r in conn.execute(query).mappings()]


def set_slots(
    conn: sa.Connection, office: str, agency: str, values: dict[str, Any], *, at: datetime, actor: str
) -> None:
    """Store one agency's slots at one office (validated by the caller), replacing what was there."""
    conn.execute(
        inspection_slots.delete().where(inspection_slots.c.office == office, inspection_slots.c.agency == agency)
    )
    row = {k: values[k] for k in SLOT_FIELDS}
    conn.execute(inspection_slots.insert().values(office=office, agency=agency, changed_at=at, changed_by=actor, **row))


def booked(conn: sa.Connection, office: str | None, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """(starts_at, ends_at, agency) of every participation in inspections at `office` starting in [start, end)."""
    query = (
        sa.select(inspections.c.starts_at, inspections.c.ends_at, inspection_participants.c.agency)
        .join(inspection_participants, inspection_participants.c.inspection_id == inspections.c.inspection_id)
        .where(inspections.c.starts_at >= start, inspections.c.starts_at < end)
    )
    query = query.where(inspections.c.office.is_(None) if office is None else inspections.c.office == office)
    return [dict(r) for r in conn.execute(query).mappings()]


def add(
    conn: sa.Connection,
    consignment_id: str,
    office: str | None,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    agencies: Iterable[str],
    *,
    at: datetime,
    actor: str,
) -> str:
    inspection_id = new_id("IN")
    conn.execute(
        inspections.insert().values(
            inspection_id=inspection_id,
            consignment_id=consignment_id,
            office=office,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            scheduled_at=at,
            scheduled_by=actor,
        )
    )
    conn.execute(
        inspection_participants.insert(), [{"inspection_id": inspection_id, "agency": a} for a in sorted(agencies)]
    )
    return inspection_id


def add_participants(conn: sa.Connection, inspection_id: str, agencies: Iterable[str]) -> None:
    """Agencies that came to hold the goods after the inspection was scheduled join it."""
    conn.execute(
        inspection_participants.insert(), [{"inspection_id": inspection_id, "agency": a} for a in sorted(agencies)]
    )


def _with_participants(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["inspection_id"] for r in rows]
    parts: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        found = conn.execute(
            sa.select(inspection_participants)
            .where(inspection_participants.c.inspection_id.in_(ids))
            .order_by(inspection_participants.c.agency)
        ).mappings()
        for p in found:
            parts[p["inspection_id"]].append({k: v for k, v in p.items() if k != "inspection_id"})
    return [{**r, "joint": len(parts[r["inspection_id"]]) > 1, "participants": parts[r["inspection_id"]]} for r in rows]


def of_consignment(conn: sa.Connection, consignment_id: str) -> dict[str, Any] | None:
    """The consignment's inspection with its participants (the caller has checked the consignment's scope)."""
    row = conn.execute(sa.select(inspections).where(inspections.c.consignment_id == consignment_id)).mappings().first()
    return _with_participants(conn, [dict(row)])[0] if row else None


def record_result(
    conn: sa.Connection, inspection_id: str, agency: str, outcome: str, note: str | None, *, at: datetime, actor: str
) -> bool:
    """Write an agency's result once; False when it already had one (nothing changes)."""
    done = conn.execute(
        inspection_participants.update()
        .where(
            inspection_participants.c.inspection_id == inspection_id,
            inspection_participants.c.agency == agency,
            inspection_participants.c.outcome.is_(None),
        )
        .values(outcome=outcome, note=note, recorded_at=at, recorded_by=actor)
    )
    return bool(done.rowcount)


def calendar(
    conn: sa.Connection, *, scope: Scope, office: str | None, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Inspections starting in [start, end) at `office` (None: every office the scope sees), earliest first;
    of consignments the scope sees (an agency officer: those its agency holds a requirement on)."""
    from safelane.store.schema import decisions

    current = sa.and_(decisions.c.consignment_id == inspections.c.consignment_id, decisions.c.current)
    query = (
        sa.select(inspections)
        .join(decisions, current)
        .where(inspections.c.starts_at >= start, inspections.c.starts_at < end)
        .where(scope.clause(decisions.c.filer, inspections.c.office))
        .order_by(inspections.c.starts_at, inspections.c.inspection_id)
    )
    if office is not None:
        query = query.where(inspections.c.office == office)
    if scope.office is not None:
        query = query.where(inspections.c.office == scope.office)
    if scope.filer is not None:  # filers never see the calendar: an empty answer rather than a wrong one
        query = query.where(sa.false())
    return _with_participants(conn, [dict(r) for r in conn.execute(query).mappings()])


def release_times(
    conn: sa.Connection, *, scope: Scope, office: str | None, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """(agency, arrival, released at) of releases in [start, end) of consignments in scope: the Time Release
    Study's end points; arrival is the current decision's deadline (the goods' arrival) or the filing time."""
    from safelane.store.schema import consignments, decisions, releases

    query = (
        sa.select(
            releases.c.consignment_id, releases.c.agency, releases.c.at, decisions.c.deadline, consignments.c.filed_at
        )
        .join(decisions, sa.and_(decisions.c.consignment_id == releases.c.consignment_id, decisions.c.current))
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .where(releases.c.at >= start, releases.c.at < end, releases.c.kind == "released")
        .where(scope.clause(decisions.c.filer, decisions.c.office))
    )
    if office is not None:
        query = query.where(decisions.c.office == office)
    return [
        {
            "consignment_id": r.consignment_id,
            "agency": r.agency,
            "arrival": r.deadline or r.filed_at,
            "released_at": r.at,
        }
        for r in conn.execute(query)
    ]

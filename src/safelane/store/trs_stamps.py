"""Time Release Study stamps reported for a consignment: its actual departure and arrival, and the start of
customs' control.

One row per consignment and kind. The first report stands: the same report again changes nothing (a retried
request or a replayed message), a different one is refused, so the clock the TRS reads never moves silently.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import consignments, decisions, trs_stamps

KINDS = ("arrival", "departure", "control_start")


def get(conn: sa.Connection, consignment_id: str, kind: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(trs_stamps).where(trs_stamps.c.consignment_id == consignment_id, trs_stamps.c.kind == kind)
    ).mappings()
    found = row.first()
    return dict(found) if found else None


def record(
    conn: sa.Connection,
    consignment_id: str,
    kind: str,
    at: datetime,
    *,
    actor: str,
    recorded_at: datetime,
    note: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """(the stamp as stored, True when this call stored it). A stamp already there is returned as it is: the
    caller compares its `at` to tell a replay from a conflict."""
    if kind not in KINDS:
        raise ValueError(f"TRS stamp kind {kind!r} is not one of {KINDS}")
    found = get(conn, consignment_id, kind)
    if found is not None:
        return found, False
    row = {
        "consignment_id": consignment_id,
        "kind": kind,
        "at": at,
        "recorded_at": recorded_at,
        "actor": actor,
        "note": note,
    }
    try:
        with conn.begin_nested():  # a concurrent first report wins; this one then reads it
            conn.execute(trs_stamps.insert().values(**row))
    except sa.exc.IntegrityError:
        stored = get(conn, consignment_id, kind)
        assert stored is not None
        return stored, False
    return row, True


def many(conn: sa.Connection, rows: Iterable[dict[str, Any]]) -> int:
    """Insert stamps in bulk, leaving out those a consignment already has (the demo's arrivals); how many."""
    wanted = list(rows)
    if not wanted:
        return 0
    kinds = {r["kind"] for r in wanted}
    ids = sorted({r["consignment_id"] for r in wanted})
    have: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        have |= {
            (r.consignment_id, r.kind)
            for r in conn.execute(
                sa.select(trs_stamps.c.consignment_id, trs_stamps.c.kind).where(
                    trs_stamps.c.consignment_id.in_(chunk), trs_stamps.c.kind.in_(kinds)
                )
            )
        }
    fresh = []
    for r in wanted:
        key = (r["consignment_id"], r["kind"])
        if key not in have:
            have.add(key)
            fresh.append(r)
    if fresh:
        conn.execute(trs_stamps.insert(), fresh)
    return len(fresh)


def _awaiting(
    conn: sa.Connection, kind: str, field: str, *, until: datetime, filing_kind: str | None = None
) -> list[tuple[str, datetime]]:
    """(consignment id, declared time) of current consignments (of `filing_kind` if given) whose filing declares
    `itinerary.<field>` by `until` and that have no `kind` stamp yet."""
    declared = consignments.c.data[("itinerary", field)].as_string()
    query = (
        sa.select(decisions.c.consignment_id, declared.label("declared"))
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .outerjoin(
            trs_stamps,
            sa.and_(trs_stamps.c.consignment_id == decisions.c.consignment_id, trs_stamps.c.kind == kind),
        )
        .where(decisions.c.current.is_(True), declared.is_not(None), trs_stamps.c.consignment_id.is_(None))
        .where(sa.true() if filing_kind is None else consignments.c.kind == filing_kind)
        .order_by(decisions.c.consignment_id)
    )
    out = []
    for cid, text in conn.execute(query):
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        if at <= until:
            out.append((cid, at.astimezone(UTC)))
    return out


def awaiting_arrival(conn: sa.Connection, *, until: datetime) -> list[tuple[str, datetime]]:
    """(consignment id, declared arrival) of current consignments whose filing declares an arrival
    (`itinerary.arrival_at`, pre-loading filings included) by `until` and whose actual arrival is not recorded."""
    return _awaiting(conn, "arrival", "arrival_at", until=until)


def awaiting_departure(conn: sa.Connection, *, until: datetime) -> list[tuple[str, datetime]]:
    """(consignment id, declared departure) of current pre-loading consignments (the TRS starts those at their
    departure) declaring one by `until` whose actual departure is not recorded."""
    return _awaiting(conn, "departure", "departure_at", until=until, filing_kind="pre_loading")

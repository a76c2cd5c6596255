"""Releases: when customs and each other border agency let a consignment go (or refused it).

The goods leave only when every agency holding them has released them (a joint inspection's last result), and
the Time Release Study measures to that moment. One row per agency and consignment: recording a release twice
keeps the first, so a retried request or a replayed event does not move the clock.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain.assessment import CUSTOMS
from safelane.ids import new_id
from safelane.store import outbox
from safelane.store.schema import agency_requirements, decisions, releases
from safelane.stream import events as events_out

KINDS = ("released", "refused")
RELEASED_CHANNELS = ("green", "blue")  # a decision in these channels needs no control: customs releases at once


def record(
    conn: sa.Connection,
    consignment_id: str,
    agency: str,
    at: datetime,
    actor: str,
    *,
    kind: str = "released",
    note: str | None = None,
) -> bool:
    """Record `agency`'s release of one consignment; False when it had already been recorded (nothing changes)."""
    if kind not in KINDS:
        raise ValueError(f"release kind {kind!r} is not one of {KINDS}")
    exists = conn.execute(
        sa.select(releases.c.release_id).where(releases.c.consignment_id == consignment_id, releases.c.agency == agency)
    ).first()
    if exists:
        return False
    release_id = new_id("RL")
    row: dict[str, Any] = {
        "release_id": release_id,
        "consignment_id": consignment_id,
        "agency": agency,
        "kind": kind,
        "at": at,
        "actor": actor,
        "note": note,
    }
    conn.execute(releases.insert().values(**row))
    if outbox.enabled(conn):
        office = conn.execute(
            sa.select(decisions.c.office).where(
                decisions.c.consignment_id == consignment_id, decisions.c.current.is_(True)
            )
        ).scalar()
        event = events_out.release_event(row, office)
        outbox.add(conn, at, [(release_id, events_out.subject("releases", office), event)])
    return True


def of(conn: sa.Connection, consignment_id: str) -> list[dict[str, Any]]:
    """Every agency's release of one consignment, earliest first."""
    rows = conn.execute(sa.select(releases).where(releases.c.consignment_id == consignment_id).order_by(releases.c.at))
    return [dict(r) for r in rows.mappings()]


def holding_agencies(conn: sa.Connection, consignment_ids: Iterable[str]) -> dict[str, set[str]]:
    """The agencies whose requirement on each consignment's current decision still holds it and that have not
    released it yet (customs holds are the decision's own selection, see safelane.cases)."""
    ids = list(consignment_ids)
    if not ids:
        return {}
    held = conn.execute(
        sa.select(agency_requirements.c.consignment_id, agency_requirements.c.agency)
        .join(decisions, decisions.c.decision_id == agency_requirements.c.decision_id)
        .where(
            agency_requirements.c.consignment_id.in_(ids),
            agency_requirements.c.action != "release",
            decisions.c.current.is_(True),
        )
    )
    done = released(conn, ids)
    out: dict[str, set[str]] = {i: set() for i in ids}
    for row in held:
        if row.agency not in done[row.consignment_id]:
            out[row.consignment_id].add(row.agency)
    return out


def released(conn: sa.Connection, consignment_ids: Iterable[str]) -> dict[str, set[str]]:
    """The agencies (customs included) that have released or refused each consignment."""
    ids = list(consignment_ids)
    out: dict[str, set[str]] = {i: set() for i in ids}
    for start in range(0, len(ids), 400):
        rows = conn.execute(
            sa.select(releases.c.consignment_id, releases.c.agency).where(
                releases.c.consignment_id.in_(ids[start : start + 400])
            )
        )
        for r in rows:
            out[r.consignment_id].add(r.agency)
    return out


def at_decision(conn: sa.Connection, decided: Iterable[tuple[str, str, datetime]]) -> list[dict[str, Any]]:
    """Customs' release rows for decisions that need no control (`(consignment_id, channel, decided_at)`), leaving
    out consignments customs already released (an amendment does not move the clock): one query per batch."""
    wanted = [(cid, at) for cid, channel, at in decided if channel in RELEASED_CHANNELS]
    if not wanted:
        return []
    done: set[str] = set()
    ids = sorted({cid for cid, _ in wanted})
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        done |= set(
            conn.execute(
                sa.select(releases.c.consignment_id).where(
                    releases.c.consignment_id.in_(chunk), releases.c.agency == CUSTOMS
                )
            ).scalars()
        )
    out: list[dict[str, Any]] = []
    for cid, at in wanted:
        if cid in done:
            continue
        done.add(cid)
        out.append(
            {
                "release_id": new_id("RL"),
                "consignment_id": cid,
                "agency": CUSTOMS,
                "kind": "released",
                "at": at,
                "actor": "safelane",
                "note": "released at the risk decision: no control needed",
            }
        )
    return out

"""The demo's goods declarations: once goods have arrived, their declarant lodges the customs declaration.

The entry summary (sea, lodged 24 hours before loading) and the pre-loading filing (air) are decided long before
the goods arrive, so their green release comes before arrival and a Time Release Study of them measures 0 h
(pre-arrival processing). The published studies (India's NTRS, Japan's MOF survey) measure from arrival to the
release of the goods declaration, and most of those hours are the trade's: discharge or unloading, documents, the
declarant's own pace. Here that step is played: a consignment that arrived and was let go (customs released its
entry summary, or its pre-loading referral ended without a do-not-load) is declared for release after a
trade-side dwell drawn per consignment, and the declaration goes through the same pipeline, channels, inspections
and releases as any filing. The dwell is the simulator's (the seaport scenario's `dwell_hours`: median 45 h at
sea, 10 h by air, lognormal with sigma 0.6), so the demo and the simulator tell the same story.
"""

import math
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.demo.timeline import ARRIVAL_ACTOR, WINDOW, receive
from safelane.domain.codes import Referral
from safelane.formats.native import to_filing
from safelane.pipeline import Pipeline
from safelane.store import Database, trs_stamps
from safelane.store import releases as release_store
from safelane.store.schema import consignments, decision_events, decisions, filings, releases
from safelane.store.schema import trs_stamps as stamps_table

DWELL_MEDIAN_HOURS = {"sea": 45.0, "air": 10.0}  # modes declared here; express has its own low-value flow
DWELL_SIGMA = 0.6
PREFIX = "DEC-"  # the declarant's local reference: the entry summary's consignment id after it


def dwell(consignment_id: str, mode: str, seed: int) -> timedelta:
    """The trade's time from arrival to lodging the declaration, drawn per consignment (seeded)."""
    rng = random.Random(f"safelane-demo-declaration:{seed}:{consignment_id}")
    hours = DWELL_MEDIAN_HOURS[mode] * math.exp(DWELL_SIGMA * rng.gauss(0.0, 1.0))
    return timedelta(hours=hours)


def _arrived(conn: sa.Connection, until: datetime) -> list[dict[str, Any]]:
    """Entry summaries and pre-loading filings of the declared modes whose goods arrived by `until` and that
    carry no declaration yet: consignment id, mode, filer, reference, stored data, decision, actual arrival."""
    done = sa.alias(filings, "declared")
    declared = sa.select(done.c.document_number).where(done.c.document_number.startswith(PREFIX))
    query = (
        sa.select(
            decisions.c.consignment_id,
            decisions.c.decision_id,
            decisions.c.answer,
            decisions.c.outcome,
            decisions.c.state,
            decisions.c.filer,
            consignments.c.mode,
            consignments.c.data,
            consignments.c.reference,
            filings.c.document_number,
            stamps_table.c.at.label("arrived_at"),
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .join(
            stamps_table,
            sa.and_(stamps_table.c.consignment_id == decisions.c.consignment_id, stamps_table.c.kind == "arrival"),
        )
        .where(
            decisions.c.current.is_(True),
            consignments.c.kind.in_(("pre_arrival", "pre_loading")),
            consignments.c.mode.in_(tuple(DWELL_MEDIAN_HOURS)),
            stamps_table.c.at <= until,
            (sa.literal(PREFIX, sa.String) + decisions.c.consignment_id).not_in(declared),
        )
        .order_by(decisions.c.consignment_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _let_go(conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose goods may be declared: a channel customs released (not refused) with no agency holding it,
    or a pre-loading referral closed without a do-not-load ever standing (those goods stayed at origin)."""
    ids = [r["consignment_id"] for r in rows]
    released: set[str] = set()
    stopped: set[str] = set()
    held = release_store.holding_agencies(conn, ids)
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        released |= set(
            conn.execute(
                sa.select(releases.c.consignment_id).where(
                    releases.c.consignment_id.in_(chunk), releases.c.agency == "customs", releases.c.kind == "released"
                )
            ).scalars()
        )
        decision_ids = [r["decision_id"] for r in rows[start : start + 400]]
        stopped |= set(
            conn.execute(
                sa.select(decision_events.c.decision_id).where(
                    decision_events.c.decision_id.in_(decision_ids), decision_events.c.to_outcome == Referral.DNL.value
                )
            ).scalars()
        )
    out = []
    for row in rows:
        if row["answer"] == "channel":
            ok = row["consignment_id"] in released and not held.get(row["consignment_id"])
        else:
            ok = row["state"] == "closed" and row["decision_id"] not in stopped
        if ok:
            out.append(row)
    return out


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def lodge(
    db: Database,
    pipeline: Pipeline,
    *,
    until: datetime,
    seed: int,
    learn: Callable[[dict[str, Any], tuple[str, str]], None] = lambda filing, origin: None,
) -> int:
    """Lodge the declaration of every arrived, let-go consignment whose dwell has passed by `until`, each as its
    filer at its own time, and report its arrival (the carrier's) on it; how many. `learn` hears of each filing
    (the inspectors', so an inspection of the declaration finds what one of the entry summary would)."""
    with db.read() as conn:
        rows = _let_go(conn, _arrived(conn, until))
    due = []
    for row in rows:
        lodged = row["arrived_at"] + dwell(row["consignment_id"], row["mode"], seed)
        if lodged > until:
            continue
        data = dict(row["data"])
        data["itinerary"] = {**(data.get("itinerary") or {}), "arrival_at": _iso(row["arrived_at"])}
        filing = {
            "document_number": PREFIX + row["consignment_id"],
            "version": 1,
            "kind": "declaration",
            "filed_at": _iso(lodged),
            "filer": row["filer"],
            "consignments": [data],
        }
        learn(filing, (row["document_number"], row["reference"]))
        due.append((lodged, filing, row))
    due.sort(key=lambda d: (d[0], d[1]["document_number"]))
    results = receive(pipeline, [to_filing(f, filer=f["filer"], message_type="safelane-json") for _, f, _ in due],
                      window=WINDOW)  # fmt: skip
    arrived = {f["document_number"]: row["arrived_at"] for _, f, row in due}
    arrivals = []
    for result in results:
        at = arrived[result.document_number]
        for item in result.consignments if result.status == "accepted" else ():
            arrivals.append({"consignment_id": item.consignment_id, "kind": "arrival", "at": at,
                             "recorded_at": at, "actor": ARRIVAL_ACTOR,
                             "note": "reported by the demo's carrier"})  # fmt: skip
    with db.write() as conn:
        trs_stamps.many(conn, arrivals)
    return len(due)

"""Filings received as they were filed: each batch goes through the pipeline with its own receive time.

The pipeline decides "as of" its clock, so a generated month submitted at once would be decided, and
counted against capacity, all on the day it was built. Here filings are taken in filing order, a minute
at a time, and the pipeline's clock reads a few seconds after the last filing of the batch: decisions come
seconds after filing, and every day's capacity is that day's.

The Time Release Study stamps are reported here too: each consignment's actual arrival (its declared one, early
or late by a few hours) once its time has come, the actual departure of part of the pre-loading air cargo, and
the start of each control before its outcome.
"""

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from safelane.domain import Filing
from safelane.pipeline import Pipeline
from safelane.results import FilingResult
from safelane.store import Database, trs_stamps

WINDOW = timedelta(minutes=1)  # filings received together, as one batch (and one transaction) per filer
LAG = timedelta(seconds=5)  # from the last filing of a batch to its decision


def batches(filings: Sequence[Filing], window: timedelta = WINDOW) -> Iterator[list[Filing]]:
    """Consecutive filings filed within `window` of the first, one filer's at a time (a batch is submitted as
    its filer)."""
    group: list[Filing] = []
    for filing in filings:
        if group and _filed(filing) - _filed(group[0]) >= window:
            yield from _by_filer(group)
            group = []
        group.append(filing)
    yield from _by_filer(group)


def _filed(filing: Filing) -> datetime:
    assert filing.filed_at is not None  # the generator stamps every filing
    return filing.filed_at


def _fixed(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _by_filer(filings: list[Filing]) -> Iterator[list[Filing]]:
    groups: dict[str | None, list[Filing]] = {}
    for filing in filings:
        groups.setdefault(filing.filer, []).append(filing)
    yield from groups.values()


def receive(
    pipeline: Pipeline,
    filings: Sequence[Filing],
    *,
    window: timedelta = WINDOW,
    progress: Callable[[int], None] = lambda consignments: None,
) -> list[FilingResult]:
    """Submit `filings` (sorted by filing time) as they would have arrived; `progress` hears of each batch."""
    results: list[FilingResult] = []
    clock = pipeline.clock
    try:
        for batch in batches(filings, window):
            pipeline.clock = _fixed(max(_filed(f) for f in batch) + LAG)
            results += pipeline.submit(batch, actor=batch[0].filer or "demo")
            progress(sum(len(f.consignments) for f in batch))
    finally:
        pipeline.clock = clock
    return results


# -- the Time Release Study stamps the demo's carriers and inspectors report ------------------------------------

ARRIVAL_DEVIATION_HOURS = (-2.0, 6.0)  # actual against declared arrival: ships and aircraft run early or late
CONTROL_HOURS = {"documentary": (0.25, 1.0), "nii": (0.25, 1.0), "physical": (1.0, 4.0)}  # control start to end
ARRIVAL_ACTOR = "demo-carrier"
# Pre-loading air cargo: the share whose airline reports wheels-up, and its actual departure against the declared
# one. Leaving at most 1 h late keeps it before the earliest actual arrival drawn (2 h early on a 3.5 h block).
DEPARTURE_REPORTED = 0.6
DEPARTURE_DEVIATION_HOURS = (-0.25, 1.0)


def _rng(kind: str, seed: int, consignment_id: str) -> random.Random:
    return random.Random(f"safelane-demo-{kind}:{seed}:{consignment_id}")


def record_arrivals(db: Database, *, until: datetime, seed: int) -> int:
    """Report the actual arrival of every consignment whose goods have arrived by `until`: its declared arrival
    moved by a deviation drawn per consignment (so the same seed gives the same stamps). How many."""
    with db.read() as conn:
        waiting = trs_stamps.awaiting_arrival(conn, until=until + timedelta(hours=-ARRIVAL_DEVIATION_HOURS[0]))
    rows = []
    for consignment_id, declared in waiting:
        actual = declared + timedelta(hours=_rng("arrival", seed, consignment_id).uniform(*ARRIVAL_DEVIATION_HOURS))
        if actual > until:
            continue
        rows.append({"consignment_id": consignment_id, "kind": "arrival", "at": actual, "recorded_at": actual,
                     "actor": ARRIVAL_ACTOR, "note": "reported by the demo's carrier"})  # fmt: skip
    with db.write() as conn:
        return trs_stamps.many(conn, rows)


def record_departures(db: Database, *, until: datetime, seed: int) -> int:
    """Report the actual departure of part of the pre-loading air cargo that has left by `until`, drawn per
    consignment like the arrivals; the rest keeps its declared departure in the TRS. How many."""
    with db.read() as conn:
        waiting = trs_stamps.awaiting_departure(conn, until=until + timedelta(hours=-DEPARTURE_DEVIATION_HOURS[0]))
    rows = []
    for consignment_id, declared in waiting:
        rng = _rng("departure", seed, consignment_id)
        actual = declared + timedelta(hours=rng.uniform(*DEPARTURE_DEVIATION_HOURS))
        if rng.random() >= DEPARTURE_REPORTED or actual > until:
            continue
        rows.append({"consignment_id": consignment_id, "kind": "departure", "at": actual, "recorded_at": actual,
                     "actor": ARRIVAL_ACTOR, "note": "reported by the demo's airline"})  # fmt: skip
    with db.write() as conn:
        return trs_stamps.many(conn, rows)


def control_start(consignment_id: str, method: str, *, decided_at: datetime, ends_at: datetime, seed: int) -> datetime:
    """When the demo's inspector started a control that ends at `ends_at`: a drawn duration before, never
    before the decision."""
    low, high = CONTROL_HOURS.get(method, CONTROL_HOURS["documentary"])
    hours = _rng("control", seed, consignment_id).uniform(low, high)
    return max(decided_at, ends_at - timedelta(hours=hours))

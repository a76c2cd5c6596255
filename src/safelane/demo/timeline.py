"""Filings received as they were filed: each batch goes through the pipeline with its own receive time.

The pipeline decides "as of" its clock, so a generated month submitted at once would be decided, and
counted against capacity, all on the day it was built. Here filings are taken in filing order, a minute
at a time, and the pipeline's clock reads a few seconds after the last filing of the batch: decisions come
seconds after filing, and every day's capacity is that day's.
"""

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from safelane.domain import Filing
from safelane.pipeline import Pipeline
from safelane.results import FilingResult

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

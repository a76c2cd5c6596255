"""Backtest: run a candidate profile over stored history, counting hits per day, before it goes live.

Validity dates are ignored (the point is to see the past); the kinds of filing it applies to are not.
A store narrows what it reads to the profile's `scope()` and counts every consignment per day apart
(`per_day`), so a profile for sea cargo does not rebuild every air waybill to be counted.
A backtest is a question asked from a page: it stops reading after `seconds` and says so (`stopped_early`),
so a heavy profile over a long history cannot hold a server thread and its database connection for minutes.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from safelane.domain import Lodgement
from safelane.risk.profiles.language import Profile
from safelane.risk.profiles.match import compile_profile


@dataclass
class BacktestReport:
    profile: str
    version: int
    consignments: int = 0
    hits: int = 0
    by_day: dict[date, tuple[int, int]] = field(default_factory=dict)  # day -> (consignments, hits)
    examples: list[str] = field(default_factory=list)  # a few consignment ids it hit
    stopped_early: bool = False  # the time limit ended it: hits are counted over the consignments read

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "version": self.version,
            "consignments": self.consignments,
            "hits": self.hits,
            "by_day": [
                {"day": d.isoformat(), "consignments": t, "hits": h} for d, (t, h) in sorted(self.by_day.items())
            ],
            "examples": self.examples,
            "stopped_early": self.stopped_early,
        }


def scope(profile: Profile) -> dict[str, list[str]]:
    """The transport modes and filing kinds the profile can hit at all (empty: any)."""
    return {"modes": [m.value for m in profile.when.mode], "kinds": [k.value for k in profile.applies_to]}


MAX_SECONDS = 10.0


def backtest(
    profile: Profile,
    batches: Iterable[list[Lodgement]],
    examples: int = 10,
    per_day: Mapping[date, int] | None = None,
    *,
    seconds: float | None = MAX_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> BacktestReport:
    """Hits per day. `per_day` gives every day's consignments when `batches` holds only the profile's scope;
    without it, the batches are counted. `seconds=None` reads every batch however long it takes."""
    deadline = None if seconds is None else clock() + seconds
    compiled = compile_profile(profile)
    kinds = set(profile.applies_to)
    report = BacktestReport(profile.id, profile.version)
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, count in (per_day or {}).items():
        totals[day][0] = count
    for lodgement in chain.from_iterable(batches):
        tally = totals[lodgement.filed_at.date()]
        if per_day is None:
            tally[0] += 1
        if (not kinds or lodgement.kind in kinds) and compiled.match(lodgement) is not None:
            tally[1] += 1
            report.hits += 1
            if len(report.examples) < examples:
                report.examples.append(lodgement.consignment_id)
        if deadline is not None and clock() > deadline:
            report.stopped_early = True
            break
    report.by_day = {d: (t, h) for d, (t, h) in totals.items()}
    report.consignments = sum(t for t, _ in report.by_day.values())
    return report

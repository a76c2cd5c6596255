"""Backtest: run a candidate profile over stored history, counting hits per day, before it goes live.

Validity dates are ignored (the point is to see the past); the kinds of filing it applies to are not.
A store narrows what it reads to the profile's `scope()` and counts every consignment per day apart
(`per_day`), so a profile for sea cargo does not rebuild every air waybill to be counted.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile, "version": self.version, "consignments": self.consignments, "hits": self.hits,
            "by_day": [
                {"day": d.isoformat(), "consignments": t, "hits": h} for d, (t, h) in sorted(self.by_day.items())
            ],
            "examples": self.examples,
        }


def scope(profile: Profile) -> dict[str, list[str]]:
    """The transport modes and filing kinds the profile can hit at all (empty: any)."""
    return {"modes": [m.value for m in profile.when.mode], "kinds": [k.value for k in profile.applies_to]}


def backtest(profile: Profile, batches: Iterable[list[Lodgement]], examples: int = 10,
             per_day: Mapping[date, int] | None = None) -> BacktestReport:
    """Hits per day. `per_day` gives every day's consignments when `batches` holds only the profile's scope;
    without it, the batches are counted."""
    compiled = compile_profile(profile)
    kinds = set(profile.applies_to)
    report = BacktestReport(profile.id, profile.version)
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, count in (per_day or {}).items():
        totals[day][0] = count
    for batch in batches:
        for lodgement in batch:
            day = totals[lodgement.filed_at.date()]
            if per_day is None:
                day[0] += 1
            if (not kinds or lodgement.kind in kinds) and compiled.match(lodgement) is not None:
                day[1] += 1
                report.hits += 1
                if len(report.examples) < examples:
                    report.examples.append(lodgement.consignment_id)
    report.by_day = {d: (t, h) for d, (t, h) in totals.items()}
    report.consignments = sum(t for t, _ in report.by_day.values())
    return report

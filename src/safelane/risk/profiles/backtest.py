"""Backtest: run a candidate profile over stored history, counting hits per day, before it goes live.

Validity dates are ignored (the point is to see the past); the kinds of filing it applies to are not.
"""

from collections import defaultdict
from collections.abc import Iterable
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


def backtest(profile: Profile, batches: Iterable[list[Lodgement]], examples: int = 10) -> BacktestReport:
    compiled = compile_profile(profile)
    kinds = set(profile.applies_to)
    report = BacktestReport(profile.id, profile.version)
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for batch in batches:
        for lodgement in batch:
            day = totals[lodgement.filed_at.date()]
            day[0] += 1
            report.consignments += 1
            if (not kinds or lodgement.kind in kinds) and compiled.match(lodgement) is not None:
                day[1] += 1
                report.hits += 1
                if len(report.examples) < examples:
                    report.examples.append(lodgement.consignment_id)
    report.by_day = {d: (t, h) for d, (t, h) in totals.items()}
    return report

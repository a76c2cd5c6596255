"""The demo's disruption: a 48-hour closure of its main seaport earlier in the month, declared and ended.

The demo's supervisor declares it when it starts and ends it explicitly 48 hours later, through the store's
audited declare and end that the API and `safelane resilience` use, so the sea traffic of that window is
decided under the continuity plan (tiers, documentary checks for tiers 1 and 2) and the Time Release Study has
figures per disruption and tier. The generated goods hold no essential goods, so a share of the window's
Rotterdam cargo is re-declared as food and medical supplies of the plan's tier 1 (relief shipped in).

A surge at Hamburg is declared at the demo's now, after the month is decided, and left in force: /resilience
shows it with its clearance forecast, and what is filed from then on at DEHAM is answered with its tier. It
starts no earlier so that nothing the demo decided changes (its planted scenarios, capacity and queue stay as
they are); the backlog per tier fills as new filings are decided under it.
"""

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from safelane.demo.traffic import Traffic, reference_of
from safelane.resilience.disruption import Declaration
from safelane.results import FilingResult
from safelane.store import disruptions as disruption_store
from safelane.system import System

SUPERVISOR = "supervisor"  # the demo's supervisor (cli/demo.py USERS) declares and ends it
OFFICE = "NLRTM"
CLOSURE_DAYS = 2  # declared and ended at the start of a history day: 48 hours
CLOSURE: dict[str, Any] = {
    "kind": "port_closure",
    "scope": {"offices": [OFFICE], "modes": ["sea"]},
    "plan": {
        "priority": "tiered",
        "documentary_tiers": [1, 2],
        "diversion_offices": ["BEANR"],
        "extra_capacity": {"BEANR": {"documentary": 4}},
    },
    "note": "demo: storm surge barrier closed, sea cargo for Rotterdam diverted to Antwerp",
}
SURGE_OFFICE, SURGE_HOURS = "DEHAM", 24
SURGE: dict[str, Any] = {
    "kind": "surge",
    "scope": {"offices": [SURGE_OFFICE]},
    "plan": {"priority": "tiered", "documentary_tiers": [1, 2], "extra_capacity": {SURGE_OFFICE: {"documentary": 2}}},
    "note": "demo: a surge of diverted sea cargo at Hamburg",
}
RELIEF_SHARE = 0.1  # of the window's Rotterdam sea consignments, at least one a day
# Essential goods of reference/data/essential_goods.csv (HS 2022 subheadings under its prefixes), as filers write
RELIEF_GOODS = (
    ("100630", "Milled rice, long grain, in 25 kg bags"),
    ("040221", "Whole milk powder, in 25 kg bags"),
    ("401519", "Nitrile examination gloves, non-sterile"),
    ("630790", "Surgical face masks, 3-ply"),
)


def closure_day(history_days: int) -> int | None:
    """The history day the closure starts on (two thirds into the history, after the first model; early enough
    for a day after it), or None when the history is too short to hold it and a day after it."""
    if history_days <= CLOSURE_DAYS:
        return None
    return min(history_days * 2 // 3, history_days - CLOSURE_DAYS - 1)


class Closure:
    """The closure as the month is played: declared, its traffic given relief goods, answers counted, ended."""

    def __init__(self, history_days: int, seed: int):
        self.first_day = closure_day(history_days)
        self.seed = seed
        self.disruption_id: str | None = None
        self.starts_at: datetime | None = None
        self.tiers: Counter[int] = Counter()  # the filers' answers in it, by the tier (and time) they were told

    def before(self, system: System, day: int, start: datetime, traffic: Traffic) -> None:
        """Before history day `day` (from `start`) is received: declare or end the closure, plant relief."""
        if self.first_day is None or not self.first_day <= day <= self.first_day + CLOSURE_DAYS:
            return
        if day == self.first_day:
            self.disruption_id, self.starts_at = _declare(system, CLOSURE, start, timedelta(days=CLOSURE_DAYS)), start
        elif day == self.first_day + CLOSURE_DAYS:
            assert self.disruption_id is not None
            _end(system, self.disruption_id, start)
            return
        _plant_relief(traffic, self.seed)

    def answered(self, results: Sequence[FilingResult]) -> None:
        """Count the consignments whose answer told the filer a tier and its expected processing time."""
        self.tiers += Counter(
            c.priority["tier"]
            for r in results
            for c in r.consignments
            if c.priority and "expected_processing_hours" in c.priority
        )

    def summary(self) -> str:
        """One line for the demo's output: what was declared, when, what the filers were told, where to see it."""
        if self.disruption_id is None or self.starts_at is None:
            return "No disruption was declared: the history is too short to hold the 48-hour port closure."
        told = ", ".join(f"{self.tiers[t]} tier {t}" for t in sorted(self.tiers)) or "none"
        return (
            f"Disruption {self.disruption_id}: the port of Rotterdam ({OFFICE}, sea) closed for "
            f"{24 * CLOSURE_DAYS} hours from {self.starts_at:%Y-%m-%d %H:%M} UTC, declared and ended by the "
            f"supervisor; the filers' answers in it gave their tier and expected processing time ({told}). "
            "See `safelane resilience list --all`, `safelane resilience trs` and /resilience."
        )


def declare_surge(system: System, now: datetime) -> str:
    """Declare the surge at `now`, expected to last a day, and leave it in force."""
    return _declare(system, SURGE, now, timedelta(hours=SURGE_HOURS))


def surge_summary(disruption_id: str, now: datetime) -> str:
    return (
        f"Disruption {disruption_id} in force: a surge at Hamburg ({SURGE_OFFICE}) declared at {now:%Y-%m-%d %H:%M} "
        "UTC; what is filed there now is answered with its tier (its backlog and forecast at /resilience)."
    )


def _declare(system: System, declared: dict[str, Any], starts_at: datetime, lasting: timedelta) -> str:
    """Declare as the supervisor at its start; the pipeline applies it from the next batch."""
    assert system.db is not None
    data = {**declared, "starts_at": starts_at.isoformat(), "expected_end": (starts_at + lasting).isoformat()}
    declaration = Declaration.from_dict(data, now=starts_at)
    with system.db.write() as conn:
        disruption = disruption_store.declare(conn, declaration, at=starts_at, actor=SUPERVISOR)
    system.pipeline.disruptions_changed()
    return disruption.disruption_id


def _end(system: System, disruption_id: str, at: datetime) -> None:
    """End it explicitly as the supervisor: the port has reopened."""
    assert system.db is not None
    with system.db.write() as conn:
        disruption_store.end(conn, disruption_id, at=at, actor=SUPERVISOR, note="demo: the port has reopened")
    system.pipeline.disruptions_changed()


def _plant_relief(traffic: Traffic, seed: int) -> None:
    """Re-declare a share of the day's Rotterdam sea consignments (none planted for a profile) as relief goods."""
    rng = random.Random(f"safelane-demo-relief:{seed}:{traffic.start.isoformat()}")
    candidates = [
        consignment
        for filing in traffic.filings
        for consignment in filing["consignments"]
        if consignment["mode"] == "sea"
        and consignment["itinerary"].get("place_of_unloading") == OFFICE
        and (filing["document_number"], reference_of(consignment)) not in traffic.planted
    ]
    for consignment in rng.sample(candidates, min(len(candidates), max(1, round(RELIEF_SHARE * len(candidates))))):
        for item in consignment["goods"]:
            item["hs_code"], item["description"] = rng.choice(RELIEF_GOODS)

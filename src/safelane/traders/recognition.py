"""Programmes, mutual recognition and the benefits each authorisation type earns.

The home programme's types carry the benefits in `benefits.csv`. A partner administration's AEO is recognised
only under a mutual recognition arrangement in force at the filing time, only for the types the arrangement
names, and gets only the benefits it grants: those of the equivalent home type, the others left neutral.
The tables ship in `safelane/reference/data/trusted_traders/` (PROVENANCE.md there says which are facts).
"""

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from importlib.resources import files

from safelane.traders.authorisation import start_of

BENEFITS = ("score_reduction", "random_rate", "explore_rate", "documentary_instead_of_physical", "queue_priority")


@dataclass(frozen=True, slots=True)
class Benefits:
    """What an authorisation earns. Neutral values (0, factor 1, False) are no benefit."""

    score_reduction: float = 0.0  # points of 100 the risk score is scaled down by (30: to 70 %)
    random_rate_factor: float = 1.0  # on the office's random-sample rate (0.2: a fifth of it)
    explore_factor: float = 1.0  # on the exploration draw
    documentary_instead_of_physical: bool = False  # a physical inspection becomes a documentary check
    queue_priority: int = 0  # higher is worked first

    def only(self, names: frozenset[str]) -> "Benefits":
        """These benefits with every one not named set neutral (what an MRA grants)."""
        neutral = Benefits()
        return Benefits(
            self.score_reduction if "score_reduction" in names else neutral.score_reduction,
            self.random_rate_factor if "random_rate" in names else neutral.random_rate_factor,
            self.explore_factor if "explore_rate" in names else neutral.explore_factor,
            self.documentary_instead_of_physical and "documentary_instead_of_physical" in names,
            self.queue_priority if "queue_priority" in names else neutral.queue_priority,
        )

    def weakened(self) -> "Benefits":
        """For a party matched on name only: half the score reduction and nothing that lifts a control."""
        return Benefits(score_reduction=self.score_reduction / 2)

    @property
    def any(self) -> bool:
        return self != Benefits()


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    administration: str
    title: str
    types: tuple[str, ...]
    home: bool


@dataclass(frozen=True, slots=True)
class Arrangement:
    """A mutual recognition arrangement: the partner's programme and types recognised, the benefits granted."""

    partner: str
    programme: str
    types: frozenset[str]
    equivalent: str  # the home type whose benefits it stands for
    benefits: frozenset[str]
    valid_from: date | None
    valid_to: date | None
    note: str

    def in_force(self, at: datetime) -> bool:
        return (self.valid_from is None or at >= start_of(self.valid_from)) and (
            self.valid_to is None or at < start_of(self.valid_to)
        )


@dataclass(frozen=True, slots=True)
class Earned:
    benefits: Benefits
    basis: str  # "home programme" or "mutual recognition with United States (C-TPAT <-> EU AEOS ...)"
    arrangement: str | None = None


def _rows(name: str) -> list[dict[str, str]]:
    text = (files("safelane.reference") / "data" / "trusted_traders" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _set(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(";") if p.strip())


@dataclass(frozen=True)
class Recognition:
    programmes: dict[str, Programme]
    arrangements: dict[str, Arrangement]  # by partner programme
    home_benefits: dict[tuple[str, str], Benefits]  # (home programme, type)

    @property
    def home(self) -> Programme:
        return next(p for p in self.programmes.values() if p.home)

    def earned(self, programme: str, type_: str, at: datetime) -> Earned | None:
        """What a certified authorisation of this programme and type earns at `at`; None: nothing here."""
        own = self.programmes.get(programme)
        if own is not None and own.home:
            found = self.home_benefits.get((programme, type_))
            return Earned(found, "home programme") if found is not None else None
        mra = self.arrangements.get(programme)
        if mra is None or type_ not in mra.types or not mra.in_force(at):
            return None
        base = self.home_benefits.get((self.home.code, mra.equivalent), Benefits())
        return Earned(base.only(mra.benefits), f"mutual recognition with {mra.partner}", mra.partner)

    def with_benefits(self, programme: str, type_: str, benefits: Benefits) -> "Recognition":
        """A copy with one home type's benefits replaced (tests and administrations' overrides)."""
        return replace(self, home_benefits={**self.home_benefits, (programme, type_): benefits})


@cache
def packaged() -> Recognition:
    """The shipped tables (reference/data/trusted_traders)."""
    programmes = {
        r["programme"]: Programme(
            r["programme"], r["administration"], r["title"], tuple(sorted(_set(r["types"]))), r["home"] == "true"
        )
        for r in _rows("programmes.csv")
    }
    arrangements = {
        r["programme"]: Arrangement(
            r["partner"],
            r["programme"],
            _set(r["types"]),
            r["equivalent"],
            _set(r["benefits"]),
            _date(r["valid_from"]),
            _date(r["valid_to"]),
            r["note"],
        )
        for r in _rows("mras.csv")
    }
    benefits = {
        (r["programme"], r["type"]): Benefits(
            float(r["score_reduction"]),
            float(r["random_rate_factor"]),
            float(r["explore_factor"]),
            r["documentary_instead_of_physical"] == "true",
            int(r["queue_priority"]),
        )
        for r in _rows("benefits.csv")
    }
    return Recognition(programmes, arrangements, benefits)

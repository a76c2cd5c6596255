"""Essential goods: the dated HS table behind priority tier 1 (reference/data/essential_goods.csv).

Dated so a consignment is tiered by the list as it stood on the day it was decided; matched by prefix, so a
heading (3822) takes every subheading and national code beneath it.
"""

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from safelane.domain import Lodgement


@dataclass(frozen=True, slots=True)
class EssentialEntry:
    hs_prefix: str
    category: str  # medical | food | relief | energy
    valid_from: date
    valid_to: date | None
    description: str

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def entries() -> tuple[EssentialEntry, ...]:
    text = files("safelane.reference").joinpath("data/essential_goods.csv").read_text(encoding="utf-8")
    return tuple(
        EssentialEntry(
            row["hs_prefix"],
            row["category"],
            date.fromisoformat(row["valid_from"]),
            date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            row["description"],
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def _by_prefix() -> dict[str, tuple[EssentialEntry, ...]]:
    found: dict[str, list[EssentialEntry]] = {}
    for entry in entries():
        found.setdefault(entry.hs_prefix, []).append(entry)
    return {k: tuple(v) for k, v in found.items()}


def essential_entry(hs_code: str, day: date) -> EssentialEntry | None:
    """The table's entry an HS code falls under on `day` (longest prefix first), if any."""
    table = _by_prefix()
    for length in (6, 4):
        for entry in table.get(hs_code[:length], ()):
            if entry.valid_on(day):
                return entry
    return None


def essential_goods(lodgement: Lodgement, day: date) -> tuple[str, EssentialEntry] | None:
    """The first goods item's HS code that makes the consignment essential, with its entry."""
    for item in lodgement.consignment.goods:
        if item.hs_code and (entry := essential_entry(item.hs_code, day)):
            return item.hs_code, entry
    return None

"""The e-commerce knowledge as dated tables an administration can replace: de minimis thresholds,
destination groups, seller-registration schemes (IOSS, VOEC), goods keywords and dutiable goods.

The tables ship in `safelane/reference/data/` (sources per row, PROVENANCE-ecommerce.md). A folder named by
SAFELANE_ECOMMERCE_TABLES replaces any of them by a file of the same name, so a threshold change is a new row
with its dates, not a release. A malformed row stops the start naming the file, line and column.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path

FILES = (
    "de_minimis.csv",
    "ecommerce_destinations.csv",
    "ecommerce_schemes.csv",
    "ecommerce_keywords.csv",
    "ecommerce_goods.csv",
)


class TableError(ValueError):
    """A replacement table cannot be read; the message names file, line and column."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """One dated row of a destination's low-value regime.

    `relief`: goods of a consignment valued at or under `value` are relieved of `relieves` (0: no relief).
    `flat_duty`: consignments at or under `ceiling` pay `value` per `per` (the EU's EUR 3 per tariff sub-heading)."""

    destination: str
    kind: str  # relief | flat_duty
    relieves: str  # duty | vat | duty+vat | duty+tax
    basis: str  # intrinsic | cif
    per: str  # consignment | tariff_subheading
    currency: str
    value: float
    ceiling: float | None
    effective_from: date | None
    effective_to: date | None  # inclusive
    source: str

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    @property
    def limit(self) -> float | None:
        """The value a consignment must stay at or under for the low-value treatment; None: no such treatment."""
        if self.kind == "flat_duty":
            return self.ceiling
        return self.value if self.value > 0 else None


@dataclass(frozen=True, slots=True)
class Scheme:
    """A seller or marketplace registration a destination expects on low-value consignments."""

    destination: str
    scheme: str  # IOSS, VOEC: the party identifier scheme or document type carrying it
    pattern: re.Pattern[str] | None
    currency: str
    ceiling: float
    required: bool
    effective_from: date | None
    effective_to: date | None
    source: str

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


@dataclass(frozen=True, slots=True)
class Goods:
    """Goods an e-commerce check knows by name: a floor on a plausible declared value, excise status."""

    goods: str
    label: str
    hs_prefixes: tuple[str, ...]
    min_value_eur: float | None  # a line of these under this value is implausible...
    min_value_per_kg_eur: float | None  # ...unless its mass says it is a small part of the goods
    excise: bool


@dataclass(frozen=True)
class Tables:
    thresholds: tuple[Threshold, ...]
    destinations: Mapping[str, str]  # country -> destination group (member states -> EU)
    schemes: tuple[Scheme, ...]
    keywords: Mapping[str, tuple[frozenset[str], str]]  # keyword -> (HS chapters it belongs to, goods or "")
    goods: Mapping[str, Goods]
    version: str  # what the recorded assessment names: the tables' content digest
    _cache: dict[tuple[str, str, date], tuple[Threshold, ...] | tuple[Scheme, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def destination(self, country: str | None) -> str | None:
        return self.destinations.get(country, country) if country else None

    def regime(self, destination: str, on: date) -> tuple[Threshold, ...]:
        key = ("regime", destination, on)
        if key not in self._cache:
            self._cache[key] = tuple(t for t in self.thresholds if t.destination == destination and t.in_force(on))
        return self._cache[key]  # type: ignore[return-value]

    def schemes_for(self, destination: str, on: date) -> tuple[Scheme, ...]:
        key = ("schemes", destination, on)
        if key not in self._cache:
            self._cache[key] = tuple(s for s in self.schemes if s.destination == destination and s.in_force(on))
        return self._cache[key]  # type: ignore[return-value]


def _rows(name: str, text: str, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise TableError(f"{name}: line 1: missing column(s) {', '.join(missing)}")
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _date(name: str, line: int, column: str, text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise TableError(f"{name}: line {line}: {column} must be a date (YYYY-MM-DD), got {text!r}") from None


def _number(name: str, line: int, column: str, text: str, *, optional: bool = False) -> float | None:
    if not text and optional:
        return None
    try:
        number = float(text)
    except ValueError:
        raise TableError(f"{name}: line {line}: {column} must be a number, got {text!r}") from None
    if number < 0:
        raise TableError(f"{name}: line {line}: {column} must not be negative, got {text!r}")
    return number


def _choice(name: str, line: int, column: str, text: str, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if text not in options:
        raise TableError(f"{name}: line {line}: {column} must be one of {', '.join(options)}, got {text!r}")
    return text


def _thresholds(name: str, text: str) -> tuple[Threshold, ...]:
    columns = ("destination", "kind", "relieves", "basis", "per", "currency", "value", "ceiling")
    found = []
    for line, row in _rows(name, text, (*columns, "effective_from", "effective_to", "source")):
        kind = _choice(name, line, "kind", row["kind"], ("relief", "flat_duty"))
        ceiling = _number(name, line, "ceiling", row["ceiling"], optional=True)
        if kind == "flat_duty" and ceiling is None:
            raise TableError(f"{name}: line {line}: a flat_duty row needs the ceiling it applies under")
        found.append(
            Threshold(
                row["destination"].upper(),
                kind,
                _choice(name, line, "relieves", row["relieves"], ("duty", "vat", "duty+vat", "duty+tax")),
                _choice(name, line, "basis", row["basis"], ("intrinsic", "cif")),
                _choice(name, line, "per", row["per"], ("consignment", "tariff_subheading")),
                row["currency"].upper(),
                _number(name, line, "value", row["value"]) or 0.0,
                ceiling,
                _date(name, line, "effective_from", row["effective_from"]),
                _date(name, line, "effective_to", row["effective_to"]),
                row["source"],
            )
        )
    return tuple(found)


def _schemes(name: str, text: str) -> tuple[Scheme, ...]:
    found = []
    for line, row in _rows(name, text, ("destination", "scheme", "pattern", "currency", "ceiling", "required")):
        try:
            pattern = re.compile(row["pattern"]) if row["pattern"] else None
        except re.error as error:
            raise TableError(f"{name}: line {line}: pattern is not a regular expression: {error}") from None
        found.append(
            Scheme(
                row["destination"].upper(),
                row["scheme"].upper(),
                pattern,
                row["currency"].upper(),
                _number(name, line, "ceiling", row["ceiling"]) or 0.0,
                _choice(name, line, "required", row["required"], ("yes", "no")) == "yes",
                _date(name, line, "effective_from", row.get("effective_from", "")),
                _date(name, line, "effective_to", row.get("effective_to", "")),
                row.get("source", ""),
            )
        )
    return tuple(found)


def _keywords(name: str, text: str) -> dict[str, tuple[frozenset[str], str]]:
    found = {}
    for line, row in _rows(name, text, ("keyword", "chapters", "goods")):
        chapters = frozenset(row["chapters"].split())
        if not chapters or not all(re.fullmatch(r"\d\d", c) for c in chapters):
            raise TableError(f"{name}: line {line}: chapters must be two-digit HS chapters, got {row['chapters']!r}")
        found[" ".join(row["keyword"].lower().split())] = (chapters, row["goods"])
    return found


def _goods(name: str, text: str) -> dict[str, Goods]:
    found = {}
    columns = ("goods", "label", "hs_prefixes", "min_value_eur", "min_value_per_kg_eur", "excise")
    for line, row in _rows(name, text, columns):
        found[row["goods"]] = Goods(
            row["goods"],
            row["label"] or row["goods"],
            tuple(row["hs_prefixes"].split()),
            _number(name, line, "min_value_eur", row["min_value_eur"], optional=True),
            _number(name, line, "min_value_per_kg_eur", row["min_value_per_kg_eur"], optional=True),
            _choice(name, line, "excise", row["excise"], ("yes", "no")) == "yes",
        )
    return found


def _texts(folder: Path | None) -> dict[str, str]:
    shipped = files("safelane.reference") / "data"
    texts = {}
    for name in FILES:
        replacement = folder / name if folder is not None else None
        if replacement is not None and replacement.is_file():
            texts[name] = replacement.read_text(encoding="utf-8")
        else:
            texts[name] = (shipped / name).read_text(encoding="utf-8")
    return texts


def load(folder: Path | None = None) -> Tables:
    """The tables, each from `folder` when it holds a file of that name, else the shipped one."""
    import hashlib

    if folder is not None and not folder.is_dir():
        raise TableError(f"SAFELANE_ECOMMERCE_TABLES: {folder} is not a folder")
    texts = _texts(folder)
    destinations = {
        row["country"].upper(): row["destination"].upper()
        for _, row in _rows(
            "ecommerce_destinations.csv", texts["ecommerce_destinations.csv"], ("country", "destination")
        )
    }
    digest = hashlib.sha256("".join(texts[n] for n in FILES).encode()).hexdigest()[:12]
    return Tables(
        _thresholds("de_minimis.csv", texts["de_minimis.csv"]),
        destinations,
        _schemes("ecommerce_schemes.csv", texts["ecommerce_schemes.csv"]),
        _keywords("ecommerce_keywords.csv", texts["ecommerce_keywords.csv"]),
        _goods("ecommerce_goods.csv", texts["ecommerce_goods.csv"]),
        digest,
    )

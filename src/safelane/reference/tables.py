"""Lookups in the reference tables shipped with safelane: HS 2022, ISO 3166-1, ISO 4217 and UN/LOCODE.

Validation checks every code of every filing against these, on machines without the sources or a
network, so the tables ship as compact files in `data/` (made by scripts/build_reference.py; origin,
licences and row counts in data/PROVENANCE.md). Each table is read on first use and then kept, so
importing this module costs nothing and a lookup is a dict access.

Codes are matched exactly as the standards write them: upper-case letters, ASCII digits, no
separators. The one exception is UN/LOCODE, which documents and forms often print as "CN SHA".
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = [
    "HsEntry",
    "Location",
    "country_known",
    "country_name",
    "currency_known",
    "currency_minor_units",
    "hs_chapter_known",
    "hs_description",
    "hs_entry",
    "hs_section_name",
    "hs_subheading_known",
    "location",
    "location_known",
    "locations_in",
]

# UN/LOCODE function classifiers: 1 port, 2 rail, 3 road, 4 airport, 5 postal exchange office,
# 6 inland clearance depot, 7 fixed transport installation, B border crossing, 0 not known.
_FUNCTION_CLASSIFIERS = frozenset("01234567B")


@dataclass(frozen=True, slots=True)
class HsEntry:
    """One HS 2022 chapter (level 2), heading (4) or subheading (6); section is its Roman numeral."""

    code: str
    description: str
    section: str
    level: int


@dataclass(frozen=True, slots=True)
class Location:
    """One UN/LOCODE entry. functions is the 8-character function string, e.g. "1-3-----".

    iata is None when the source gives none: UN/LOCODE leaves it empty also when the IATA code equals
    the last three letters of the code (DEFRA), so None does not mean "no IATA code".
    latitude and longitude are decimal degrees, None when the source has no usable coordinates.
    """

    code: str
    name: str
    country: str
    subdivision: str | None
    functions: str
    iata: str | None
    latitude: float | None
    longitude: float | None

    @property
    def is_port(self) -> bool:
        """Function 1: a port, for any kind of waterborne transport."""
        return "1" in self.functions

    @property
    def is_rail(self) -> bool:
        """Function 2: a rail terminal."""
        return "2" in self.functions

    @property
    def is_road(self) -> bool:
        """Function 3: a road terminal."""
        return "3" in self.functions

    @property
    def is_airport(self) -> bool:
        """Function 4: an airport."""
        return "4" in self.functions

    @property
    def is_postal(self) -> bool:
        """Function 5: a postal exchange office."""
        return "5" in self.functions


# --- loading -------------------------------------------------------------------------------------


def _rows(name: str, header: list[str]) -> list[list[str]]:
    """The data rows of a packaged CSV; fails loudly if its columns are not the ones this code reads."""
    data = (files("safelane.reference") / "data" / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if not rows or rows[0] != header:
        raise RuntimeError(f"packaged reference table {name} has unexpected columns: {rows[:1]}")
    return rows[1:]


@cache
def _hs() -> tuple[dict[str, HsEntry], dict[str, str]]:
    entries: dict[str, HsEntry] = {}
    sections: dict[str, str] = {}
    for code, level, section, description in _rows("hs2022.csv", ["code", "level", "section", "description"]):
        if level == "0":
            sections[code] = description
        else:
            entries[code] = HsEntry(code, description, section, int(level))
    return entries, sections


@cache
def _countries() -> dict[str, str]:
    return {code: name for code, name in _rows("countries.csv", ["code", "name"])}


@cache
def _currency_minor_units() -> dict[str, int | None]:
    rows = _rows("currencies.csv", ["code", "numeric", "name", "minor_units"])
    return {code: int(units) if units else None for code, _numeric, _name, units in rows}


_LOCODE_COLUMNS = ["code", "name", "subdivision", "functions", "iata", "latitude", "longitude"]


@cache
def _location_rows() -> dict[str, list[str]]:
    """The whole UN/LOCODE table as raw rows by code. Location objects are made only for codes that are
    asked for: building all 110,000 up front would nearly triple the load time, and validation mostly only asks
    whether a code exists."""
    return {row[0]: row for row in _rows("unlocode.csv.gz", _LOCODE_COLUMNS)}


@cache
def _location_object(code: str) -> Location:
    """The Location for a code known to be in the table (so the cache only ever holds real codes)."""
    _code, name, subdivision, functions, iata, lat, lon = _location_rows()[code]
    return Location(
        code,
        name,
        code[:2],
        subdivision or None,
        functions,
        iata or None,
        float(lat) if lat else None,
        float(lon) if lon else None,
    )


@cache
def _location_codes_by_country() -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for code in _location_rows():  # in code order, as the file is sorted
        grouped.setdefault(code[:2], []).append(code)
    return {country: tuple(codes) for country, codes in grouped.items()}


def _locode(code: str) -> str:
    return code[:2] + code[3:] if len(code) == 6 and code[2] == " " else code


def _is_digits(code: str) -> bool:
    return code.isascii() and code.isdigit()


# --- HS 2022 -------------------------------------------------------------------------------------


def hs_entry(code: str) -> HsEntry | None:
    """The HS 2022 chapter, heading or subheading with exactly this 2-, 4- or 6-digit code."""
    return _hs()[0].get(code)


def hs_chapter_known(code: str) -> bool:
    """Whether the first 2 digits of an HS code (any length, e.g. a 10-digit tariff code) are an HS 2022 chapter.

    Reserved chapters (77) and national ones (98, 99) are not known."""
    return len(code) >= 2 and _is_digits(code) and code[:2] in _hs()[0]


def hs_subheading_known(code: str) -> bool:
    """Whether the first 6 digits of an HS code are an HS 2022 subheading; later (national) digits are not checked."""
    return len(code) >= 6 and _is_digits(code) and code[:6] in _hs()[0]


def hs_description(code: str) -> str | None:
    """The most specific HS 2022 description for a code: its subheading's, else heading's, else chapter's."""
    if not _is_digits(code):
        return None
    entries = _hs()[0]
    for width in (6, 4, 2):
        if len(code) >= width and (entry := entries.get(code[:width])):
            return entry.description
    return None


def hs_section_name(section: str) -> str | None:
    """The title of an HS section given by its Roman numeral (HsEntry.section), e.g. "XVI"."""
    return _hs()[1].get(section)


# --- ISO 3166-1 and ISO 4217 ---------------------------------------------------------------------


def country_known(code: str) -> bool:
    """Whether code is an ISO 3166-1 alpha-2 country code (upper-case, e.g. "CN")."""
    return code in _countries()


def country_name(code: str) -> str | None:
    """The English short name of an ISO 3166-1 alpha-2 country code."""
    return _countries().get(code)


def currency_known(code: str) -> bool:
    """Whether code is an active ISO 4217 alpha-3 currency code (XTS and XXX are not money, so not known)."""
    return code in _currency_minor_units()


def currency_minor_units(code: str) -> int | None:
    """Decimal places of the currency's minor unit (EUR 2, JPY 0, BHD 3); None if unknown or not applicable (XAU)."""
    return _currency_minor_units().get(code)


# --- UN/LOCODE -----------------------------------------------------------------------------------


def location(code: str) -> Location | None:
    """The UN/LOCODE entry for a 5-character upper-case code ("CNSHA"), also written with a space ("CN SHA")."""
    code = _locode(code)
    return _location_object(code) if code in _location_rows() else None


def location_known(code: str) -> bool:
    """Whether code is a UN/LOCODE location, written "CNSHA" or "CN SHA"."""
    return _locode(code) in _location_rows()


def locations_in(country: str, function: str | None = None) -> list[Location]:
    """The UN/LOCODE locations of a country in code order, optionally only those with one function
    classifier ("1" port, "2" rail, "3" road, "4" airport, "5" postal, "6" inland depot, "7" fixed
    installation, "B" border crossing)."""
    if function is not None and (len(function) != 1 or function not in _FUNCTION_CLASSIFIERS):
        raise ValueError(f"not a UN/LOCODE function classifier: {function!r}")
    codes = _location_codes_by_country().get(country, ())
    if function is not None:
        rows = _location_rows()
        codes = tuple(code for code in codes if function in rows[code][3])
    return [_location_object(code) for code in codes]


def warm() -> None:
    """Load every table now, so a long-running process can freeze them out of the garbage collector's scans."""
    _hs()
    _countries()
    _currency_minor_units()
    _location_rows()

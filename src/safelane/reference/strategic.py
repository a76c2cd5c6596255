"""Strategic goods control lists as dated tables: which list, which entry, and on what a goods item matches it.

The EU explosives precursors (Regulation (EU) 2019/1148: Annex I restricted, with concentration limits, and
Annex II reportable), the Common High Priority Items List with its destinations of concern, and an
administration's own dual-use correlation table (CN code to export control number, which the EU publishes
yearly). The tables ship in `data/strategic/` with their provenance and validity dates; an administration
replaces any of them file by file from a folder of its own, and loads its correlation table from a CSV.

Codes are CN or HS digits. "ex" before a code means only part of it is controlled, so the goods description
(a keyword or a CAS number) must confirm the item; so must a declared HS-6 that covers a CN-8 entry without
being it (2829 90 covers the perchlorates of 2829 90 10, and much else). Descriptions are matched with RE2, so
no description a filer writes can make the scan slow.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import re2

__all__ = [
    "ControlCode",
    "ControlList",
    "Destination",
    "Entry",
    "Match",
    "StrategicTableError",
    "StrategicTables",
    "load",
    "parse_code",
]

LISTS = "lists.csv"
RESTRICTED = "precursors_restricted.csv"
REPORTABLE = "precursors_reportable.csv"
CHPL = "chpl.csv"
DESTINATIONS = "destinations.csv"
TABLE_FILES = (LISTS, RESTRICTED, REPORTABLE, CHPL, DESTINATIONS)

RESTRICTED_LIST = "eu_precursors_restricted"
REPORTABLE_LIST = "eu_precursors_reportable"
CHPL_LIST = "chpl"
DUAL_USE_LIST = "dual_use"
ANY_LIST = "*"  # a destination of concern for every list


def _insensitive() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    return options


_CAS = re2.compile(r"\b(\d{2,7}-\d{2}-\d)\b")
_PERCENT = re2.compile(r"(\d{1,3}(?:[.,]\d{1,4})?)\s*(?:%|per ?cent\b)", _insensitive())


class StrategicTableError(ValueError):
    """A table cannot be read; the message names the file, the line and the column."""


@dataclass(frozen=True, slots=True)
class ControlCode:
    """A CN/HS code as a control list writes it; `ex`: only part of the code is controlled."""

    digits: str
    ex: bool = False

    def __str__(self) -> str:
        d = self.digits
        spaced = " ".join([d[:4], *[d[i : i + 2] for i in range(4, len(d), 2)]])
        return f"ex {spaced}" if self.ex else spaced

    def relation(self, declared: str) -> str | None:
        """How a declared code relates to this one: "exact" (it is this code, or within it, and the code is
        wholly controlled), "partial" (within it, but the code is "ex", or the declared code is broader), None."""
        if declared.startswith(self.digits):
            return "partial" if self.ex else "exact"
        if self.digits.startswith(declared):
            rest = self.digits[len(declared) :]
            # "2847 00 00" is HS 284700 undivided: declaring 284700 is declaring it
            return "exact" if not self.ex and set(rest) <= {"0"} else "partial"
        return None


def parse_code(text: str) -> ControlCode:
    """'ex 2808 00 00' -> ControlCode('28080000', ex=True); ValueError when it is not 6 to 10 digits."""
    words = text.strip().lower()
    ex = words.startswith("ex")
    digits = words[2:] if ex else words
    digits = digits.replace(" ", "").replace(".", "")
    if not (digits.isdigit() and digits.isascii() and 6 <= len(digits) <= 10):
        raise ValueError(f"{text!r} is not a CN/HS code of 6 to 10 digits (optionally 'ex ...')")
    return ControlCode(digits, ex)


def _in_force(day: date, valid_from: date, valid_to: date | None) -> bool:
    return valid_from <= day and (valid_to is None or day <= valid_to)


@dataclass(frozen=True, slots=True)
class ControlList:
    id: str
    title: str
    source: str
    version: str
    valid_from: date
    valid_to: date | None
    licence_documents: frozenset[str]  # WCO DM / TARIC document codes that declare a licence for this list
    statement_documents: frozenset[str] = frozenset()  # codes stating no licence is needed (Y901: not listed)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a control list: a substance, an HS-6 item, an export control number."""

    list: str
    entry: str
    title: str
    codes: tuple[ControlCode, ...]
    valid_from: date
    valid_to: date | None = None
    cas: str | None = None
    keywords: tuple[str, ...] = ()
    limit_percent: float | None = None  # Annex I: above it, the substance is restricted
    limit_basis: str = "w/w"
    upper_limit_percent: float | None = None  # Annex I: above it no licence may be granted; None: none ever
    tier: str | None = None  # CHPL tier

    def in_force(self, day: date) -> bool:
        return _in_force(day, self.valid_from, self.valid_to)

    @property
    def confirmable(self) -> bool:
        """Whether a description can confirm a partial code match (keywords or a CAS number are known)."""
        return bool(self.keywords or self.cas)


@dataclass(frozen=True, slots=True)
class Destination:
    list: str
    country: str
    role: str  # "destination" (consignee or unloading country) or "route" (a routing country)
    reason: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class Match:
    """One goods item on one list entry, and on what: the code it matched, the words that confirmed it."""

    entry: Entry
    code: ControlCode | None  # the list's code the declared HS matched; None: matched on the description alone
    relation: str | None  # "exact" or "partial" (see ControlCode.relation); None without a code
    keyword: str | None = None  # the description's words that name the substance
    cas: str | None = None  # the CAS number the description gives
    concentration: float | None = None  # percent, read from the description
    snippet: str = ""  # the part of the description that says so

    @property
    def confirmed_by(self) -> str:
        """What made this a match: the HS code alone, or the description (words or CAS number)."""
        said = "CAS number" if self.cas else "description" if self.keyword else ""
        if self.code is None:
            return said
        return f"HS code and {said}" if said else "HS code"


@dataclass(frozen=True, slots=True)
class _Terms:
    """What a description names: entries (by key) with the keyword or CAS that named them, and percentages."""

    named: Mapping[tuple[str, str], tuple[str | None, str | None, int, int]]  # key -> keyword, cas, start, end
    percents: tuple[tuple[int, float], ...]  # (position, value)


@dataclass
class StrategicTables:
    """Every list's entries in force over time, indexed by HS-6 and by description keyword."""

    lists: dict[str, ControlList]
    entries: list[Entry]
    destinations: list[Destination]
    version: str
    _by_hs6: dict[str, list[tuple[Entry, ControlCode]]] = field(init=False, repr=False)
    _by_keyword: dict[str, list[Entry]] = field(init=False, repr=False)
    _by_cas: dict[str, list[Entry]] = field(init=False, repr=False)
    _keywords: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_hs6 = defaultdict(list)
        self._by_keyword = defaultdict(list)
        self._by_cas = defaultdict(list)
        for entry in self.entries:
            for code in entry.codes:
                self._by_hs6[code.digits[:6]].append((entry, code))
            for keyword in entry.keywords:
                self._by_keyword[_fold(keyword)].append(entry)
            if entry.cas:
                self._by_cas[entry.cas].append(entry)
        words = sorted(self._by_keyword, key=len, reverse=True)  # longest first: "calcium ammonium nitrate"
        pattern = r"\b(" + "|".join(re2.escape(w) for w in words) + r")\b"
        self._keywords = re2.compile(pattern, _insensitive()) if words else None
        # Descriptions and (code, description) pairs repeat across a day's traffic, and the assessor and
        # profiles' `in_list` ask the same questions: both answers are kept for the most recent ones.
        self.terms = lru_cache(maxsize=65536)(self._terms)
        self.match = lru_cache(maxsize=65536)(self._match_item)  # type: ignore[method-assign]

    def control_list(self, list_id: str) -> ControlList | None:
        return self.lists.get(list_id)

    def _terms(self, description: str) -> _Terms:
        named: dict[tuple[str, str], tuple[str | None, str | None, int, int]] = {}
        if self._keywords is not None:
            for found in self._keywords.finditer(description):  # type: ignore[attr-defined]
                for entry in self._by_keyword.get(_fold(found.group(1)), ()):
                    named.setdefault((entry.list, entry.entry), (found.group(1), None, found.start(), found.end()))
        for found in _CAS.finditer(description):
            for entry in self._by_cas.get(found.group(1), ()):
                key = (entry.list, entry.entry)
                keyword, _, start, end = named.get(key, (None, None, found.start(), found.end()))
                named[key] = (keyword, found.group(1), start, end)
        percents = tuple(
            (found.start(), value)
            for found in _PERCENT.finditer(description)
            if (value := float(found.group(1).replace(",", "."))) <= 100
        )
        return _Terms(named, percents)

    def match(self, hs_code: str | None, description: str | None, day: date) -> tuple[Match, ...]:
        """The list entries in force on `day` that this goods item is on (see `_match_item`); cached."""
        return self._match_item(hs_code, description, day)

    def _match_item(self, hs_code: str | None, description: str | None, day: date) -> tuple[Match, ...]:
        """The entries in force on `day` that this goods item is on, each with what made it match.

        A code match stands alone when the declared code is wholly controlled; a partial one ("ex", or a
        broader declared code) needs the description to name the entry. A description naming an entry with
        no code match counts when no HS code is declared or the declared one is in the entry's chapters.
        """
        terms = self.terms(description) if description else None
        named = terms.named if terms else {}
        found: dict[tuple[str, str], Match] = {}
        if hs_code:
            for entry, code in self._by_hs6.get(hs_code[:6], ()):
                relation = code.relation(hs_code)
                key = (entry.list, entry.entry)
                if relation is None or key in found or not entry.in_force(day):
                    continue
                said = named.get(key)
                if relation == "partial" and entry.confirmable and said is None:
                    continue
                found[key] = self._match(entry, code, relation, said, description, terms)
        for key, said in named.items():
            if key in found:
                continue
            for entry in self._entries_named(key):
                if not entry.in_force(day):
                    continue
                chapters = {c.digits[:2] for c in entry.codes}
                if hs_code is None or hs_code[:2] in chapters:
                    found[key] = self._match(entry, None, None, said, description, terms)
                    break
        return tuple(found.values())

    def _entries_named(self, key: tuple[str, str]) -> Iterable[Entry]:
        return (e for e in self.entries if (e.list, e.entry) == key)

    @staticmethod
    def _match(
        entry: Entry,
        code: ControlCode | None,
        relation: str | None,
        said: tuple[str | None, str | None, int, int] | None,
        description: str | None,
        terms: _Terms | None,
    ) -> Match:
        keyword = cas = None
        snippet = ""
        concentration = None
        if said is not None and description is not None:
            keyword, cas, start, end = said
            after = [(pos, v) for pos, v in terms.percents if pos >= end] if terms else []
            before = [(pos, v) for pos, v in terms.percents if pos < start] if terms else []
            chosen = after[0] if after else before[-1] if before else None
            if chosen is not None:
                concentration = chosen[1]
                end = max(end, chosen[0] + description[chosen[0] :].find("%") + 1, end)
                start = min(start, chosen[0])
            snippet = description[max(0, start) : end].strip()
        elif description is not None and terms and terms.percents:
            concentration = terms.percents[0][1]
        return Match(entry, code, relation, keyword, cas, concentration, snippet or (description or "")[:80])

    def concerns(self, list_id: str, destinations: Iterable[str], route: Iterable[str], day: date) -> list[Destination]:
        """The destinations and routing countries of concern for this list on `day`."""
        wanted = {("destination", c) for c in destinations} | {("route", c) for c in route}
        return [
            d
            for d in self.destinations
            if d.list in (list_id, ANY_LIST)
            and (d.role, d.country) in wanted
            and _in_force(day, d.valid_from, d.valid_to)
        ]

    def on_list(self, list_ids: Sequence[str], hs_code: str | None, description: str | None, day: date) -> bool:
        """Whether the goods item is on any of the lists (the profile condition `in_list`)."""
        return any(m.entry.list in list_ids for m in self.match(hs_code, description, day))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


# -- reading the tables --------------------------------------------------------------------------------------


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise StrategicTableError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _optional_date(value: str | None, where: str) -> date | None:
    return _date(value, where) if value and value.strip() else None


def _percent(value: str | None, where: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value.strip().rstrip("%"))
    except ValueError:
        raise StrategicTableError(f"{where}: {value!r} is not a percentage") from None
    if not 0 <= number <= 100:
        raise StrategicTableError(f"{where}: {value!r} is not between 0 and 100")
    return number


def _rows(text: str, name: str, required: Sequence[str]) -> Iterable[tuple[str, dict[str, str]]]:
    """Each row with its location ('chpl.csv:12'); a missing column stops the read naming it."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    absent = [c for c in required if c not in columns]
    if absent:
        raise StrategicTableError(f"{name}: missing column(s) {', '.join(absent)} (has {', '.join(columns) or 'none'})")
    for row in reader:
        where = f"{name}:{reader.line_num}"
        yield where, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}


def _codes(value: str, where: str) -> tuple[ControlCode, ...]:
    try:
        codes = tuple(parse_code(part) for part in value.split(";") if part.strip())
    except ValueError as error:
        raise StrategicTableError(f"{where}: cn_codes: {error}") from None
    if not codes:
        raise StrategicTableError(f"{where}: cn_codes: no code given")
    return codes


def _keywords(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split("|") if word.strip())


def _read_lists(text: str) -> dict[str, ControlList]:
    lists = {}
    for where, row in _rows(text, LISTS, ("list", "title", "source", "valid_from")):
        lists[row["list"]] = ControlList(
            row["list"],
            row["title"],
            row["source"],
            row.get("version", ""),
            _date(row["valid_from"], f"{where}: valid_from"),
            _optional_date(row.get("valid_to"), f"{where}: valid_to"),
            frozenset(row.get("licence_documents", "").upper().split()),
            frozenset(row.get("statement_documents", "").upper().split()),
        )
    return lists


def _read_restricted(text: str) -> list[Entry]:
    columns = ("entry", "substance", "cas_rn", "limit_percent", "cn_codes", "keywords", "valid_from")
    entries = []
    for where, row in _rows(text, RESTRICTED, columns):
        limit = _percent(row["limit_percent"], f"{where}: limit_percent")
        if limit is None:
            raise StrategicTableError(f"{where}: limit_percent: an Annex I entry needs its limit value")
        entries.append(
            Entry(
                RESTRICTED_LIST,
                row["entry"],
                row["substance"],
                _codes(row["cn_codes"], where),
                _date(row["valid_from"], f"{where}: valid_from"),
                _optional_date(row.get("valid_to"), f"{where}: valid_to"),
                cas=row["cas_rn"] or None,
                keywords=_keywords(row["keywords"]),
                limit_percent=limit,
                limit_basis=row.get("limit_basis") or "w/w",
                upper_limit_percent=_percent(row.get("upper_limit_percent"), f"{where}: upper_limit_percent"),
            )
        )
    return entries


def _read_reportable(text: str) -> list[Entry]:
    columns = ("entry", "substance", "cas_rn", "cn_codes", "keywords", "valid_from")
    return [
        Entry(
            REPORTABLE_LIST,
            row["entry"],
            row["substance"],
            _codes(row["cn_codes"], where),
            _date(row["valid_from"], f"{where}: valid_from"),
            _optional_date(row.get("valid_to"), f"{where}: valid_to"),
            cas=row["cas_rn"] or None,
            keywords=_keywords(row["keywords"]),
        )
        for where, row in _rows(text, REPORTABLE, columns)
    ]


def _tier_words(tier: str) -> str:
    """'TIER_3_A' -> 'Tier 3.A', as the list names its tiers."""
    number, _, letter = tier.upper().removeprefix("TIER_").partition("_")
    return f"Tier {number}.{letter}" if letter else f"Tier {number}"


def _read_chpl(text: str) -> list[Entry]:
    entries = []
    for where, row in _rows(text, CHPL, ("hs6", "tier", "valid_from")):
        code = _codes(row["hs6"], where)
        if len(code[0].digits) != 6 or code[0].ex:
            raise StrategicTableError(f"{where}: hs6: {row['hs6']!r} is not a 6-digit HS code")
        entries.append(
            Entry(
                CHPL_LIST,
                code[0].digits,
                _tier_words(row["tier"]),
                code,
                _date(row["valid_from"], f"{where}: valid_from"),
                _optional_date(row.get("valid_to"), f"{where}: valid_to"),
                tier=row["tier"],
            )
        )
    return entries


def _read_destinations(text: str) -> list[Destination]:
    found = []
    for where, row in _rows(text, DESTINATIONS, ("list", "country", "role", "reason", "valid_from")):
        if row["role"] not in ("destination", "route"):
            raise StrategicTableError(f"{where}: role: {row['role']!r} is not 'destination' or 'route'")
        country = row["country"].upper()
        if len(country) != 2 or not country.isalpha():
            raise StrategicTableError(f"{where}: country: {row['country']!r} is not an ISO 3166 alpha-2 code")
        found.append(
            Destination(
                row["list"],
                country,
                row["role"],
                row["reason"],
                _date(row["valid_from"], f"{where}: valid_from"),
                _optional_date(row.get("valid_to"), f"{where}: valid_to"),
            )
        )
    return found


_CODE_COLUMNS = ("cn_code", "cn", "cn code", "cn8", "code")
_ECN_COLUMNS = ("control_number", "export control number", "export_control_number", "ecn", "eccn")


def read_dual_use(text: str, name: str) -> list[Entry]:
    """An administration's correlation table: one row per CN code and export control number.

    Columns (case-insensitive): the CN code (`cn_code`, `cn`, `code`; "ex 8542 31 90" allowed), the control
    number (`control_number`, `ecn`, `eccn`), and optionally `description`, `keywords` (a|b, to confirm
    "ex" codes), `valid_from`, `valid_to`.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    code_column = next((c for c in _CODE_COLUMNS if c in columns), None)
    ecn_column = next((c for c in _ECN_COLUMNS if c in columns), None)
    if code_column is None or ecn_column is None:
        raise StrategicTableError(
            f"{name}: needs a CN code column ({', '.join(_CODE_COLUMNS)}) and a control number column "
            f"({', '.join(_ECN_COLUMNS)}); has {', '.join(columns) or 'none'}"
        )
    entries = []
    for row in reader:
        where = f"{name}:{reader.line_num}"
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        ecn = cells[ecn_column].upper()
        if not ecn:
            raise StrategicTableError(f"{where}: {ecn_column}: no export control number")
        valid_from = _optional_date(cells.get("valid_from"), f"{where}: valid_from") or date(2000, 1, 1)
        entries.append(
            Entry(
                DUAL_USE_LIST,
                ecn,
                cells.get("description") or f"export control number {ecn}",
                _codes(cells[code_column], where),
                valid_from,
                _optional_date(cells.get("valid_to"), f"{where}: valid_to"),
                keywords=_keywords(cells.get("keywords", "")),
            )
        )
    return entries


def _shipped(name: str) -> str:
    return files("safelane.reference").joinpath("data", "strategic", name).read_text(encoding="utf-8")


def load(folder: Path | None = None, dual_use: Path | None = None) -> StrategicTables:
    """The tables: the shipped ones, each replaced by the file of the same name in `folder` when it has one,
    plus the correlation table in `dual_use`. The version is a hash of every table's bytes, recorded with each
    assessment, so a replaced table shows in the record."""
    texts: dict[str, str] = {}
    for name in TABLE_FILES:
        own = folder / name if folder is not None else None
        texts[name] = own.read_text(encoding="utf-8") if own is not None and own.is_file() else _shipped(name)
    entries = [*_read_restricted(texts[RESTRICTED]), *_read_reportable(texts[REPORTABLE]), *_read_chpl(texts[CHPL])]
    digest = hashlib.sha256("\0".join(texts[n] for n in TABLE_FILES).encode())
    if dual_use is not None:
        try:
            text = dual_use.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise StrategicTableError(f"{dual_use}: cannot be read: {error.strerror or error}") from None
        entries += read_dual_use(text, dual_use.name)
        digest.update(b"\0" + text.encode())
    return StrategicTables(
        _read_lists(texts[LISTS]), entries, _read_destinations(texts[DESTINATIONS]), digest.hexdigest()[:12]
    )


@lru_cache(maxsize=1)
def shipped() -> StrategicTables:
    """The tables as shipped (read once)."""
    return load()


_installed: list[StrategicTables] = []


def install(tables: StrategicTables) -> None:
    """Make these the tables every check reads (the strategic assessor's build installs the administration's),
    so a profile's `in_list` and the assessor agree on what is on a list."""
    _installed[:] = [tables]


def in_force() -> StrategicTables:
    """The installed tables, else the shipped ones."""
    return _installed[0] if _installed else shipped()

"""Mis-declaration in a parcel's goods lines: a description of another HS chapter, a description too vague to
assess, valuable goods declared at a price they are not sold at, excise goods in a low-value relief, and the
seller registration (IOSS, VOEC) the destination expects.

Descriptions are matched on whole words against the keyword table, longest keyword first ('toy phone' is a
toy, 'phone' a telephone set). A description is of another chapter only when none of its keywords allows the
declared chapter, so accessories ('phone case') listed with their own chapters never count as phones.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from safelane.domain import Consignment, FilingKind, Finding, GoodsItem
from safelane.reference.rates import convert
from safelane.risk.ecommerce.consignee import normal
from safelane.risk.ecommerce.parcel import Parcel
from safelane.risk.ecommerce.tables import Goods, Scheme, Tables
from safelane.risk.placi import vague_description

MISMATCH_SCORE = 40.0
VAGUE_SCORE = 20.0
UNDERVALUED_SCORE = 50.0
EXCISE_SCORE = 30.0
SCHEME_MISSING_SCORE = 15.0
SCHEME_INVALID_SCORE = 35.0
SCHEME_MISUSED_SCORE = 25.0


@dataclass(frozen=True, slots=True)
class Described:
    """What a description says: its keywords, the HS chapters they allow, whether it is too vague."""

    keywords: tuple[str, ...]
    chapters: frozenset[str]
    vague: bool


class Judged(NamedTuple):
    """What a goods line's description and HS code say together: the description, whether it names goods of
    another chapter than the code's, and the known goods the line is."""

    described: Described
    mismatch: bool
    goods: Goods | None


class Vocabulary:
    """The keyword table compiled once (one alternation, longest keyword first, plurals in -s and -es), with what
    each description and code was found to be remembered: a day's parcels repeat their descriptions."""

    def __init__(self, tables: Tables):
        self.tables = tables
        words = sorted(tables.keywords, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")(?:e?s)?\b")
        self._described: dict[str, Described] = {}
        self._by_code: dict[str | None, Goods | None] = {}
        self._judged: dict[tuple[str | None, str | None], Judged] = {}
        self._schemes: dict[tuple[str, date], tuple[tuple[Scheme, ...], frozenset[str]]] = {}

    def schemes(self, destination: str, day: date) -> tuple[tuple[Scheme, ...], frozenset[str]]:
        """The seller schemes in force for a destination that day, and their names: once per destination a day."""
        found = self._schemes.get((destination, day))
        if found is None:
            schemes = self.tables.schemes_for(destination, day)
            found = self._schemes[(destination, day)] = (schemes, frozenset(s.scheme for s in schemes))
        return found

    def describe(self, description: str) -> "Described":
        found = self._described.get(description)
        if found is None:
            if len(self._described) > 100_000:
                self._described.clear()
            words = tuple(self.pattern.findall(normal(description)))
            allowed = frozenset().union(*(self.tables.keywords[k][0] for k in words))
            found = self._described[description] = Described(words, allowed, vague_description(description))
        return found

    def keywords(self, description: str) -> tuple[str, ...]:
        return self.describe(description).keywords

    def judge(self, description: str | None, hs_code: str | None) -> Judged:
        """A goods line's description and code, worked out once per pair: most lines of a day repeat one."""
        key = (description, hs_code)
        found = self._judged.get(key)
        if found is None:
            if len(self._judged) > 100_000:
                self._judged.clear()
            described = self.describe(description) if description else NOTHING
            chapter = hs_code[:2] if hs_code else None
            mismatch = bool(described.keywords and chapter and chapter not in described.chapters)
            found = self._judged[key] = Judged(described, mismatch, self._goods_of(hs_code, described.keywords))
        return found

    def _goods_by_code(self, code: str | None) -> Goods | None:
        if code not in self._by_code:
            self._by_code[code] = next(
                (g for g in self.tables.goods.values() if code and g.hs_prefixes and code.startswith(g.hs_prefixes)),
                None,
            )
        return self._by_code[code]

    def _goods_of(self, hs_code: str | None, found: tuple[str, ...]) -> Goods | None:
        """What the item is, by its HS code first, else by its description when every keyword in it names the
        same goods ('Chargers for mobile phones' names a charger too, so it is no phone)."""
        goods = self._goods_by_code(hs_code)
        if goods is not None or not found:
            return goods
        names = {self.tables.keywords[keyword][1] for keyword in found}
        return self.tables.goods.get(names.pop()) if len(names) == 1 else None


NOTHING = Described((), frozenset(), False)


def _line(index: int, item: GoodsItem) -> str:
    return f"goods item {item.sequence or index + 1}"


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def goods_findings(name: str, parcel: Parcel, vocabulary: Vocabulary) -> list[Finding]:
    """A list, not a generator: most parcels have no finding, and a generator costs more to make than to run."""
    found: list[Finding] = []
    consignment = parcel.lodgement.consignment
    excise: list[str] = []
    # pre-loading filings get PLACI's request for information on vague descriptions instead
    vague_counts = parcel.ecommerce and parcel.lodgement.kind is not FilingKind.PRE_LOADING
    for index, item in enumerate(consignment.__dict__["goods"]):
        fields = item.__dict__  # not pydantic attribute reads: this runs for every goods line of every parcel
        judged = vocabulary.judge(fields["description"], fields["hs_code"])
        described = judged.described
        description = fields["description"] or ""
        if judged.mismatch:
            words, allowed, chapter = described.keywords, described.chapters, fields["hs_code"][:2]
            flat = next((t for t in parcel.regime if t.kind == "flat_duty"), None)
            expected = " or ".join(sorted(allowed))
            consequence = (
                f"; with the {_money(flat.value, flat.currency)} flat duty per tariff sub-heading in force the "
                "sub-heading also decides the duty due"
                if flat is not None and parcel.low_value
                else ""
            )
            found.append(
                Finding(
                    name,
                    "ECOM-HS-MISMATCH",
                    MISMATCH_SCORE,
                    f"The {_line(index, item)} '{description[:80]}' is declared under HS {item.hs_code} "
                    f"(chapter {chapter}), but '{words[0]}' describes goods of chapter {expected}{consequence}.",
                    {
                        "item": item.sequence or index + 1,
                        "description": description,
                        "hs_code": item.hs_code,
                        "keyword": words[0],
                        "expected_chapters": sorted(allowed),
                    },
                )
            )
        if vague_counts and described.vague:
            found.append(
                Finding(
                    name,
                    "ECOM-VAGUE",
                    VAGUE_SCORE,
                    f"The {_line(index, item)} of this parcel is described only as '{description[:60]}': the WCO "
                    "e-commerce data standard asks for the goods themselves (what they are, their material or use).",
                    {"item": item.sequence or index + 1, "description": description},
                )
            )
        goods = judged.goods
        if goods is None:
            continue
        if goods.excise:
            excise.append(goods.label)
        if goods.min_value_eur is not None and fields["value"] is not None:
            finding = _undervalued(name, index, item, goods, parcel)
            if finding is not None:
                found.append(finding)
    relief = [t for t in parcel.regime if t.kind == "relief" and t.limit is not None] if excise else []
    if relief and parcel.low_value:
        threshold = relief[0]
        found.append(
            Finding(
                name,
                "ECOM-EXCISE",
                EXCISE_SCORE,
                f"The parcel holds {', '.join(sorted(set(excise)))}, which the low-value relief in "
                f"{parcel.destination} (up to {_money(threshold.value, threshold.currency)}) does not cover: duty "
                "and excise are due.",
                {"goods": sorted(set(excise)), "destination": parcel.destination, "relief": threshold.value},
            )
        )
    if parcel.destination is not None:
        _scheme_findings(name, parcel, vocabulary, bool(excise), found)
    return found


def _undervalued(name: str, index: int, item: GoodsItem, goods: Goods, parcel: Parcel) -> Finding | None:
    """Under the line floor, and (when the mass is known) under the floor per kg too: a line of one light
    accessory-sized phone at EUR 30 is odd, a line of ten phones weighing 2 kg at EUR 30 is under-declared, and a
    line whose mass says it is a sliver of a parcel is left alone."""
    assert item.value is not None and goods.min_value_eur is not None
    value_eur = convert(item.value.amount, item.value.currency, "EUR", parcel.day)
    if value_eur is None or value_eur >= goods.min_value_eur:
        return None
    mass = item.net_mass_kg or item.gross_mass_kg
    per_kg = value_eur / mass if mass else None
    if per_kg is not None and goods.min_value_per_kg_eur is not None and per_kg >= goods.min_value_per_kg_eur:
        return None
    weight = f", EUR {per_kg:,.2f} per kg" if per_kg is not None else ""
    return Finding(
        name,
        "ECOM-UNDERVALUED",
        UNDERVALUED_SCORE,
        f"The {_line(index, item)} ({goods.label}) is declared at {_money(item.value.amount, item.value.currency)} "
        f"(EUR {value_eur:,.2f}{weight}); {goods.label} are rarely sold under EUR {goods.min_value_eur:,.0f}: "
        "the value looks under-declared.",
        {
            "item": item.sequence or index + 1,
            "goods": goods.label,
            "declared": item.value.amount,
            "currency": item.value.currency,
            "value_eur": round(value_eur, 2),
            "floor_eur": goods.min_value_eur,
            **({"value_per_kg_eur": round(per_kg, 2)} if per_kg is not None else {}),
        },
    )


def _declared(consignment: Consignment, schemes: frozenset[str]) -> dict[str, str]:
    """The seller-scheme numbers the filing gives, by scheme: a party identifier or a document of that type."""
    found: dict[str, str] = {}
    fields = consignment.__dict__  # not pydantic attribute reads (see `goods_findings`)
    for role in ("consignor", "consignee", "declarant", "notify_party"):
        party = fields[role]
        if party is not None:
            for identifier in party.__dict__["identifiers"]:
                scheme = identifier.__dict__["scheme"]
                if scheme in schemes:
                    found.setdefault(scheme, identifier.value)
    for document in fields["documents"]:
        kind = document.type.upper()
        if kind in schemes:
            found.setdefault(kind, document.reference.replace(" ", "").upper())
    return found


def _scheme_findings(name: str, parcel: Parcel, vocabulary: Vocabulary, excise: bool, found: list[Finding]) -> None:
    """Adds to `found` the findings on the seller schemes the destination has (see `goods_findings`)."""
    assert parcel.destination is not None
    schemes, names = vocabulary.schemes(parcel.destination, parcel.day)
    if not schemes:
        return
    declared = _declared(parcel.lodgement.consignment, names)
    for scheme in schemes:
        number = declared.get(scheme.scheme)
        if number is None and not scheme.required:
            continue
        value = convert(parcel.value_eur, "EUR", scheme.currency, parcel.day) if parcel.value_eur is not None else None
        within = value is not None and value <= scheme.ceiling
        evidence = {"scheme": scheme.scheme, "destination": parcel.destination, "ceiling": scheme.ceiling}
        ceiling = _money(scheme.ceiling, scheme.currency)
        if number is None:
            if scheme.required and within:
                found.append(
                    Finding(
                        name,
                        "ECOM-SCHEME-MISSING",
                        SCHEME_MISSING_SCORE,
                        f"{parcel.destination} expects the seller's {scheme.scheme} number on low-value parcels (up to "
                        f"{ceiling}); this one gives none, so it cannot be released under the {scheme.scheme} scheme.",
                        evidence,
                    )
                )
            continue
        evidence = {**evidence, "number": number}
        if scheme.pattern is not None and not scheme.pattern.fullmatch(number):
            found.append(
                Finding(
                    name,
                    "ECOM-SCHEME-INVALID",
                    SCHEME_INVALID_SCORE,
                    f"The {scheme.scheme} number '{number}' does not have the form {scheme.scheme} numbers have "
                    f"({scheme.pattern.pattern}): a made-up or mistyped number claims that the tax is already paid.",
                    evidence,
                )
            )
        elif value is not None and not within:
            found.append(
                Finding(
                    name,
                    "ECOM-SCHEME-MISUSED",
                    SCHEME_MISUSED_SCORE,
                    f"The {scheme.scheme} number '{number}' is given for a parcel worth "
                    f"{_money(value, scheme.currency)}, above the {ceiling} the scheme covers.",
                    {**evidence, "value": round(value, 2)},
                )
            )
        elif excise:
            found.append(
                Finding(
                    name,
                    "ECOM-SCHEME-MISUSED",
                    SCHEME_MISUSED_SCORE,
                    f"The {scheme.scheme} number '{number}' is given for excise goods, which the scheme does not "
                    "cover.",
                    evidence,
                )
            )

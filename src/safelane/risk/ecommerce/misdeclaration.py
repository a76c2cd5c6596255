"""Mis-declaration in a parcel's goods lines: a description of another HS chapter, a description too vague to
assess, valuable goods declared at a price they are not sold at, excise goods in a low-value relief, and the
seller registration (IOSS, VOEC) the destination expects.

Descriptions are matched on whole words against the keyword table, longest keyword first ('toy phone' is a
toy, 'phone' a telephone set). A description is of another chapter only when none of its keywords allows the
declared chapter, so accessories ('phone case') listed with their own chapters never count as phones.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from safelane.domain import Consignment, FilingKind, Finding, GoodsItem
from safelane.reference.rates import convert
from safelane.risk.ecommerce.consignee import normal
from safelane.risk.ecommerce.parcel import Parcel
from safelane.risk.ecommerce.tables import Goods, Tables
from safelane.risk.placi import vague_description

MISMATCH_SCORE = 40.0
VAGUE_SCORE = 20.0
UNDERVALUED_SCORE = 50.0
EXCISE_SCORE = 30.0
SCHEME_MISSING_SCORE = 15.0
SCHEME_INVALID_SCORE = 35.0
SCHEME_MISUSED_SCORE = 25.0


@dataclass(frozen=True)
class Vocabulary:
    """The keyword table compiled once: one alternation, longest keyword first."""

    tables: Tables
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, tables: Tables) -> "Vocabulary":
        words = sorted(tables.keywords, key=len, reverse=True)
        return cls(tables, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"))

    def keywords(self, description: str) -> list[str]:
        return self.pattern.findall(normal(description))

    def goods_of(self, item: GoodsItem, found: list[str]) -> Goods | None:
        """What the item is, by its HS code first, else by its description's keywords."""
        for goods in self.tables.goods.values():
            if item.hs_code and item.hs_code.startswith(goods.hs_prefixes):
                return goods
        for keyword in found:
            goods_name = self.tables.keywords[keyword][1]
            if goods_name in self.tables.goods:
                return self.tables.goods[goods_name]
        return None


def _line(index: int, item: GoodsItem) -> str:
    return f"goods item {item.sequence or index + 1}"


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def goods_findings(name: str, parcel: Parcel, vocabulary: Vocabulary) -> Iterator[Finding]:
    consignment = parcel.lodgement.consignment
    excise: list[str] = []
    flat = next((t for t in parcel.regime if t.kind == "flat_duty"), None)
    for index, item in enumerate(consignment.goods):
        description = item.description or ""
        found = vocabulary.keywords(description) if description else []
        chapter = item.hs_code[:2] if item.hs_code else None
        if found and chapter:
            allowed = set().union(*(vocabulary.tables.keywords[k][0] for k in found))
            if chapter not in allowed:
                expected = " or ".join(sorted(allowed))
                consequence = (
                    f"; with the {_money(flat.value, flat.currency)} flat duty per tariff sub-heading in force the "
                    "sub-heading also decides the duty due"
                    if flat is not None and parcel.low_value
                    else ""
                )
                yield Finding(
                    name,
                    "ECOM-HS-MISMATCH",
                    MISMATCH_SCORE,
                    f"The {_line(index, item)} '{description[:80]}' is declared under HS {item.hs_code} "
                    f"(chapter {chapter}), but '{found[0]}' describes goods of chapter {expected}{consequence}.",
                    {
                        "item": item.sequence or index + 1,
                        "description": description,
                        "hs_code": item.hs_code,
                        "keyword": found[0],
                        "expected_chapters": sorted(allowed),
                    },
                )
        # pre-loading filings get PLACI's request for information instead
        pre_loading = parcel.lodgement.kind is FilingKind.PRE_LOADING
        if description and parcel.ecommerce and not pre_loading and vague_description(description):
            yield Finding(
                name,
                "ECOM-VAGUE",
                VAGUE_SCORE,
                f"The {_line(index, item)} of this parcel is described only as '{description[:60]}': the WCO "
                "e-commerce data standard asks for the goods themselves (what they are, their material or use).",
                {"item": item.sequence or index + 1, "description": description},
            )
        goods = vocabulary.goods_of(item, found)
        if goods is None:
            continue
        if goods.excise:
            excise.append(goods.label)
        if goods.min_value_eur is not None and item.value is not None:
            value_eur = convert(item.value.amount, item.value.currency, "EUR", parcel.day)
            if value_eur is not None and value_eur < goods.min_value_eur:
                yield Finding(
                    name,
                    "ECOM-UNDERVALUED",
                    UNDERVALUED_SCORE,
                    f"The {_line(index, item)} ({goods.label}) is declared at "
                    f"{_money(item.value.amount, item.value.currency)} (EUR {value_eur:,.2f}); {goods.label} are "
                    f"rarely sold under EUR {goods.min_value_eur:,.0f}: the value looks under-declared.",
                    {
                        "item": item.sequence or index + 1,
                        "goods": goods.label,
                        "declared": item.value.amount,
                        "currency": item.value.currency,
                        "value_eur": round(value_eur, 2),
                        "floor_eur": goods.min_value_eur,
                    },
                )
    relief = [t for t in parcel.regime if t.kind == "relief" and t.limit is not None]
    if excise and relief and parcel.low_value:
        threshold = relief[0]
        yield Finding(
            name,
            "ECOM-EXCISE",
            EXCISE_SCORE,
            f"The parcel holds {', '.join(sorted(set(excise)))}, which the low-value relief in {parcel.destination} "
            f"(up to {_money(threshold.value, threshold.currency)}) does not cover: duty and excise are due.",
            {"goods": sorted(set(excise)), "destination": parcel.destination, "relief": threshold.value},
        )
    yield from _scheme_findings(name, parcel, vocabulary.tables, bool(excise))


def _declared(consignment: Consignment, scheme: str) -> str | None:
    for _, party in consignment.parties():
        value = party.identifier(scheme)
        if value:
            return value
    return next((d.reference.replace(" ", "").upper() for d in consignment.documents if d.type.upper() == scheme), None)


def _scheme_findings(name: str, parcel: Parcel, tables: Tables, excise: bool) -> Iterator[Finding]:
    if parcel.destination is None:
        return
    consignment = parcel.lodgement.consignment
    for scheme in tables.schemes_for(parcel.destination, parcel.day):
        number = _declared(consignment, scheme.scheme)
        value = convert(parcel.value_eur, "EUR", scheme.currency, parcel.day) if parcel.value_eur is not None else None
        within = value is not None and value <= scheme.ceiling
        evidence = {"scheme": scheme.scheme, "destination": parcel.destination, "ceiling": scheme.ceiling}
        ceiling = _money(scheme.ceiling, scheme.currency)
        if number is None:
            if scheme.required and within:
                yield Finding(
                    name,
                    "ECOM-SCHEME-MISSING",
                    SCHEME_MISSING_SCORE,
                    f"{parcel.destination} expects the seller's {scheme.scheme} number on low-value parcels (up to "
                    f"{ceiling}); this one gives none, so it cannot be released under the {scheme.scheme} scheme.",
                    evidence,
                )
            continue
        evidence = {**evidence, "number": number}
        if scheme.pattern is not None and not scheme.pattern.fullmatch(number):
            yield Finding(
                name,
                "ECOM-SCHEME-INVALID",
                SCHEME_INVALID_SCORE,
                f"The {scheme.scheme} number '{number}' does not have the form {scheme.scheme} numbers have "
                f"({scheme.pattern.pattern}): a made-up or mistyped number claims that the tax is already paid.",
                evidence,
            )
        elif value is not None and not within:
            yield Finding(
                name,
                "ECOM-SCHEME-MISUSED",
                SCHEME_MISUSED_SCORE,
                f"The {scheme.scheme} number '{number}' is given for a parcel worth "
                f"{_money(value, scheme.currency)}, above the {ceiling} the scheme covers.",
                {**evidence, "value": round(value, 2)},
            )
        elif excise:
            yield Finding(
                name,
                "ECOM-SCHEME-MISUSED",
                SCHEME_MISUSED_SCORE,
                f"The {scheme.scheme} number '{number}' is given for excise goods, which the scheme does not cover.",
                evidence,
            )

"""E-commerce parcels for the demo day: orders split into parcels that each stay under the EU's EUR 150 and
smartphones declared at a fraction of their price, each caught by the e-commerce assessor.

Planted among the express traffic the generator already makes (same operators, gateways and hours), so they look
like the rest of the day: a split order is two or three parcels from one web shop to one private consignee (the
same phone on every parcel), filed hours apart; an under-valued phone parcel declares a few smartphones at EUR 10
to 30 with the mass of real phones. `traffic.ecommerce` says which consignment was planted for which finding.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safelane.demo.traffic import Traffic, _Day

Json = dict[str, Any]

SHARE = 0.0007  # per scenario, as for the profile scenarios: split orders and under-valued phones
SPLIT = "ECOM-SPLIT"
UNDERVALUED = "ECOM-UNDERVALUED"

# Goods a consumer orders online, as (description, HS 2022 subheading, kg per piece, EUR per piece).
_BASKET = (
    ("Cotton T-shirts", "610910", 0.2, 12.0),
    ("Running shoes", "640411", 0.9, 55.0),
    ("Bluetooth headphones", "851830", 0.3, 45.0),
    ("Leather handbag", "420221", 0.8, 70.0),
    ("Plastic building blocks", "950300", 0.6, 35.0),
)


def _private_consignee(d: _Day) -> Json:
    consignee = d.consignee(private_share=1.0)
    phone = "+49 15" + "".join(str(int(d.rng.random() * 10)) for _ in range(9))
    return {**consignee, "identifiers": [{"scheme": "PHONE", "value": phone}]}


def _parcel(d: _Day, consignee: Json, items: list[Json], filed: float, shop: str) -> Json:
    filing = d.express(country=shop, filed=filed)
    consignment = filing["consignments"][0]
    consignment["consignee"] = consignee
    for i, item in enumerate(items):
        item["sequence"] = i + 1
    consignment["goods"] = items
    consignment["total_packages"] = len(items)
    consignment["total_gross_mass_kg"] = round(sum(i["gross_mass_kg"] for i in items), 2)
    return filing


def _item(d: _Day, description: str, hs: str, kg: float, eur: float, pieces: int, origin: str) -> Json:
    gross = round(kg * pieces * (1.05 + d.rng.random() * 0.1), 2)
    return {
        "description": description,
        "hs_code": hs,
        "packages": 1,
        "package_kind": "BX",
        "gross_mass_kg": gross,
        "net_mass_kg": round(kg * pieces, 2),
        "value": {"amount": round(eur * pieces, 2), "currency": "EUR"},
        "origin_country": origin,
    }


def split_order(d: _Day) -> list[Json]:
    """Two or three parcels of one order, each EUR 80-145, so together above EUR 150, an hour and a half apart."""
    rng, shop = d.rng, "CN" if d.rng.random() < 0.7 else "HK"
    consignee = _private_consignee(d)
    parcels, first = [], d.filed_at()
    for n in range(2 if rng.random() < 0.6 else 3):
        description, hs, kg, eur = _BASKET[int(rng.random() * len(_BASKET))]
        value = round(80 + rng.random() * 65, 2)
        item = _item(d, description, hs, kg, eur, max(1, round(value / eur)), "CN")
        item["value"] = {"amount": value, "currency": "EUR"}
        parcels.append(_parcel(d, consignee, [item], first + n * 5400, shop))
    return parcels


def undervalued_phones(d: _Day) -> Json:
    """Two to five smartphones declared at EUR 10-30 in all, weighing what phones weigh."""
    rng = d.rng
    pieces = 2 + int(rng.random() * 4)
    phones = _item(d, "Smartphones", "851713", 0.22, 0.0, pieces, "CN")
    phones["value"] = {"amount": round(10 + rng.random() * 20, 2), "currency": "EUR"}
    return _parcel(d, _private_consignee(d), [phones], d.filed_at(), "HK")


def plant(d: _Day, traffic: Traffic, budget: int) -> list[Json]:
    """The day's e-commerce filings (at most `budget` consignments), recorded in `traffic.ecommerce`."""
    from safelane.demo.traffic import reference_of

    per_scenario = max(1, round(budget * SHARE))
    filings: list[Json] = []
    for _ in range(per_scenario):
        order = split_order(d)
        if len(filings) + len(order) + 1 > budget:
            break
        filings += order
        for filing in order[1:]:  # the first parcel of an order is still under the limit on its own
            traffic.ecommerce[(filing["document_number"], reference_of(filing["consignments"][0]))] = SPLIT
        phones = undervalued_phones(d)
        filings.append(phones)
        traffic.ecommerce[(phones["document_number"], reference_of(phones["consignments"][0]))] = UNDERVALUED
    return filings


def parcel_day(day: date, consignments: int, seed: int = 7) -> Traffic:
    """An e-commerce day for the benchmarks: express parcels to private consignees, one in fifty part of a split
    order and one in a hundred under-valued phones (planted as in the demo day, recorded in `ecommerce`)."""
    from safelane.demo.traffic import DEMO_FILERS, Traffic, _Day, _midnight, reference_of

    start = _midnight(day)
    d = _Day(start, seed, DEMO_FILERS)
    traffic = Traffic(start, [])
    count = 0
    while count < consignments:
        roll = d.rng.random()
        if roll < 0.02:
            filings = split_order(d)[: consignments - count]
            for filing in filings[1:]:
                traffic.ecommerce[(filing["document_number"], reference_of(filing["consignments"][0]))] = SPLIT
        elif roll < 0.03:
            filings = [undervalued_phones(d)]
            traffic.ecommerce[(filings[0]["document_number"], reference_of(filings[0]["consignments"][0]))] = (
                UNDERVALUED
            )
        else:
            description, hs, kg, eur = _BASKET[int(d.rng.random() * len(_BASKET))]
            pieces = 1 + int(d.rng.random() * 3)
            item = _item(d, description, hs, kg, eur, pieces, "CN")
            filings = [_parcel(d, d.consignee(private_share=1.0), [item], d.filed_at(), "CN")]
        traffic.filings += filings
        count += len(filings)
    traffic.filings.sort(key=lambda f: (f["filed_at"], f["document_number"]))
    return traffic

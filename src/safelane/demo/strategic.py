"""Demo strategic goods: an explosives precursor above its limit, and a high-priority item bound for Russia.

Planted into the demo day beside the other scenarios (demo/traffic.py lists these in SCENARIOS); each also
hits a demo profile written with `in_list`, so the demo shows both the strategic goods assessor's finding
(list, entry, limit, the description's words, the destination of concern) and a profile over list membership.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safelane.demo.traffic import _Day

Json = dict[str, Any]

# What filers write for precursors above the Annex I limits (nitric acid 3 %, hydrogen peroxide 12 %).
PRECURSORS = (
    ("280800", "Nitric acid 68 % technical grade", (0.25, 0.45)),
    ("280800", "Nitric acid 65%, CAS 7697-37-2, in IBC", (0.25, 0.45)),
    ("284700", "Hydrogen peroxide 50 % solution, stabilised", (0.4, 0.8)),
    ("284700", "Hydrogen peroxide 30 % for industrial cleaning", (0.4, 0.8)),
)
# Consignees in Russia as a transit consignment names them (fictitious).
RUSSIAN_CONSIGNEES = (
    ("OOO Vostok Elektronika", "Moskva", "ul. Lesnaya 12"),
    ("AO Severnaya Komponenta", "Sankt-Peterburg", "Obvodny kanal 94"),
    ("OOO Uralpribor Snab", "Yekaterinburg", "ul. Malysheva 51"),
)


def plant_precursor(d: _Day) -> Json:
    """A drum load of nitric acid or hydrogen peroxide above the Annex I limit, no licence: STRAT-PRECURSOR."""
    from safelane.demo.traffic import Goods, _set_goods, _single

    rng = d.rng
    filing = _single(d.sea(0, country=rng.choice(("CN", "IN"))))
    c = filing["consignments"][0]
    hs, description, usd_per_kg = rng.choice(PRECURSORS)
    spec = Goods(hs, "s", 0.0, usd_per_kg, (200.0, 250.0), ("DR",), (description,))
    item = d.item(spec, "sea", 4000 + rng.random() * 12000, c["consignor"]["address"]["country"], 1)
    item["description"] = description  # never the HS text: the concentration is what the check reads
    _set_goods(d, c, [item])
    return filing


def plant_chpl_russia(d: _Day) -> Json:
    """Integrated circuits or network equipment for a consignee in Russia: STRAT-CHPL-RUSSIA."""
    from safelane.demo.traffic import GOODS_BY_HS, _set_goods, _single

    rng = d.rng
    filing = _single(d.sea(0, country=rng.choice(("CN", "TR"))))
    c = filing["consignments"][0]
    name, city, street = rng.choice(RUSSIAN_CONSIGNEES)
    c["consignee"] = {"name": name, "address": {"street": street, "city": city, "country": "RU"}}
    spec = GOODS_BY_HS[rng.choice(("854231", "851762", "853400"))]
    _set_goods(d, c, [d.item(spec, "sea", 40 + rng.random() * 300, "CN", 1)])
    return filing


SCENARIOS: tuple[tuple[str, Callable[[_Day], Json]], ...] = (
    ("STRAT-PRECURSOR", plant_precursor),
    ("STRAT-CHPL-RUSSIA", plant_chpl_russia),
)
"""Demo profile id -> how to plant a consignment it (and the strategic goods assessor) catches."""

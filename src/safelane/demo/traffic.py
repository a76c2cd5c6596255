"""A seeded, synthetic day of advance cargo information for the demo, the tests and the benchmarks.

Real filings carry personal and commercial data that an open-source project cannot ship, so the demo
makes its own. It is built to look like a targeting centre's day at the EU's western gateways rather
than like random data, because profiles, the workbench and the benchmarks only mean something on
realistic shapes: consolidations of many house waybills under one master air waybill, repeat traders
with a long tail, container loads by sea and small parcels by express, values per kilogram that fit the
goods, departures after filing and arrivals after departures.

Every code comes from the packaged reference tables (HS 2022 subheadings, UN/LOCODE, ISO 3166 and
ISO 4217), so every filing validates. About 0.6 % of the consignments are planted to hit one demo profile
each (at least one per profile); ordinary traffic is kept clear of every demo profile, so what the demo
flags is exactly what was planted.

`generate` returns plain dicts in the native JSON shape (fast: the benchmarks serialise them to
bytes so parsing gets measured); `generate_day` validates them into `Filing` objects.
"""

from __future__ import annotations

import gc
import math
import random
from bisect import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from safelane.demo import ecommerce
from safelane.demo.strategic import SCENARIOS as STRATEGIC_SCENARIOS
from safelane.domain import Filing
from safelane.formats.native import to_filing
from safelane.reference.tables import currency_minor_units, hs_description

Json = dict[str, Any]

DEMO_FILERS: Mapping[str, str] = {"air": "fwd-hkg", "express": "fwd-hkg", "sea": "carrier-ocean"}
"""Who files what in the demo: a Hong Kong forwarder files air and express, an ocean carrier files sea."""

PLANTED_SHARE = 0.0007  # per scenario: nine scenarios make about 0.6 % of the day

_HOUR = 3600
_DAY = 24 * _HOUR


# --- weighted choice ---------------------------------------------------------------------------------


class _Pick:
    """A weighted choice with precomputed cumulative weights (the generator makes millions of them)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, weighted: Sequence[tuple[Any, float]]):
        if not weighted:
            raise ValueError("nothing to choose from")
        self.items = [item for item, _ in weighted]
        self.cum = list(accumulate(weight for _, weight in weighted))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _zipf(items: Sequence[Any], exponent: float = 1.0) -> _Pick:
    """Few traders file most: rank r gets weight 1/r^exponent (repeat traders and a long tail)."""
    return _Pick([(item, 1.0 / (rank + 1) ** exponent) for rank, item in enumerate(items)])


# --- goods ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goods:
    """A commonly traded HS 2022 subheading with what a plausible line of it looks like."""

    hs: str
    modes: str  # a: air cargo, x: express, s: sea
    weight: float  # how common it is
    usd_per_kg: tuple[float, float]  # net value per kg, drawn log-uniformly
    kg_per_package: tuple[float, float]  # gross
    packaging: tuple[str, ...]  # UN/ECE Recommendation 21 codes
    descriptions: tuple[str, ...]  # as filers write them
    origins: tuple[str, ...] = ()  # where it is made; empty: wherever the consignor is


CATALOGUE: tuple[Goods, ...] = (
    # 03 fish and crustaceans
    Goods(
        "030617",
        "s",
        3,
        (6, 13),
        (10, 21),
        ("CT",),
        ("Frozen vannamei shrimps, headless shell-on", "Frozen cooked and peeled shrimps", "Frozen black tiger prawns"),
        ("EC", "IN", "VN", "BD"),
    ),
    Goods(
        "030489",
        "s",
        2,
        (3, 7),
        (10, 21),
        ("CT",),
        ("Frozen pangasius fillets", "Frozen fish fillets, skinless"),
        ("VN", "IN", "CN"),
    ),
    Goods("030343", "s", 1, (1.3, 2.6), (18, 26), ("CT", "BG"), ("Frozen whole skipjack tuna",), ("EC", "TH")),
    # 06, 08, 09 flowers, fruit, coffee
    Goods(
        "060311",
        "a",
        3,
        (4, 9),
        (8, 15),
        ("BX",),
        ("Fresh cut roses", "Fresh roses, assorted colours"),
        ("EC", "CO", "KE"),
    ),
    Goods(
        "080390",
        "s",
        4,
        (0.6, 1.1),
        (19, 20),
        ("CT",),
        ("Fresh bananas, Cavendish", "Fresh green bananas"),
        ("EC", "CO"),
    ),
    Goods("080440", "s", 1, (1.8, 3.2), (4, 11), ("CT",), ("Fresh Hass avocados",), ("CO", "KE")),
    Goods("080450", "a", 2, (2.5, 5), (4, 6), ("CT",), ("Fresh Alphonso mangoes", "Fresh mangoes"), ("IN",)),
    Goods(
        "090111",
        "s",
        2,
        (4, 8),
        (60, 70),
        ("BG",),
        ("Green coffee beans, Arabica, not roasted", "Green coffee beans in jute bags"),
        ("CO", "BR", "VN"),
    ),
    # 39 plastics
    Goods(
        "390110",
        "s",
        2,
        (1.0, 1.6),
        (25, 25.5),
        ("BG",),
        ("LDPE granules in 25 kg bags", "Low-density polyethylene, primary form"),
        ("US", "KR"),
    ),
    Goods(
        "392690",
        "axs",
        3,
        (4, 15),
        (2, 15),
        ("CT", "BX"),
        ("Plastic storage boxes", "Plastic phone holders", "Plastic clothes hangers", "Plastic cable clips"),
    ),
    Goods("392410", "xs", 2, (3, 9), (3, 12), ("CT",), ("Plastic food containers", "Plastic kitchen utensil sets")),
    Goods("392330", "s", 1, (2.5, 6), (3, 10), ("CT",), ("PET bottle preforms", "Plastic spray bottles")),
    # 42 bags and leather goods
    Goods(
        "420221",
        "axs",
        2,
        (40, 160),
        (3, 12),
        ("CT",),
        ("Ladies leather handbags", "Genuine leather shoulder bags"),
        ("CN", "IN", "TR", "VN"),
    ),
    Goods("420292", "axs", 2, (8, 25), (4, 15), ("CT",), ("Polyester backpacks", "Nylon travel bags", "Sports bags")),
    Goods("420212", "as", 1, (7, 18), (8, 20), ("CT",), ("Trolley suitcases, ABS shell", "Hard-shell luggage sets")),
    Goods("420231", "ax", 1, (60, 200), (1, 5), ("CT", "PK"), ("Leather wallets", "Leather card holders")),
    # 61, 62 apparel
    Goods(
        "610910",
        "axs",
        5,
        (8, 22),
        (8, 15),
        ("CT",),
        ("Men's cotton T-shirts", "Ladies knitted cotton T-shirts", "Children's cotton T-shirts"),
        ("BD", "CN", "IN", "TR", "VN", "PK"),
    ),
    Goods(
        "611020",
        "axs",
        3,
        (10, 28),
        (8, 15),
        ("CT",),
        ("Cotton knitted pullovers", "Cotton hooded sweatshirts"),
        ("BD", "CN", "TR", "PK"),
    ),
    Goods(
        "611030",
        "as",
        2,
        (9, 24),
        (8, 15),
        ("CT",),
        ("Ladies acrylic cardigans", "Polyester fleece jackets"),
        ("CN", "BD", "VN"),
    ),
    Goods(
        "610462",
        "as",
        2,
        (9, 22),
        (8, 15),
        ("CT",),
        ("Ladies cotton jersey leggings", "Girls' knitted shorts"),
        ("BD", "IN", "TR", "CN"),
    ),
    Goods(
        "620342",
        "axs",
        4,
        (9, 25),
        (10, 18),
        ("CT",),
        ("Men's cotton denim jeans", "Men's cotton chino trousers"),
        ("BD", "PK", "TR", "CN", "VN"),
    ),
    Goods(
        "620462",
        "as",
        3,
        (10, 26),
        (10, 18),
        ("CT",),
        ("Ladies cotton denim jeans", "Women's cotton trousers"),
        ("BD", "PK", "TR", "CN"),
    ),
    Goods("620520", "as", 2, (12, 30), (8, 14), ("CT",), ("Men's woven cotton shirts",), ("BD", "IN", "VN", "CN")),
    Goods("621143", "as", 1, (10, 25), (8, 14), ("CT",), ("Ladies polyester track suits",), ("CN", "VN")),
    # 64 footwear
    Goods(
        "640411",
        "axs",
        3,
        (15, 40),
        (8, 14),
        ("CT",),
        ("Sports shoes, textile upper, rubber sole", "Running shoes"),
        ("VN", "CN", "IN"),
    ),
    Goods(
        "640399",
        "as",
        2,
        (20, 55),
        (8, 14),
        ("CT",),
        ("Men's leather shoes", "Ladies leather sandals"),
        ("IN", "VN", "CN", "TR"),
    ),
    Goods("640299", "xs", 2, (5, 15), (8, 14), ("CT",), ("EVA slippers", "Rubber flip-flops"), ("CN", "VN")),
    # 84 machinery and computers
    Goods(
        "847130",
        "ax",
        4,
        (150, 450),
        (2.5, 12),
        ("CT",),
        ("Laptop computers, 14 inch", "Notebook computers"),
        ("CN", "TW", "VN"),
    ),
    Goods(
        "847330",
        "ax",
        3,
        (60, 400),
        (1, 10),
        ("CT", "BX"),
        ("Computer mainboards", "Laptop keyboards", "Parts for laptop computers"),
    ),
    Goods("847170", "ax", 1, (200, 900), (1, 8), ("BX",), ("Solid-state drives", "External hard disk drives")),
    Goods(
        "847989",
        "s",
        2,
        (8, 30),
        (200, 1500),
        ("CS", "PX"),
        ("Automatic packaging machine", "Industrial mixing machine"),
    ),
    Goods("848180", "as", 2, (10, 40), (5, 25), ("CT", "PX"), ("Brass ball valves", "Stainless steel check valves")),
    Goods("841510", "s", 2, (5, 9), (30, 60), ("CT",), ("Split air conditioners, wall mounted",), ("CN", "TH")),
    Goods("841899", "s", 1, (6, 15), (10, 40), ("CT", "PX"), ("Compressor parts for refrigerators",)),
    Goods(
        "843149",
        "s",
        1,
        (3, 8),
        (100, 800),
        ("PX", "CS"),
        ("Excavator bucket teeth", "Undercarriage parts for excavators"),
    ),
    Goods(
        "844399",
        "ax",
        2,
        (20, 80),
        (2, 10),
        ("CT",),
        ("Toner cartridges for laser printers", "Ink cartridges", "Printer parts, fuser units"),
        ("CN", "JP", "VN", "KR"),
    ),
    Goods("844331", "as", 1, (40, 120), (10, 40), ("CT",), ("Multifunction laser printers",), ("CN", "JP", "VN")),
    # 85 electrical and electronic
    Goods(
        "851713",
        "ax",
        4,
        (600, 2800),
        (0.4, 12),
        ("CT", "BX"),
        ("Smartphones", "Mobile phones, 5G smartphones"),
        ("CN", "VN", "IN", "KR"),
    ),
    Goods("851762", "ax", 3, (150, 600), (1, 10), ("CT",), ("Wi-Fi routers", "Network switches", "Bluetooth modules")),
    Goods(
        "850760",
        "axs",
        3,
        (20, 60),
        (2, 20),
        ("CT",),
        ("Lithium-ion battery packs, UN3480", "Lithium-ion cells 18650", "Power banks 10000 mAh"),
        ("CN", "KR", "JP", "VN"),
    ),
    Goods("852872", "s", 2, (8, 20), (10, 30), ("CT",), ("LED television sets, 55 inch",), ("CN", "KR")),
    Goods("851822", "axs", 2, (15, 45), (1, 12), ("CT",), ("Bluetooth speakers", "Loudspeaker sets")),
    Goods(
        "854231",
        "ax",
        2,
        (2000, 15000),
        (0.5, 5),
        ("BX",),
        ("Microcontrollers", "Processor integrated circuits"),
        ("TW", "KR", "CN", "JP", "SG"),
    ),
    Goods(
        "850440",
        "axs",
        3,
        (15, 50),
        (1, 15),
        ("CT",),
        ("Switching power adapters", "LED drivers", "Chargers for mobile phones"),
    ),
    Goods("851660", "s", 1, (4, 9), (5, 20), ("CT",), ("Microwave ovens", "Electric air fryers"), ("CN",)),
    Goods("854442", "axs", 2, (8, 30), (2, 15), ("CT",), ("USB charging cables", "Insulated cables with connectors")),
    Goods("853400", "ax", 1, (50, 250), (1, 8), ("CT",), ("Printed circuit boards, bare",), ("CN", "TW", "KR")),
    # 87 vehicles and parts
    Goods(
        "870899",
        "as",
        3,
        (4, 15),
        (5, 60),
        ("CT", "PX"),
        ("Brake components for motor vehicles", "Car bumpers", "Steering parts for motor vehicles"),
    ),
    Goods("870850", "s", 1, (4, 10), (60, 200), ("PX",), ("Drive axles with differential",), ("CN", "JP", "KR", "TR")),
    Goods("871200", "s", 1, (6, 20), (14, 20), ("CT",), ("Bicycles, not motorised",), ("CN", "TW")),
    Goods(
        "871160", "s", 2, (25, 60), (20, 30), ("CT",), ("Electric bicycles with pedal assistance",), ("CN", "TW", "VN")
    ),
    Goods("870380", "s", 1, (20, 45), (1500, 2300), ("NE",), ("Battery electric passenger cars",), ("CN", "KR")),
    # 90 optical and medical
    Goods("900490", "ax", 1, (60, 250), (1, 6), ("CT",), ("Optical spectacle frames with lenses", "Safety goggles")),
    Goods(
        "901890",
        "axs",
        2,
        (30, 200),
        (2, 15),
        ("CT",),
        ("Surgical instruments", "Medical examination devices"),
        ("PK", "CN", "US", "JP"),
    ),
    # 94 furniture and lighting
    Goods(
        "940360", "s", 3, (3, 8), (15, 60), ("CT",), ("Wooden dining tables", "Solid wood cabinets"), ("VN", "CN", "IN")
    ),
    Goods("940161", "s", 2, (4, 10), (10, 35), ("CT",), ("Upholstered armchairs, wooden frame",), ("VN", "CN")),
    Goods("940171", "s", 2, (4, 10), (8, 25), ("CT",), ("Upholstered chairs, metal frame",), ("CN", "VN", "TR")),
    Goods("940542", "axs", 2, (8, 30), (2, 12), ("CT",), ("LED ceiling lights", "LED panel lights"), ("CN",)),
    Goods("940490", "s", 1, (3, 8), (5, 15), ("BG", "CT"), ("Cushions", "Polyester quilts"), ("CN", "IN", "PK")),
    # 95 toys and sports
    Goods(
        "950300",
        "axs",
        4,
        (6, 25),
        (3, 12),
        ("CT",),
        ("Plastic building blocks", "Dolls", "Plush toys", "Remote control toy cars"),
        ("CN", "VN"),
    ),
    Goods("950450", "ax", 1, (150, 400), (2, 10), ("CT",), ("Video game consoles",), ("CN", "VN", "JP")),
    Goods("950691", "s", 1, (3, 8), (20, 60), ("CT",), ("Fitness equipment, home treadmills",), ("CN", "TW")),
    Goods("950662", "as", 1, (5, 12), (5, 15), ("CT",), ("Inflatable footballs",), ("PK", "CN")),
)


GOODS_BY_HS = {g.hs: g for g in CATALOGUE}


@cache
def _hs_text(hs: str) -> str | None:
    """The HS 2022 description as a filer might copy it, or None where it is too vague to be acceptable."""
    text = hs_description(hs)
    if not text or "n.e.c" in text or len(text) > 140:
        return None
    text = text.replace("; ", ", ")
    return text[0].upper() + text[1:]


# --- places and carriers -------------------------------------------------------------------------------

# Real airports of exporting countries (UN/LOCODE) with a rough share of cargo to Europe.
AIR_ORIGINS: Mapping[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "CN": (28, (("CNPVG", 5), ("CNPEK", 2), ("CNCAN", 3), ("CNSZX", 3), ("CNCTU", 1), ("CNCGO", 1.5), ("CNHGH", 1))),
    "HK": (14, (("HKHKG", 1),)),
    "US": (8, (("USJFK", 2), ("USORD", 2), ("USLAX", 1.5), ("USATL", 1), ("USMIA", 1))),
    "IN": (7, (("INBOM", 2), ("INDEL", 2), ("INMAA", 1), ("INBLR", 1))),
    "VN": (6, (("VNSGN", 2), ("VNHAN", 1.5))),
    "TR": (5, (("TRIST", 3), ("TRSAW", 1))),
    "AE": (5, (("AEDXB", 3), ("AEDWC", 1))),
    "KR": (5, (("KRICN", 1),)),
    "JP": (4, (("JPNRT", 2), ("JPHND", 1), ("JPKIX", 1))),
    "TH": (3, (("THBKK", 1),)),
    "SG": (3, (("SGSIN", 1),)),
    "TW": (3, (("TWTPE", 1),)),
    "BD": (2, (("BDDAC", 1),)),
    "KE": (1, (("KENBO", 1),)),
    "EC": (1, (("ECUIO", 1),)),
    "CO": (1, (("COBOG", 1),)),
}
AIR_DESTINATIONS = (
    ("DEFRA", 4),
    ("NLAMS", 3),
    ("DELEJ", 2),
    ("BEBRU", 1.5),
    ("BELGG", 1.5),
    ("DEMUC", 1),
    ("DECGN", 0.5),
    ("DEHAM", 0.5),
)


@dataclass(frozen=True)
class Airline:
    iata: str
    prefix: str  # the three-digit air waybill prefix
    name: str
    country: str
    hub: str | None = None  # where it flies to in Europe, if only one airport


AIRLINES = {
    a.iata: a
    for a in (
        Airline("CA", "999", "Air China Cargo Co., Ltd.", "CN"),
        Airline("CZ", "784", "China Southern Airlines", "CN"),
        Airline("CK", "112", "China Cargo Airlines", "CN"),
        Airline("LH", "020", "Lufthansa Cargo AG", "DE", "DEFRA"),
        Airline("EK", "176", "Emirates SkyCargo", "AE"),
        Airline("QR", "157", "Qatar Airways Cargo", "QA"),
        Airline("TK", "235", "Turkish Cargo", "TR"),
        Airline("CX", "160", "Cathay Cargo", "HK"),
        Airline("AA", "001", "American Airlines Cargo", "US"),
        Airline("DL", "006", "Delta Cargo", "US"),
        Airline("UA", "016", "United Cargo", "US"),
        Airline("KL", "074", "KLM Cargo", "NL", "NLAMS"),
        Airline("AI", "098", "Air India", "IN"),
        Airline("VN", "738", "Vietnam Airlines", "VN"),
        Airline("KE", "180", "Korean Air Cargo", "KR"),
        Airline("NH", "205", "ANA Cargo", "JP"),
        Airline("JL", "131", "JAL Cargo", "JP"),
        Airline("TG", "217", "Thai Airways Cargo", "TH"),
        Airline("SQ", "618", "Singapore Airlines Cargo", "SG"),
        Airline("CI", "297", "China Airlines Cargo", "TW"),
        Airline("BR", "695", "EVA Air Cargo", "TW"),
        Airline("KQ", "706", "Kenya Airways Cargo", "KE"),
        Airline("IY", "635", "Yemenia", "YE"),
        Airline("QY", "615", "European Air Transport Leipzig GmbH", "DE", "DELEJ"),  # DHL
        Airline("FX", "023", "Federal Express Corporation", "US", "BELGG"),
        Airline("5X", "406", "United Parcel Service Co.", "US", "DECGN"),
    )
}

# Per origin country: (airline, weight, transit country or None for a direct flight).
AIR_CARRIERS: Mapping[str, tuple[tuple[str, float, str | None], ...]] = {
    "CN": (
        ("CA", 3, None),
        ("CZ", 2, None),
        ("CK", 2, None),
        ("LH", 2, None),
        ("EK", 2, "AE"),
        ("QR", 2, "QA"),
        ("TK", 1.5, "TR"),
        ("CX", 1, "HK"),
    ),
    "HK": (("CX", 4, None), ("LH", 2, None), ("EK", 1.5, "AE"), ("QR", 1.5, "QA"), ("TK", 1, "TR")),
    "US": (("AA", 1, None), ("DL", 1, None), ("UA", 1, None), ("LH", 2, None), ("KL", 1, None)),
    "IN": (("AI", 1, None), ("LH", 2, None), ("EK", 2, "AE"), ("QR", 2, "QA"), ("TK", 1, "TR")),
    "VN": (("VN", 2, None), ("EK", 1, "AE"), ("QR", 1.5, "QA"), ("TK", 1, "TR"), ("LH", 1, None)),
    "TR": (("TK", 4, None), ("LH", 1, None)),
    "AE": (("EK", 4, None), ("LH", 1, None)),
    "KR": (("KE", 4, None), ("LH", 1, None), ("QR", 1, "QA")),
    "JP": (("NH", 2, None), ("JL", 1, None), ("LH", 1, None)),
    "TH": (("TG", 2, None), ("EK", 1, "AE"), ("QR", 1, "QA")),
    "SG": (("SQ", 3, None), ("LH", 1, None)),
    "TW": (("CI", 3, None), ("BR", 2, None)),
    "BD": (("EK", 2, "AE"), ("QR", 2, "QA"), ("TK", 1, "TR")),
    "KE": (("KQ", 2, None), ("KL", 2, None), ("QR", 1, "QA")),
    "EC": (("KL", 2, None), ("LH", 1, None)),
    "CO": (("LH", 1, None), ("KL", 1, None)),
}

# Flying hours to Europe by origin country (direct); a transit adds ground time and a second leg.
BLOCK_HOURS = {
    "CN": 12,
    "HK": 13,
    "US": 8.5,
    "IN": 9,
    "VN": 13,
    "TR": 3.5,
    "AE": 7,
    "KR": 13,
    "JP": 13.5,
    "TH": 12,
    "SG": 13.5,
    "TW": 13.5,
    "BD": 10,
    "KE": 8.5,
    "EC": 12,
    "CO": 11,
    "YE": 8,
}

EXPRESS_ORIGINS = {"CN": 30, "HK": 20, "US": 12, "KR": 6, "JP": 5, "TW": 5, "SG": 4, "IN": 5, "TR": 5, "AE": 4, "TH": 4}
EXPRESS_OPERATORS = (("QY", 5), ("FX", 3), ("5X", 3))  # DHL to Leipzig, FedEx to Liege, UPS to Cologne

SEA_ORIGINS: Mapping[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    # CNSHA and CNNGB are what carriers write on bills of lading for Shanghai and Ningbo; UN/LOCODE gives the
    # port function to CNYSA (Yangshan) and CNNBG instead, so both spellings occur, as in real filings.
    "CN": (
        35,
        (
            ("CNSHA", 3),
            ("CNYSA", 1.5),
            ("CNNGB", 2.5),
            ("CNNBG", 1.5),
            ("CNYTN", 3),
            ("CNQDG", 2),
            ("CNTXG", 1.5),
            ("CNSHK", 1),
        ),
    ),
    "KR": (5, (("KRPUS", 1),)),
    "SG": (4, (("SGSIN", 1),)),
    "VN": (6, (("VNCLI", 2), ("VNHPH", 1))),
    "IN": (6, (("INNSA", 4), ("INMUN", 3))),
    "BD": (4, (("BDCGP", 1),)),
    "PK": (2, (("PKKHI", 1), ("PKBQM", 1))),
    "MY": (3, (("MYPKG", 1), ("MYTPP", 1))),
    "TW": (3, (("TWKHH", 1),)),
    "TR": (4, (("TRMER", 2), ("TRAMR", 2), ("TRIZM", 1))),
    "US": (4, (("USNYC", 2), ("USSAV", 2))),
    "BR": (3, (("BRSSZ", 1),)),
    "EC": (4, (("ECGYE", 1),)),
    "CO": (3, (("COCTG", 2), ("COSMR", 1), ("COTRB", 1))),
}
SEA_DESTINATIONS = (("NLRTM", 40), ("DEHAM", 28), ("BEANR", 25), ("DEBRV", 7))
# Calls on the way (transhipment hubs), by origin country; None: the service sails direct.
SEA_ROUTINGS: Mapping[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "asia": (
        ((), 45),
        (("SG",), 12),
        (("MY",), 8),
        (("LK",), 6),
        (("SA",), 5),
        (("EG",), 8),
        (("MA",), 8),
        (("ES",), 8),
    ),
    "south_asia": (((), 40), (("LK",), 15), (("SG",), 10), (("OM",), 10), (("SA",), 10), (("MA",), 8), (("ES",), 7)),
    "med": (((), 70), (("GR",), 15), (("IT",), 15)),
    "americas": (((), 65), (("ES",), 20), (("PT",), 10), (("JM",), 5)),
}
SEA_REGION = {
    "CN": "asia",
    "KR": "asia",
    "SG": "asia",
    "VN": "asia",
    "MY": "asia",
    "TW": "asia",
    "IN": "south_asia",
    "BD": "south_asia",
    "PK": "south_asia",
    "TR": "med",
    "US": "americas",
    "BR": "americas",
    "EC": "americas",
    "CO": "americas",
}
SEA_DAYS = {
    "CN": (30, 38),
    "KR": (32, 38),
    "SG": (24, 29),
    "VN": (28, 34),
    "IN": (20, 26),
    "BD": (26, 34),
    "PK": (20, 26),
    "MY": (25, 30),
    "TW": (30, 36),
    "TR": (8, 12),
    "US": (10, 14),
    "BR": (15, 20),
    "EC": (16, 22),
    "CO": (14, 20),
}


@dataclass(frozen=True)
class Line:
    scac: str
    name: str
    country: str
    vessel_prefix: str


SHIPPING_LINES = (
    (Line("MAEU", "A.P. Moller - Maersk A/S", "DK", "MAERSK"), 6),
    (Line("MEDU", "MSC Mediterranean Shipping Company SA", "CH", "MSC"), 7),
    (Line("CMDU", "CMA CGM SA", "FR", "CMA CGM"), 5),
    (Line("HLCU", "Hapag-Lloyd AG", "DE", "HL"), 4),
    (Line("COSU", "COSCO Shipping Lines Co., Ltd.", "CN", "COSCO SHIPPING"), 4),
    (Line("ONEY", "Ocean Network Express Pte. Ltd.", "SG", "ONE"), 3),
    (Line("EGLV", "Evergreen Marine Corporation", "TW", "EVER"), 3),
    (Line("OOLU", "Orient Overseas Container Line Ltd", "HK", "OOCL"), 2),
    (Line("HDMU", "HMM Co., Ltd.", "KR", "HMM"), 1.5),
    (Line("YMLU", "Yang Ming Marine Transport Corporation", "TW", "YM"), 1.5),
    (Line("ZIMU", "ZIM Integrated Shipping Services Ltd", "IL", "ZIM"), 1),
)
VESSEL_WORDS = (
    "AURORA",
    "HORIZON",
    "PIONEER",
    "SERENITY",
    "TRIUMPH",
    "VENTURE",
    "HARMONY",
    "MERIDIAN",
    "ORION",
    "POLARIS",
    "ZENITH",
    "CORAL",
    "SAPPHIRE",
    "MISTRAL",
    "ALTAIR",
    "LIBERTY",
)
FLAGS = ("PA", "LR", "MT", "MH", "SG", "HK", "PT", "DK", "DE", "CY")

# Rough units per USD, so that lines in other currencies carry plausible amounts.
RATES = {
    "USD": 1.0,
    "EUR": 0.92,
    "CNY": 7.2,
    "JPY": 150.0,
    "INR": 83.0,
    "TRY": 32.0,
    "KRW": 1350.0,
    "AED": 3.67,
    "HKD": 7.8,
    "THB": 36.0,
    "SGD": 1.35,
    "TWD": 32.0,
    "GBP": 0.79,
}


# --- traders -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """How companies and addresses of one country look: name parts, legal forms, real cities, streets."""

    code: str
    first: tuple[str, ...]  # distinctive first words of company names
    trade: tuple[str, ...]  # what the company says it does
    forms: tuple[str, ...]  # legal forms as written in the country
    cities: tuple[tuple[str, str | None], ...]  # city, postcode pattern (# a digit, @ a letter)
    street: str  # template: {s} street name, {t} suffix, {n} house number, {m} and {k} small numbers, {u} a letter
    streets: tuple[str, ...]
    suffixes: tuple[str, ...] = ("",)
    currency: str = "USD"
    join: bool = False  # Chinese-style names join two syllables: Hua + xin -> Huaxin


def _n(rng: random.Random, low: int = 1, high: int = 300) -> int:
    return low + int(rng.random() * (high - low + 1))


def _c(rng: random.Random, items: Sequence[Any]) -> Any:
    return items[int(rng.random() * len(items))]


def _street(rng: random.Random, country: Country) -> str:
    return country.street.format(
        s=_c(rng, country.streets),
        t=_c(rng, country.suffixes),
        n=_n(rng),
        m=_n(rng, 1, 30),
        k=_n(rng, 1, 9),
        u=_c(rng, "ABCDEF"),
    )


_TRADES = (
    "Electronics",
    "Technology",
    "Trading",
    "Industrial",
    "Import & Export",
    "Garment",
    "Plastic Products",
    "Hardware",
    "Lighting",
    "Household Products",
    "Precision Machinery",
    "Auto Parts",
    "Textile",
)

COUNTRIES: Mapping[str, Country] = {
    c.code: c
    for c in (
        Country(
            "CN",
            first=(
                "Hua",
                "Xin",
                "Jin",
                "Long",
                "Heng",
                "Tai",
                "Tian",
                "Yu",
                "Yong",
                "Sheng",
                "Bao",
                "Rui",
                "Feng",
                "Hai",
                "Tong",
                "Dong",
                "Kai",
                "Mei",
                "Wei",
                "Hong",
                "Xing",
                "Fu",
                "Guang",
                "Ming",
            ),
            trade=_TRADES,
            forms=("Co., Ltd.", "Co Ltd", "Co., Ltd."),
            cities=(
                ("Shenzhen", "518###"),
                ("Guangzhou", "510###"),
                ("Dongguan", "523###"),
                ("Shanghai", "200###"),
                ("Ningbo", "315###"),
                ("Yiwu", "322###"),
                ("Xiamen", "361###"),
                ("Suzhou", "215###"),
                ("Hangzhou", "310###"),
                ("Qingdao", "266###"),
                ("Foshan", "528###"),
                ("Tianjin", "300###"),
            ),
            street="No. {n} {s} Road",
            streets=("Jianshe", "Renmin", "Zhongshan", "Huanshi", "Xinhua", "Binhai", "Keji", "Gongye", "Changjiang"),
            currency="CNY",
            join=True,
        ),
        Country(
            "HK",
            first=(
                "Wing",
                "Kin",
                "Golden",
                "Pacific",
                "Harbour",
                "Lucky",
                "Grand",
                "Ocean",
                "Victory",
                "Sun",
                "Tak",
                "Shing",
                "Yick",
                "Wah",
                "Fortune",
            ),
            trade=("Trading", "Industrial", "Electronics", "Logistics", "Enterprises", "Garment", "Toys"),
            forms=("Ltd", "Limited", "Co Ltd"),
            cities=(("Hong Kong", None),),
            street="Unit {k}{u}, {m}/F, {n} {s} Road",
            streets=("Hoi Bun", "How Ming", "Wang Chiu", "Castle Peak", "Kwai Fung", "Tsun Yip"),
            currency="HKD",
        ),
        Country(
            "VN",
            first=(
                "Viet",
                "Phuong Nam",
                "An Phat",
                "Hoang Long",
                "Minh Anh",
                "Thanh Cong",
                "Tan Hung",
                "Dai Duong",
                "Sao Mai",
                "Hai Dang",
            ),
            trade=("Garment", "Footwear", "Furniture", "Seafood", "Electronics", "Trading", "Textile"),
            forms=("Company Limited", "JSC", "Co Ltd"),
            cities=(
                ("Ho Chi Minh City", None),
                ("Hanoi", None),
                ("Hai Phong", None),
                ("Binh Duong", None),
                ("Dong Nai", None),
                ("Da Nang", None),
            ),
            street="{n} {s} Street",
            streets=("Nguyen Van Linh", "Le Loi", "Tran Hung Dao", "Hai Ba Trung"),
        ),
        Country(
            "IN",
            first=(
                "Shree",
                "Sai",
                "Om",
                "Bharat",
                "Sunrise",
                "Mehta",
                "Patel",
                "Ganesh",
                "Lakshmi",
                "Royal",
                "Indo",
                "Surya",
                "Aarav",
                "Krishna",
            ),
            trade=("Exports", "Overseas", "Textiles", "Industries", "Impex", "Fabrics", "Engineering", "Agro Foods"),
            forms=("Pvt Ltd", "Private Limited", "Pvt Ltd", "LLP"),
            cities=(
                ("Mumbai", "400###"),
                ("New Delhi", "110###"),
                ("Chennai", "600###"),
                ("Bengaluru", "560###"),
                ("Tiruppur", "641###"),
                ("Ludhiana", "141###"),
                ("Ahmedabad", "380###"),
                ("Kolkata", "700###"),
                ("Surat", "395###"),
                ("Noida", "201###"),
            ),
            street="Plot {n}, {s} Industrial Area",
            streets=("MIDC", "GIDC", "Okhla", "SIPCOT", "Phase II"),
            currency="INR",
        ),
        Country(
            "US",
            first=(
                "Blue Ridge",
                "Lakeside",
                "Summit",
                "Pioneer",
                "Redwood",
                "Liberty",
                "Prairie",
                "Harbor",
                "Atlas",
                "Cascade",
                "Keystone",
                "Evergreen",
            ),
            trade=("Supply", "Distribution", "Industries", "Trading", "Technologies", "Components", "Polymers"),
            forms=("LLC", "Inc", "Corp", "LLC"),
            cities=(
                ("Los Angeles", "900##"),
                ("Chicago", "606##"),
                ("Houston", "770##"),
                ("Dallas", "752##"),
                ("Atlanta", "303##"),
                ("Miami", "331##"),
                ("New York", "100##"),
                ("Seattle", "981##"),
                ("Newark", "071##"),
                ("Memphis", "381##"),
            ),
            street="{n}{k} {s} {t}",
            streets=("Commerce", "Industrial", "Harbor", "Airport", "Lincoln", "Park"),
            suffixes=("Ave", "St", "Blvd", "Drive"),
        ),
        Country(
            "TR",
            first=(
                "Anadolu",
                "Ege",
                "Marmara",
                "Yildiz",
                "Kaya",
                "Ozturk",
                "Demir",
                "Akdeniz",
                "Karadeniz",
                "Sahin",
                "Bogazici",
            ),
            trade=("Tekstil", "Makina", "Plastik", "Otomotiv", "Gida", "Dis Ticaret", "Konfeksiyon"),
            forms=("San. ve Tic. A.S.", "A.S.", "Ltd. Sti."),
            cities=(
                ("Istanbul", "34###"),
                ("Izmir", "35###"),
                ("Bursa", "16###"),
                ("Ankara", "06###"),
                ("Denizli", "20###"),
                ("Gaziantep", "27###"),
                ("Mersin", "33###"),
            ),
            street="{s} Cad. No:{n}",
            streets=("Ataturk", "Cumhuriyet", "Istiklal", "Sanayi", "Organize Sanayi"),
            currency="TRY",
        ),
        Country(
            "AE",
            first=(
                "Al Noor",
                "Gulf Horizon",
                "Al Baraka",
                "Desert Rose",
                "Al Safa",
                "Emirates Link",
                "Al Madina",
                "Blue Sea",
                "Crescent",
                "Al Waha",
            ),
            trade=("General Trading", "Electronics Trading", "Trading", "Logistics"),
            forms=("LLC", "FZE", "FZCO", "LLC"),
            cities=(("Dubai", None), ("Sharjah", None), ("Abu Dhabi", None), ("Ajman", None)),
            street="Warehouse {m}, {s}",
            streets=("Jebel Ali Free Zone", "Al Quoz Industrial Area", "Dubai Airport Free Zone", "Al Khabaisi"),
            currency="AED",
        ),
        Country(
            "KR",
            first=(
                "Hanil",
                "Daewon",
                "Samil",
                "Sungwoo",
                "Dongyang",
                "Seojin",
                "Jinsung",
                "Haesung",
                "Woojin",
                "Daeil",
            ),
            trade=("Electronics", "Industrial", "Chemical", "Precision", "Trading", "Tech"),
            forms=("Co., Ltd.", "Co Ltd", "Corp."),
            cities=(
                ("Seoul", "0####"),
                ("Busan", "4####"),
                ("Incheon", "2####"),
                ("Suwon", "1####"),
                ("Ulsan", "4####"),
            ),
            street="{n} {s}-ro",
            streets=("Gongdan", "Sandan", "Teheran", "Jungang", "Haean"),
            currency="KRW",
        ),
        Country(
            "JP",
            first=(
                "Yamato",
                "Sakura",
                "Fuji",
                "Nishida",
                "Hoshino",
                "Kobayashi",
                "Matsuda",
                "Aoki",
                "Morita",
                "Ishikawa",
            ),
            trade=("Shoji", "Seiki", "Denki", "Trading", "Industries", "Kogyo"),
            forms=("Co., Ltd.", "K.K.", "Co Ltd"),
            cities=(
                ("Tokyo", "1##-####"),
                ("Osaka", "5##-####"),
                ("Nagoya", "4##-####"),
                ("Yokohama", "2##-####"),
                ("Kobe", "65#-####"),
            ),
            street="{k}-{m}-{k} {s}",
            streets=("Minato", "Chuo", "Nishi", "Kita"),
            currency="JPY",
        ),
        Country(
            "TH",
            first=("Siam", "Chao Phraya", "Rattana", "Sombat", "Thanakorn", "Srisuk", "Charoen", "Pattana"),
            trade=("Industry", "Trading", "Electric", "Rubber", "Frozen Foods", "Auto Parts"),
            forms=("Co., Ltd.", "Co Ltd", "Public Co Ltd"),
            cities=(("Bangkok", "10###"), ("Chonburi", "20###"), ("Samut Prakan", "10###"), ("Rayong", "21###")),
            street="{n} Moo {k}, {s} Road",
            streets=("Sukhumvit", "Bangna-Trad", "Rama II", "Phahonyothin"),
            currency="THB",
        ),
        Country(
            "SG",
            first=("Lion City", "Orchid", "Straits", "Jurong", "Kallang", "Pasir", "Tanjong", "Bukit"),
            trade=("Trading", "Electronics", "Logistics", "Marine Supplies", "Technologies"),
            forms=("Pte Ltd", "Pte. Ltd."),
            cities=(("Singapore", "6#####"),),
            street="{m} {s} Avenue {k}",
            streets=("Tuas", "Jurong West", "Ubi", "Kaki Bukit", "Loyang"),
            currency="SGD",
        ),
        Country(
            "TW",
            first=("Chien", "Hsin", "Yung", "Tung", "Kuo", "Sheng", "Chia", "Ming"),
            trade=("Electronics", "Precision", "Industrial", "Technology", "Cycle"),
            forms=("Co., Ltd.", "Co Ltd"),
            cities=(
                ("Taipei", "1##"),
                ("Taichung", "4##"),
                ("Kaohsiung", "8##"),
                ("Hsinchu", "30#"),
                ("Taoyuan", "33#"),
            ),
            street="No. {n}, {s} Rd.",
            streets=("Zhongzheng", "Minsheng", "Guangfu", "Jhongshan"),
            currency="TWD",
            join=True,
        ),
        Country(
            "BD",
            first=("Meghna", "Padma", "Jamuna", "Rupali", "Sonali", "Karnaphuli", "Sundarban", "Bengal"),
            trade=("Apparels", "Knit Composite", "Garments", "Fashions", "Textile Mills", "Sweaters"),
            forms=("Ltd", "Limited"),
            cities=(("Dhaka", "12##"), ("Chattogram", "4###"), ("Gazipur", "17##"), ("Narayanganj", "14##")),
            street="Plot {m}, {s}",
            streets=("EPZ", "BSCIC Industrial Area", "Tongi Road", "Savar"),
        ),
        Country(
            "PK",
            first=("Indus", "Ravi", "Chenab", "Crescent", "Al Karam", "Sitara", "Noor", "Zaib"),
            trade=("Textile", "Sports", "Apparel", "Surgical", "Denim", "Home Textiles"),
            forms=("(Pvt) Ltd", "Pvt Ltd", "Ltd"),
            cities=(("Karachi", "7####"), ("Lahore", "54###"), ("Faisalabad", "38###"), ("Sialkot", "51###")),
            street="Plot {n}, {s}",
            streets=("SITE Area", "Korangi Industrial Area", "Small Industrial Estate"),
        ),
        Country(
            "MY",
            first=("Semenanjung", "Bunga Raya", "Harimau", "Pelangi", "Sinar", "Mutiara"),
            trade=("Industries", "Electronics", "Furniture", "Rubber Products", "Trading"),
            forms=("Sdn Bhd", "Sdn. Bhd."),
            cities=(("Klang", "41###"), ("Penang", "1####"), ("Johor Bahru", "8####"), ("Shah Alam", "40###")),
            street="Lot {n}, Jalan {s} {k}",
            streets=("Perusahaan", "Industri", "Pelabuhan", "Kebun"),
        ),
        Country(
            "EC",
            first=(
                "Frutas del Pacifico",
                "Bananera del Sur",
                "Agricola Los Rios",
                "Exportadora Costa Verde",
                "Hacienda San Miguel",
                "Camaronera Andina",
                "Flores de la Sierra",
                "Pesquera Manta",
            ),
            trade=("",),
            forms=("S.A.", "Cia. Ltda."),
            cities=(("Guayaquil", "09####"), ("Machala", "07####"), ("Quito", "17####"), ("Cayambe", "17####")),
            street="Av. {s} {n}",
            streets=("9 de Octubre", "de las Americas", "Juan Tanca Marengo", "Simon Bolivar"),
        ),
        Country(
            "CO",
            first=(
                "Agroexport Uraba",
                "Comercializadora del Caribe",
                "Frutas Magdalena",
                "Cafe Sierra Nevada",
                "Flores de la Sabana",
                "Bananeras del Darien",
            ),
            trade=("",),
            forms=("S.A.S.", "S.A."),
            cities=(
                ("Santa Marta", "47####"),
                ("Medellin", "05####"),
                ("Barranquilla", "08####"),
                ("Apartado", "05####"),
                ("Bogota", "11####"),
            ),
            street="{s} {n} # {m}-{k}",
            streets=("Calle", "Carrera"),
        ),
        Country(
            "BR",
            first=("Agro Paulista", "Comercial Santista", "Cafe Serra Verde", "Industria Gaucha", "Frutas do Vale"),
            trade=("",),
            forms=("Ltda", "S.A."),
            cities=(
                ("Sao Paulo", "0####-###"),
                ("Santos", "11###-###"),
                ("Curitiba", "8####-###"),
                ("Varginha", "37###-###"),
            ),
            street="Rua {s}, {n}",
            streets=("das Flores", "XV de Novembro", "Sao Bento", "do Porto"),
        ),
        Country(
            "KE",
            first=("Rift Valley", "Naivasha", "Kilima", "Savanna", "Lakeview", "Highland"),
            trade=("Flowers", "Roses", "Horticulture", "Fresh Produce"),
            forms=("Ltd", "Limited"),
            cities=(("Naivasha", "20117"), ("Nairobi", "00###"), ("Nakuru", "20100")),
            street="{s}, plot {m}",
            streets=("Moi South Lake Road", "Mombasa Road", "Enterprise Road"),
        ),
        Country(
            "YE",
            first=("Al Saeed", "Aden Gulf", "Hadramout", "Arabian Coast", "Al Tawakol"),
            trade=("Trading", "Import Export", "Commercial", "Office Supplies"),
            forms=("Co.", "Co. Ltd"),
            cities=(("Aden", None), ("Sana'a", None), ("Al Mukalla", None)),
            street="{s} Street, building {m}",
            streets=("Al Mualla", "Khormaksar", "Al Zubairi", "Hadda"),
        ),
        # Europe: where the goods go.
        Country(
            "DE",
            first=(
                "Elbe",
                "Rhein",
                "Main",
                "Hansa",
                "Alpen",
                "Spree",
                "Weser",
                "Nord",
                "Taunus",
                "Harz",
                "Isar",
                "Neckar",
                "Mosel",
                "Boden",
                "Ruhr",
            ),
            trade=(
                "Handels",
                "Logistik",
                "Import",
                "Technik",
                "Textil",
                "Elektro",
                "Moden",
                "Spielwaren",
                "Fruchthandel",
                "Maschinen",
                "Vertriebs",
            ),
            forms=("GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "AG", "e.K."),
            cities=(
                ("Hamburg", "20###"),
                ("Frankfurt am Main", "60###"),
                ("Berlin", "10###"),
                ("München", "80###"),
                ("Köln", "50###"),
                ("Düsseldorf", "40###"),
                ("Stuttgart", "70###"),
                ("Leipzig", "04###"),
                ("Bremen", "28###"),
                ("Hannover", "30###"),
                ("Nürnberg", "90###"),
                ("Dortmund", "44###"),
                ("Duisburg", "47###"),
                ("Mannheim", "68###"),
            ),
            street="{s}{t} {m}",
            streets=(
                "Haupt",
                "Bahnhof",
                "Industrie",
                "Hafen",
                "Linden",
                "Schiller",
                "Goethe",
                "Lager",
                "Gewerbe",
                "Mühlen",
            ),
            suffixes=("straße", "weg", "allee", "ring", "damm"),
            currency="EUR",
        ),
        Country(
            "NL",
            first=("Oranje", "Delta", "Polder", "Tulp", "Noordzee", "Maas", "Holland", "Zuid", "Waal", "IJssel"),
            trade=("Trading", "Import", "Logistics", "Fresh", "Distributie", "Handelsmaatschappij", "Retail", "Foods"),
            forms=("B.V.", "BV", "B.V."),
            cities=(
                ("Rotterdam", "30## @@"),
                ("Amsterdam", "10## @@"),
                ("Venlo", "59## @@"),
                ("Tilburg", "50## @@"),
                ("Utrecht", "35## @@"),
                ("Eindhoven", "56## @@"),
                ("Breda", "48## @@"),
                ("Hoofddorp", "21## @@"),
            ),
            street="{s} {n}",
            streets=("Havenweg", "Industrieweg", "Kerkstraat", "Energieweg", "Nijverheidsstraat", "Zeeweg"),
            currency="EUR",
        ),
        Country(
            "BE",
            first=("Schelde", "Vlaanderen", "Brabant", "Kempen", "Leie", "Ardennen", "Noordster"),
            trade=("Trading", "Import", "Logistics", "Distribution", "Fruit"),
            forms=("NV", "BV", "SRL", "SA"),
            cities=(
                ("Antwerpen", "20##"),
                ("Brussel", "10##"),
                ("Liège", "40##"),
                ("Gent", "90##"),
                ("Mechelen", "2800"),
                ("Zaventem", "1930"),
            ),
            street="{s} {n}",
            streets=("Industrieweg", "Noorderlaan", "Kanaalstraat", "Rue de l'Industrie", "Haven"),
            currency="EUR",
        ),
    )
}

EU_COUNTRIES = (("DE", 55), ("NL", 30), ("BE", 15))
_FIRST_NAMES = (
    "Anna",
    "Lukas",
    "Sophie",
    "Jonas",
    "Emma",
    "Daan",
    "Lotte",
    "Noah",
    "Marie",
    "Finn",
    "Julia",
    "Thomas",
    "Sanne",
    "Luca",
    "Lea",
    "Milan",
    "Elif",
    "Mehmet",
    "Fatima",
    "Piotr",
)
_LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "de Jong",
    "Jansen",
    "de Vries",
    "Bakker",
    "Peeters",
    "Janssens",
    "Maes",
    "Wagner",
    "Becker",
    "Visser",
    "Hoffmann",
    "Yilmaz",
    "Kowalski",
)
_FORWARDERS = (
    ("Hanse Spedition GmbH", "DE"),
    ("Rijnmond Forwarding B.V.", "NL"),
    ("Scheldt Shipping Agency NV", "BE"),
    ("Elbe Zollagentur GmbH", "DE"),
    ("Maasvlakte Customs Services B.V.", "NL"),
)


def _postcode(rng: random.Random, pattern: str | None) -> str | None:
    if pattern is None:
        return None
    return "".join(
        str(int(rng.random() * 10)) if ch == "#" else chr(65 + int(rng.random() * 26)) if ch == "@" else ch
        for ch in pattern
    )


def _company_name(rng: random.Random, country: Country, city: str = "") -> str:
    """Chinese and Taiwanese firms often carry their city in the name: "Shenzhen Huaxin Electronics Co., Ltd."."""
    first = _c(rng, country.first)
    if country.join:
        first += _c(rng, country.first).lower()
        if city and rng.random() < 0.6:
            first = f"{city} {first}"
    trade = _c(rng, country.trade)
    return " ".join(part for part in (first, trade, _c(rng, country.forms)) if part)


def _company(rng: random.Random, country: Country) -> Json:
    city = _c(rng, country.cities)
    return _party(rng, country, _company_name(rng, country, city[0]), city=city)


def _party(
    rng: random.Random,
    country: Country,
    name: str,
    identifiers: list[Json] | None = None,
    city: tuple[str, str | None] | None = None,
) -> Json:
    city_name, pattern = city or _c(rng, country.cities)
    address: Json = {"street": _street(rng, country), "city": city_name, "country": country.code}
    postcode = _postcode(rng, pattern)
    if postcode:
        address["postcode"] = postcode
    party: Json = {"name": name, "address": address}
    if identifiers:
        party["identifiers"] = identifiers
    return party


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(int(rng.random() * 10)) for _ in range(count))


def _eori(rng: random.Random, country: str) -> str:
    """EU EORI numbers: the member state's code and its national scheme's digits."""
    if country == "NL":
        return "NL" + _digits(rng, 9)
    if country == "BE":
        return "BE0" + _digits(rng, 9)
    return country + _digits(rng, 15)


@dataclass
class _Traders:
    consignors: dict[str, _Pick]  # by country, Zipf-weighted: repeat traders and a long tail
    consignees: _Pick
    forwarders: list[Json]


@cache
def _traders(seed: int) -> _Traders:
    """Trader pools depend on the seed only, so the same companies file again on every demo day."""
    rng = random.Random(f"safelane-demo-traders:{seed}")
    consignors: dict[str, _Pick] = {}
    for code, country in COUNTRIES.items():
        if code in ("DE", "NL", "BE"):
            continue
        companies: dict[str, Json] = {}
        for _ in range(300):  # up to 45 distinct companies; countries with few name parts get fewer
            company = _company(rng, country)
            companies.setdefault(company["name"], company)
            if len(companies) == 45:
                break
        consignors[code] = _zipf(list(companies.values()), 0.9)
    consignees: list[Json] = []
    seen: set[str] = set()
    eu = _Pick(EU_COUNTRIES)
    while len(consignees) < 400:
        country = COUNTRIES[eu(rng)]
        name = _company_name(rng, country)
        if name in seen:
            continue
        seen.add(name)
        identifiers = [{"scheme": "EORI", "value": _eori(rng, country.code)}]
        if rng.random() < 0.15:  # authorised economic operators: certificate number as the EU writes it
            identifiers.append({"scheme": "AEO", "value": f"{country.code}AEOF{_digits(rng, 6)}"})
        consignees.append(_party(rng, country, name, identifiers))
    forwarders = [
        _party(rng, COUNTRIES[country], name, [{"scheme": "EORI", "value": _eori(rng, country)}])
        for name, country in _FORWARDERS
    ]
    return _Traders(consignors, _zipf(consignees, 0.8), forwarders)


# --- numbers -------------------------------------------------------------------------------------------


def awb_number(prefix: str, serial: int) -> str:
    """Air waybill number: airline prefix, 7-digit serial and its check digit (serial modulo 7)."""
    serial %= 10_000_000
    return f"{prefix}-{serial:07d}{serial % 7}"


def imo_number(base: int) -> str:
    """IMO ship number: six digits and a check digit (weighted sum 7..2, last digit)."""
    digits = f"{base % 1_000_000:06d}"
    check = sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return f"{digits}{check}"


# --- the day -------------------------------------------------------------------------------------------

# Filing activity per UTC hour: Asian afternoons, European days and American days overlap.
_HOUR_WEIGHTS = (5, 6, 7, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 3, 4)
_NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4)  # the express night window of EXPRESS-NIGHT-PHONES


@dataclass
class Traffic:
    """24 generated hours from `start`: filings as native JSON dicts, and which consignments were planted for
    which profile."""

    start: datetime
    filings: list[Json]
    planted: dict[tuple[str, str], str] = field(default_factory=dict)  # (document, reference) -> profile id
    ecommerce: dict[tuple[str, str], str] = field(default_factory=dict)  # -> e-commerce finding (demo/ecommerce.py)

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def consignments(self) -> int:
        return sum(len(f["consignments"]) for f in self.filings)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).isoformat()


class _Day:
    """Draws 24 hours of filings from `start`; every draw comes from one seeded generator, so a seed and a start
    give the same filings."""

    def __init__(self, start: datetime, seed: int, filers: Mapping[str, str]):
        label = start.date().isoformat() if start == _midnight(start.date()) else start.isoformat()
        self.rng = random.Random(f"safelane-demo:{seed}:{label}")
        self.start = start.timestamp()
        self.first_hour = self.start - self.start % _HOUR  # filing times are drawn by the hour of the UTC day
        self.filers = filers
        self.traders = _traders(seed)
        rng = self.rng
        self.serials = {a.prefix: int(rng.random() * 5_000_000) for a in AIRLINES.values()}
        self.counter = int(rng.random() * 90_000_000)
        self.hours = _Pick([(h, w) for h, w in enumerate(_HOUR_WEIGHTS)])
        self.air_origin = _Pick([(c, w) for c, (w, _) in AIR_ORIGINS.items()])
        self.airports = {c: _Pick(ports) for c, (_, ports) in AIR_ORIGINS.items()}
        self.air_destination = _Pick(AIR_DESTINATIONS)
        self.carriers = {c: _Pick([((a, via), w) for a, w, via in rows]) for c, rows in AIR_CARRIERS.items()}
        self.express_origin = _Pick(list(EXPRESS_ORIGINS.items()))
        self.express_operator = _Pick(EXPRESS_OPERATORS)
        self.sea_origin = _Pick([(c, w) for c, (w, _) in SEA_ORIGINS.items()])
        self.sea_ports = {c: _Pick(ports) for c, (_, ports) in SEA_ORIGINS.items()}
        self.sea_destination = _Pick(SEA_DESTINATIONS)
        self.sea_routing = {region: _Pick(rows) for region, rows in SEA_ROUTINGS.items()}
        self.line = _Pick(SHIPPING_LINES)
        self.vessels = {line.scac: [self._vessel(line) for _ in range(3)] for line, _ in SHIPPING_LINES}
        self.flights = {code: [_n(rng, 100, 9899) for _ in range(4)] for code in AIRLINES}
        self.goods: dict[tuple[str, str], _Pick] = {}

    # -- building blocks ---------------------------------------------------------------------------------

    def _vessel(self, line: Line) -> Json:
        rng = self.rng
        return {
            "identifier": imo_number(_n(rng, 900_000, 989_999)),
            "name": f"{line.vessel_prefix} {_c(rng, VESSEL_WORDS)}",
            "nationality": _c(rng, FLAGS),
        }

    def filed_at(self, hours: Sequence[int] | None = None) -> float:
        """A moment in the 24 hours from the start, at a UTC hour of the day drawn by the day's activity."""
        hour = _c(self.rng, hours) if hours else self.hours(self.rng)
        offset = (hour - int(self.first_hour % _DAY) // _HOUR) % 24
        moment = self.first_hour + offset * _HOUR + int(self.rng.random() * _HOUR)
        return moment if moment >= self.start else moment + _DAY  # the start's own hour, before the start

    def awb(self, airline: Airline) -> str:
        """The airline's next free master waybill: its stock is used in order, with gaps (voided numbers)."""
        self.serials[airline.prefix] += 1 + int(self.rng.random() * 20)
        return awb_number(airline.prefix, self.serials[airline.prefix])

    def serial(self) -> int:
        self.counter += 1 + int(self.rng.random() * 40)
        return self.counter

    def goods_for(self, mode: str, origin: str) -> _Pick:
        key = (mode, origin)
        if key not in self.goods:
            letter = {"air": "a", "express": "x", "sea": "s"}[mode]
            specs = [(g, g.weight) for g in CATALOGUE if letter in g.modes and (not g.origins or origin in g.origins)]
            self.goods[key] = _Pick(specs)
        return self.goods[key]

    def item(self, spec: Goods, mode: str, mass: float, origin: str, sequence: int) -> Json:
        """One goods line of about `mass` kg gross; packages, net mass and value follow from the goods."""
        rng = self.rng
        per_package = spec.kg_per_package[0] + rng.random() * (spec.kg_per_package[1] - spec.kg_per_package[0])
        packages = max(1, round(mass / per_package))
        gross = mass if packages == 1 and mass < per_package else packages * per_package * (0.95 + rng.random() * 0.1)
        gross = max(0.1, round(gross, 2))
        net = max(0.05, min(gross, round(gross * (0.82 + rng.random() * 0.13), 2)))
        low, high = spec.usd_per_kg
        usd = net * math.exp(math.log(low) + rng.random() * (math.log(high) - math.log(low)))
        if mode == "express" and spec.hs == "851713":
            usd = min(usd, 800 + rng.random() * 3700)  # ordinary express phones stay under the night profile's 5000
        roll = rng.random()
        currency = "USD" if roll < 0.78 else "EUR" if roll < 0.92 else COUNTRIES[origin].currency
        if currency not in RATES:
            currency = "USD"
        description = _c(rng, spec.descriptions)
        if rng.random() < 0.2 and (text := _hs_text(spec.hs)):
            description = text
        return {
            "sequence": sequence,
            "description": description,
            "hs_code": spec.hs,
            "packages": packages,
            "package_kind": _c(rng, spec.packaging),
            "gross_mass_kg": gross,
            "net_mass_kg": net,
            "value": {"amount": _money(usd * RATES[currency], currency), "currency": currency},
            "origin_country": _c(rng, spec.origins) if spec.origins and origin not in spec.origins else origin,
        }

    def items(self, mode: str, origin: str, mass: float, count: int) -> list[Json]:
        rng = self.rng
        pick = self.goods_for(mode, origin)
        first = pick(rng)
        shares = [0.2 + rng.random() for _ in range(count)]
        total = sum(shares)
        # A shipper mostly ships one line of goods: further items repeat the first subheading more often than not.
        return [
            self.item(first if i == 0 or rng.random() < 0.6 else pick(rng), mode, mass * share / total, origin, i + 1)
            for i, share in enumerate(shares)
        ]

    def consignor(self, country: str) -> Json:
        return self.traders.consignors[country](self.rng)

    def consignee(self, private_share: float = 0.0) -> Json:
        rng = self.rng
        if rng.random() < private_share:  # e-commerce: a private person, no EORI
            country = COUNTRIES[_c(rng, ("DE", "DE", "NL", "BE"))]
            return _party(rng, country, f"{_c(rng, _FIRST_NAMES)} {_c(rng, _LAST_NAMES)}")
        return self.traders.consignees(rng)

    @staticmethod
    def _totals(consignment: Json) -> Json:
        goods = consignment["goods"]
        consignment["total_packages"] = sum(g["packages"] for g in goods)
        consignment["total_gross_mass_kg"] = round(sum(g["gross_mass_kg"] for g in goods), 2)
        return consignment

    # -- filings -----------------------------------------------------------------------------------------

    def filing(self, number: str, mode: str, filed: float, consignments: list[Json]) -> Json:
        filing: Json = {
            "document_number": number,
            "version": 1,
            "kind": "pre_arrival" if mode == "sea" else "pre_loading",
            "filed_at": _iso(filed),
        }
        if filer := self.filers.get(mode):
            filing["filer"] = filer
        filing["consignments"] = consignments
        return filing

    def air(
        self,
        houses: int,
        *,
        country: str | None = None,
        airport: str | None = None,
        carrier: tuple[str, str | None] | None = None,
        routing: list[str] | None = None,
        filed: float | None = None,
    ) -> Json:
        """A master air waybill with `houses` house waybills (0: a direct shipment without houses)."""
        rng = self.rng
        country = country or self.air_origin(rng)
        airport = airport or self.airports[country](rng)
        code, via = carrier or self.carriers[country](rng)
        airline = AIRLINES[code]
        destination = airline.hub or self.air_destination(rng)
        filed = self.filed_at() if filed is None else filed
        departure = filed + 1.5 * _HOUR + rng.random() * 16 * _HOUR
        departure -= departure % 300
        block = BLOCK_HOURS.get(country, 10) + (4 + rng.random() * 6 if via else 0)
        arrival = departure + block * _HOUR + rng.random() * _HOUR
        master = self.awb(airline)
        flight = f"{airline.iata}{_c(rng, self.flights[airline.iata])}"
        itinerary = {
            "place_of_loading": airport,
            "place_of_unloading": destination,
            "routing_countries": routing if routing is not None else ([via] if via else []),
            "departure_at": _iso(departure),
            "arrival_at": _iso(arrival),
        }
        carrier_party = {"name": airline.name, "country": airline.country}
        means = {"identifier": flight, "nationality": airline.country}
        consignments = []
        for _ in range(max(houses, 1)):
            mass = min(3000.0, max(2.0, rng.lognormvariate(4.0, 1.1)))
            count = 1 if rng.random() < 0.6 else 2 + int(rng.random() * 3)
            consignment: Json = {"mode": "air", "master_document": master}
            if houses:
                consignment["house_document"] = f"{airport[2:]}{self.serial():08d}"
            consignment |= {
                "consignor": self.consignor(country),
                "consignee": self.consignee(),
                "carrier": carrier_party,
                "goods": self.items("air", country, mass, count),
                "itinerary": itinerary,
                "transport_means": means,
            }
            consignments.append(self._totals(consignment))
        return self.filing(master, "air", filed, consignments)

    def express(self, *, country: str | None = None, filed: float | None = None) -> Json:
        """One express consignment under the operator's own waybill, filed by the operator."""
        rng = self.rng
        country = country or self.express_origin(rng)
        code = self.express_operator(rng)
        airline = AIRLINES[code]
        airport = self.airports[country].items[0]  # the operator's gateway: the country's main airport
        filed = self.filed_at() if filed is None else filed
        departure = filed + _HOUR + rng.random() * 8 * _HOUR
        departure -= departure % 300
        arrival = departure + (BLOCK_HOURS.get(country, 10) + 1 + rng.random() * 3) * _HOUR
        waybill = (
            f"1Z{self.serial():08d}{_digits(rng, 8)}"
            if code == "5X"
            else f"{self.serial():08d}{_digits(rng, 4 if code == 'FX' else 2)}"
        )
        mass = min(70.0, max(0.1, rng.lognormvariate(0.7, 1.0)))
        consignment = self._totals(
            {
                "mode": "express",
                "master_document": waybill,
                "consignor": self.consignor(country),
                "consignee": self.consignee(private_share=0.45),
                "carrier": {"name": airline.name, "country": airline.country},
                "goods": self.items("express", country, mass, 1 if rng.random() < 0.7 else 2),
                "itinerary": {
                    "place_of_loading": airport,
                    "place_of_unloading": airline.hub,
                    "routing_countries": ["HK"] if country == "CN" and rng.random() < 0.4 else [],
                    "departure_at": _iso(departure),
                    "arrival_at": _iso(arrival),
                },
                "transport_means": {
                    "identifier": f"{airline.iata}{_c(rng, self.flights[code])}",
                    "nationality": airline.country,
                },
            }
        )
        return self.filing(waybill, "express", filed, [consignment])

    def sea(
        self,
        houses: int,
        *,
        country: str | None = None,
        port: str | None = None,
        routing: list[str] | None = None,
        filed: float | None = None,
    ) -> Json:
        """A master bill of lading; with houses, an NVOCC's consolidation (LCL) under it."""
        rng = self.rng
        country = country or self.sea_origin(rng)
        port = port or self.sea_ports[country](rng)
        line = self.line(rng)
        vessel = _c(rng, self.vessels[line.scac])
        filed = self.filed_at() if filed is None else filed
        departure = filed + 26 * _HOUR + rng.random() * 44 * _HOUR  # filed at least 24 hours before loading
        departure -= departure % 900
        low, high = SEA_DAYS[country]
        arrival = departure + (low + rng.random() * (high - low)) * _DAY
        master = f"{line.scac}{self.serial() % 1_000_000_000:09d}"
        if routing is None:
            routing = list(self.sea_routing[SEA_REGION[country]](rng))
        itinerary = {
            "place_of_loading": port,
            "place_of_unloading": self.sea_destination(rng),
            "routing_countries": routing,
            "departure_at": _iso(departure),
            "arrival_at": _iso(arrival),
        }
        carrier = {"name": line.name, "country": line.country}
        consignments = []
        for _ in range(max(houses, 1)):
            mass = min(6000.0, max(80.0, rng.lognormvariate(6.5, 0.8))) if houses else 3000 + rng.random() * 21000
            consignment: Json = {"mode": "sea", "master_document": master}
            if houses:
                consignment["house_document"] = f"HB{port[2:]}{self.serial():08d}"
            consignee = self.consignee()
            consignment |= {"consignor": self.consignor(country), "consignee": consignee}
            if rng.random() < 0.25:
                consignment["notify_party"] = _c(rng, self.traders.forwarders)
            consignment |= {
                "carrier": carrier,
                "goods": self.items("sea", country, mass, 1 + int(rng.random() * 3)),
                "itinerary": itinerary,
                "transport_means": vessel,
            }
            if rng.random() < 0.5:
                consignment["documents"] = [{"type": "N380", "reference": f"INV-{_digits(rng, 6)}"}]
            consignments.append(self._totals(consignment))
        return self.filing(master, "sea", filed, consignments)

    def ordinary(self) -> Json:
        """One filing of the day's normal mix; by consignment about 45 % express, 35 % air and 20 % sea.

        An air filing holds 2.9 consignments on average and a sea filing 1.9, hence the odds per filing.
        """
        rng = self.rng
        roll = rng.random()
        if roll < 0.666:
            return self.express()
        if roll < 0.845:  # air: direct shipments, small and large consolidations
            r = rng.random()
            return self.air(0 if r < 0.45 else 2 + int(rng.random() * 3) if r < 0.85 else 5 + int(rng.random() * 8))
        return self.sea(0 if rng.random() < 0.7 else 2 + int(rng.random() * 5))


@cache
def _decimals(currency: str) -> int:
    digits = currency_minor_units(currency)
    return 2 if digits is None else digits


def _money(amount: float, currency: str) -> float:
    return round(max(amount, 1.0), _decimals(currency))


# --- planted scenarios: one per demo profile ------------------------------------------------------------


def _single(filing: Json) -> Json:
    """Planted filings carry one consignment, so the planted reference names exactly one."""
    filing["consignments"] = filing["consignments"][:1]
    return filing


def _set_goods(d: _Day, consignment: Json, items: list[Json]) -> None:
    for i, item in enumerate(items):
        item["sequence"] = i + 1
    consignment["goods"] = items
    d._totals(consignment)


def _plant_toner(d: _Day) -> Json:
    """Toner cartridges loaded in Yemen (the 2010 cargo bomb plot): AIR-TONER-YE, do not load."""
    rng = d.rng
    filing = _single(
        d.air(
            0, country="YE", airport=_c(rng, ("YEADE", "YESAH")), carrier=("IY", None), routing=[_c(rng, ("EG", "JO"))]
        )
    )
    c = filing["consignments"][0]
    c["consignor"] = _company(rng, COUNTRIES["YE"])
    toner = d.item(GOODS_BY_HS["844399"], "air", 8 + rng.random() * 30, "CN", 1)
    toner["description"] = _c(rng, ("Toner cartridges for laser printers", "Printer toner cartridges, HP compatible"))
    _set_goods(d, c, [toner])
    return filing


def _plant_lithium(d: _Day) -> Json:
    """Lithium-ion cells described as toys, gifts or samples: AIR-LITHIUM-TOYS, screening before loading."""
    rng = d.rng
    filing = _single(d.air(1, country=_c(rng, ("CN", "HK"))) if rng.random() < 0.5 else d.express(country="CN"))
    c = filing["consignments"][0]
    cells = d.item(GOODS_BY_HS["850760"], c["mode"], 2 + rng.random() * 20, "CN", 1)
    # Specific enough for the 7+1 check (which refuses a bare "toys" or "gifts"): only the HS code gives it away.
    cells["description"] = _c(
        rng, ("Gift items for kids", "Free samples", "Sample toys for kids", "Toy robots", "Birthday gifts")
    )
    _set_goods(d, c, [cells])
    return filing


def _plant_bananas(d: _Day) -> Json:
    """Ecuadorian or Colombian bananas routed via a transhipment hub: SEA-BANANA-COCAINE, red."""
    rng = d.rng
    country = _c(rng, ("EC", "CO"))
    filing = _single(d.sea(0, country=country, routing=[_c(rng, ("PA", "MX", "DO"))]))
    c = filing["consignments"][0]
    bananas = d.item(GOODS_BY_HS["080390"], "sea", 18000 + rng.random() * 4000, country, 1)
    _set_goods(d, c, [bananas])
    return filing


def _plant_textiles(d: _Day) -> Json:
    """Apparel by sea at under 2 USD per kg: SEA-TEXTILE-UNDERVALUE, documentary check."""
    rng = d.rng
    country = _c(rng, ("CN", "BD", "PK", "VN"))
    filing = _single(d.sea(0, country=country))
    c = filing["consignments"][0]
    spec = GOODS_BY_HS[_c(rng, ("610910", "620342", "611020", "620462"))]
    item = d.item(spec, "sea", 4000 + rng.random() * 9000, country, 1)
    item["value"] = {"amount": round(item["net_mass_kg"] * (0.8 + rng.random() * 1.1), 2), "currency": "USD"}
    _set_goods(d, c, [item])
    return filing


def _plant_falcon(d: _Day) -> Json:
    """Goods for the consignee under investigation: PARTY-WATCH-FALCON, screening (air) or red (sea)."""
    rng = d.rng
    air = rng.random() < 0.5
    filing = _single(d.air(1, country="AE") if air else d.sea(0, country=_c(rng, ("CN", "SG"))))
    c = filing["consignments"][0]
    c["consignee"] = _party(rng, COUNTRIES["DE"], "Falcon Star General Trading LLC")
    spec = GOODS_BY_HS[_c(rng, ("854231", "851762", "847170"))]
    _set_goods(d, c, [d.item(spec, c["mode"], 20 + rng.random() * 200, "CN", 1)])
    return filing


def _plant_dual_use(d: _Day) -> Json:
    """Machinery or electronics routed via Iran, North Korea or Syria: DUALUSE-SANCTIONED-ROUTE."""
    rng = d.rng
    if rng.random() < 0.5:
        filing = _single(d.air(1, country="CN", carrier=("CA", None), routing=[_c(rng, ("IR", "KP"))]))
    else:
        filing = _single(d.sea(0, country=_c(rng, ("CN", "TR")), routing=[_c(rng, ("IR", "SY"))]))
    c = filing["consignments"][0]
    hs = _c(rng, ("847989", "848180", "854231", "850440") if c["mode"] == "sea" else ("854231", "847330", "851762"))
    spec = GOODS_BY_HS[hs]
    _set_goods(d, c, [d.item(spec, c["mode"], 30 + rng.random() * 500, "CN", 1)])
    return filing


def _plant_night_phones(d: _Day) -> Json:
    """Express smartphones over 5,000 USD filed at night: EXPRESS-NIGHT-PHONES, information request."""
    rng = d.rng
    filing = d.express(country=_c(rng, ("HK", "CN", "AE")), filed=d.filed_at(_NIGHT_HOURS))
    c = filing["consignments"][0]
    phones = d.item(GOODS_BY_HS["851713"], "express", 3 + rng.random() * 9, "CN", 1)
    phones["value"] = {"amount": round(5200 + rng.random() * 25000, 2), "currency": "USD"}
    _set_goods(d, c, [phones])
    return filing


SCENARIOS: tuple[tuple[str, Callable[[_Day], Json]], ...] = (
    ("AIR-TONER-YE", _plant_toner),
    ("AIR-LITHIUM-TOYS", _plant_lithium),
    ("SEA-BANANA-COCAINE", _plant_bananas),
    ("SEA-TEXTILE-UNDERVALUE", _plant_textiles),
    ("PARTY-WATCH-FALCON", _plant_falcon),
    ("DUALUSE-SANCTIONED-ROUTE", _plant_dual_use),
    ("EXPRESS-NIGHT-PHONES", _plant_night_phones),
    *STRATEGIC_SCENARIOS,
)
"""Demo profile id -> how to plant a consignment it catches."""


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def generate(day: date, consignments: int, seed: int = 7, filers: Mapping[str, str] = DEMO_FILERS) -> Traffic:
    """Exactly `consignments` consignments filed on `day` (UTC), as native JSON filing dicts sorted by filing time.

    Deterministic: the same day, count, seed and filers give the same filings. `filers` names who files
    each mode ("air", "express", "sea"); a mode left out is filed with no filer (the API sets it).
    Repeat traders are the same party dict in every consignment they appear in: copy before changing one.
    """
    return generate_hours(_midnight(day), consignments, seed, filers)


def generate_hours(
    start: datetime, consignments: int, seed: int = 7, filers: Mapping[str, str] = DEMO_FILERS
) -> Traffic:
    """As `generate`, for the 24 hours from `start` (any moment, timezone-aware): the demo's last 24 hours."""
    if consignments < 1:
        raise ValueError("a demo day needs at least one consignment")
    if start.utcoffset() is None:
        raise ValueError("the start of the demo's hours must be timezone-aware")
    start = start.astimezone(UTC)
    collecting = gc.isenabled()
    gc.disable()  # a day is millions of small acyclic dicts: cyclic GC passes over them would double the time
    try:
        return _generate(_Day(start, seed, filers), start, consignments)
    finally:
        if collecting:
            gc.enable()


def _generate(d: _Day, start: datetime, consignments: int) -> Traffic:
    per_scenario = max(1, round(consignments * PLANTED_SHARE))
    traffic = Traffic(start, [])
    planted: list[Json] = []
    for profile_id, plant in SCENARIOS * per_scenario:
        if len(planted) >= consignments:
            break
        filing = plant(d)
        planted.append(filing)
        traffic.planted[(filing["document_number"], reference_of(filing["consignments"][0]))] = profile_id
    planted += ecommerce.plant(d, traffic, consignments - len(planted))
    remaining = consignments - len(planted)
    filings = planted
    while remaining > 0:
        filing = d.ordinary()
        if len(filing["consignments"]) > remaining:
            filing["consignments"] = filing["consignments"][:remaining]
        remaining -= len(filing["consignments"])
        filings.append(filing)
    filings.sort(key=lambda f: (f["filed_at"], f["document_number"]))
    traffic.filings = filings
    return traffic


def reference_of(consignment: Json) -> str:
    """The reference a consignment is known by: its house waybill, else its master document."""
    return consignment.get("house_document") or consignment["master_document"]


def generate_day(day: date, consignments: int, seed: int = 7, filers: Mapping[str, str] = DEMO_FILERS) -> list[Filing]:
    """The generated day as `Filing` objects, validated the way a received native JSON filing is (see `generate`)."""
    return filings_of(generate(day, consignments, seed, filers))


def filings_of(traffic: Traffic) -> list[Filing]:
    """A generated day's filings, validated as received native JSON filings are."""
    return [to_filing(f, filer=f.get("filer"), message_type="safelane-json") for f in traffic.filings]


def demo_day(today: date | None = None) -> date:
    """Yesterday (UTC): a whole past day, which the benchmarks load (the demo itself shows the last 24 hours)."""
    return (today or datetime.now(UTC).date()) - timedelta(days=1)

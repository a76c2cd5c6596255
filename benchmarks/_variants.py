"""Variant generators for the held-out screening evaluation: one per failure family, each seeded.

A tester's disturbances of a listed name, written from the kinds of error seen on filings (not from the
matcher's code): typing slips, another transliteration, a legal form abbreviated or spelt out, another word
order, accents, a dropped middle name, and identifier-like names (vessel names, aircraft registrations, IMO
numbers) written another way. Innocent company names are generated from word pools of several languages.
"""

import random
import re
from collections.abc import Callable

_KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm"
_TRANSLIT = [
    ("ou", "u"),
    ("u", "ou"),
    ("kh", "h"),
    ("h", "kh"),
    ("y", "i"),
    ("i", "y"),
    ("j", "dj"),
    ("dj", "j"),
    ("sh", "sch"),
    ("ee", "i"),
    ("ph", "f"),
    ("q", "k"),
    ("k", "q"),
    ("w", "v"),
    ("v", "w"),
    ("oo", "u"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("ch", "tch"),
    ("z", "s"),
    ("mohammed", "muhammad"),
    ("muhammad", "mohamed"),
    ("abdul", "abd al"),
    ("al-", "el-"),
    ("al ", "el "),
    ("ei", "ey"),
    ("ai", "ay"),
    ("x", "ks"),
    ("c", "k"),
]
_LEGAL = [
    ("COMPANY", "CO"),
    ("CO", "COMPANY"),
    ("LIMITED", "LTD"),
    ("LTD", "LIMITED"),
    ("S.A.", "SA"),
    ("SA", "S.A."),
    ("CORPORATION", "CORP"),
    ("CORP", "CORPORATION"),
    ("INCORPORATED", "INC"),
    ("INC", "INCORPORATED"),
    ("ESTABLISHMENT", "EST"),
    ("LLC", "L.L.C."),
    ("L.L.C.", "LLC"),
    ("GMBH", "G.M.B.H."),
    ("CO., LTD.", "COMPANY LIMITED"),
    ("JOINT STOCK COMPANY", "JSC"),
    ("JSC", "JOINT STOCK COMPANY"),
    ("S.A.R.L.", "SARL"),
    ("PJSC", "PUBLIC JOINT STOCK COMPANY"),
]
_ADDED_LEGAL = ["LTD", "LIMITED", "CO", "COMPANY", "LLC", "S.A.", "INC", "CO., LTD.", "FZE", "JSC"]
_ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íï", "o": "óôö", "u": "úüû", "n": "ñ", "c": "ç", "s": "ş", "g": "ğ"}


def _tokens(name: str) -> list[str]:
    return name.replace(",", " ").split()


def typo(name: str, rng: random.Random) -> str | None:
    """One slip in one word of five letters or more: a letter dropped, doubled, swapped or mistyped."""
    words = _tokens(name)
    long_ = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_:
        return None
    i = rng.choice(long_)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["drop", "double", "swap", "sub"])
    if kind == "drop":
        w = w[:p] + w[p + 1 :]
    elif kind == "double":
        w = w[:p] + w[p] + w[p:]
    elif kind == "swap":
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    else:
        row = next((r for r in _KEYBOARD.split() if w[p].lower() in r), "aeiou")
        k = row.index(w[p].lower()) if w[p].lower() in row else 0
        repl = row[min(len(row) - 1, k + 1)] if k == 0 else row[k - 1]
        w = w[:p] + (repl.upper() if w[p].isupper() else repl) + w[p + 1 :]
    words[i] = w
    return " ".join(words)


def translit(name: str, rng: random.Random) -> str | None:
    """Another romanisation of the same sounds (one or two substitutions)."""
    low = name.lower()
    rules = [r for r in _TRANSLIT if r[0] in low]
    if not rules:
        return None
    for a, b in rng.sample(rules, min(len(rules), rng.choice([1, 2]))):
        low = low.replace(a, b, 1)
    return low.upper() if name.isupper() else low.title()


def legal_form(name: str, rng: random.Random) -> str | None:
    """A legal form abbreviated or spelt out, added, or dropped (companies only)."""
    up = name.upper()
    found = [(a, b) for a, b in _LEGAL if re.search(rf"(?<![A-Z]){re.escape(a)}(?![A-Z])", up)]
    if found and rng.random() < 0.8:
        a, b = rng.choice(found)
        return re.sub(rf"(?<![A-Z]){re.escape(a)}(?![A-Z])", b, up, count=1)
    return f"{up} {rng.choice(_ADDED_LEGAL)}"


def word_order(name: str, rng: random.Random) -> str | None:
    words = _tokens(name)
    if len(words) < 2:
        return None
    if rng.random() < 0.5:
        return f"{words[-1]}, {' '.join(words[:-1])}"
    shuffled = words[:]
    while shuffled == words:
        rng.shuffle(shuffled)
    return " ".join(shuffled)


def accents(name: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(name) if ch.lower() in _ACCENTS]
    if not spots:
        return None
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.choice([1, 2, 3]))):
        repl = rng.choice(_ACCENTS[chars[i].lower()])
        chars[i] = repl.upper() if chars[i].isupper() else repl
    return "".join(chars)


def dropped_middle(name: str, rng: random.Random) -> str | None:
    words = _tokens(name)
    if len(words) < 3:
        return None
    del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def identifier(name: str, rng: random.Random) -> str | None:
    """A vessel name or aircraft registration written with other spacing, hyphens or case."""
    compact = re.sub(r"[^0-9A-Za-z]", "", name)
    choices = [compact, name.lower(), name.replace("-", " "), name.replace(" ", "-"), name]
    return rng.choice(choices)


def exact(name: str, rng: random.Random) -> str | None:
    return name


FAMILIES: dict[str, Callable[[str, random.Random], str | None]] = {
    "exact": exact,
    "typo": typo,
    "translit": translit,
    "legal_form": legal_form,
    "word_order": word_order,
    "accents": accents,
    "dropped_middle": dropped_middle,
    "identifier": identifier,
}

_CO_FIRST = [
    "Golden",
    "Blue Ocean",
    "Sunrise",
    "Evergreen",
    "Pacific",
    "Nordic",
    "Atlas",
    "Zenith",
    "Lotus",
    "Phoenix",
    "Silk Road",
    "Crescent",
    "Baltic",
    "Andes",
    "Sahara",
    "Himalaya",
    "Danube",
    "Aurora",
    "Orion",
    "Delta",
    "Shenzhen Huaxin",
    "Ningbo Yongli",
    "Guangzhou Tianhe",
    "Osaka Kogyo",
    "Busan Haeun",
    "Istanbul Deniz",
    "Dubai Al Noor",
    "Mumbai Shree",
    "Lagos Adeyemi",
    "Sao Paulo Brasilia",
    "Hamburg Elbe",
    "Rotterdam Maas",
    "Milano Lombarda",
    "Lyon Rhone",
    "Krakow Wisla",
    "Almaty Steppe",
    "Karachi Indus",
    "Hanoi Song Hong",
    "Jakarta Nusantara",
    "Casablanca Atlas",
    "Nairobi Savanna",
    "Lima Inca",
    "Monterrey Norte",
    "Tashkent Oasis",
]
_CO_TRADE = [
    "Trading",
    "Logistics",
    "Import Export",
    "Textiles",
    "Electronics",
    "Machinery",
    "Shipping",
    "Foods",
    "Chemicals",
    "Industrial",
    "Auto Parts",
    "Garments",
    "Steel",
    "Plastics",
    "Agro",
    "Pharma",
    "Furniture",
    "Ceramics",
    "Metals",
    "Freight",
    "Marine Services",
    "Packaging",
    "Technology",
    "Commodities",
]
_CO_FORM = [
    "Co., Ltd.",
    "Ltd",
    "LLC",
    "GmbH",
    "S.A.",
    "S.r.l.",
    "Sp. z o.o.",
    "Pvt Ltd",
    "FZE",
    "Inc",
    "Company",
    "A.S.",
    "B.V.",
    "S.A. de C.V.",
    "JSC",
    "Sdn Bhd",
    "PLC",
    "Limited",
    "Corporation",
    "Est",
]


def company_name(rng: random.Random) -> str:
    return f"{rng.choice(_CO_FIRST)} {rng.choice(_CO_TRADE)} {rng.choice(_CO_FORM)}"

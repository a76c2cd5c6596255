"""Which features a model builds: the methods switched on, and what the training data's mapping provides.

`Methods` are the switches (each can be turned off for an ablation or when it does not pay on some data).
`Spec` is what a trained model was built with, fitted from the training table: a field the mapping lacks
(or that is blank in every row) simply drops out, with every key and feature that needs it. Scoring uses the
model's spec, never the scored table's.
"""

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from safelane.risk.model.dataset import Table

#: Party and goods keys with a track record when the mapping provides their fields.
BASE_KEYS: tuple[tuple[str, ...], ...] = (
    ("importer",),
    ("declarant",),
    ("seller",),
    ("courier",),
    ("hs",),
    ("hs4",),
    ("office",),
    ("origin",),
    ("departure",),
    ("tax_type",),
    ("importer", "hs"),
    ("declarant", "importer"),
)
#: The tariff line as declared: HS code from an origin via a departure country under a tax type and rate.
TARIFF_LINE = ("hs", "origin", "departure", "tax_type", "tax_rate_code")
#: Declared codes used directly as categorical features, when present.
DECLARED_CATEGORIES = ("office", "mode", "tax_type", "origin", "departure", "hs2", "courier")
#: Levels of the HS code (digits), general to specific; the full code is the key `hs` itself.
HS_LEVELS = (2, 4, 6, 8)
#: Declared numbers and the numeric features each needs.
NUMBER_FEATURES = {
    "log_mass": ("mass",),
    "log_value": ("value",),
    "tax_rate": ("tax_rate",),
    "log_value_per_kg": ("mass", "value"),
    "log_duty": ("value", "tax_rate"),
}


@dataclass(frozen=True)
class Methods:
    """The methods that make a model carry over between administrations; all on by default."""

    every_code: bool = True  # a track record for every mapped code (extra codes, mode), not only the built-in
    hierarchy: bool = True  # HS 2 -> 4 -> 6 -> 8 -> 10 and declared parent codes smoothed level by level
    documents: bool = True  # lines of one document share an outcome and each other's records
    text: bool = True  # the goods description's word n-grams have track records
    tuning: bool = True  # hyper-parameters chosen on the time-ordered validation window

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def without(self, *names: str) -> "Methods":
        unknown = sorted(set(names) - set(self.names()))
        if unknown:
            raise ValueError(f"unknown method(s) {unknown}; known: {self.names()}")
        return replace(self, **{n: False for n in names})


def derived(table: Table, name: str) -> np.ndarray:
    """A field of the table, or one derived from it: `hsN` (the first N digits, blank when the code is
    shorter) and `tax_rate_code` (the declared rate as text)."""
    if name.startswith("hs") and name[2:].isdigit():
        digits = int(name[2:])
        return np.array([h[:digits] if len(h) >= digits else "" for h in table.cats["hs"]], dtype=object)
    if name == "tax_rate_code":
        return np.array(["" if r != r else f"{r:g}" for r in table.nums["tax_rate"]], dtype=object)
    return table.cats[name]


@dataclass(frozen=True)
class Spec:
    """The features of one model: track-record keys, level-by-level chains, categories, numbers, text."""

    track_keys: tuple[tuple[str, ...], ...]
    chains: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # (name, keys general -> specific)
    price_keys: tuple[tuple[str, ...], ...]
    categories: tuple[str, ...]
    numbers: tuple[str, ...]  # NUMBER_FEATURES present
    critical_keys: tuple[str, ...]  # single keys that also give a critical-fraud rate
    no_seller: bool
    text: bool
    documents: bool
    methods: Methods = Methods()

    @classmethod
    def fit(cls, table: Table, methods: Methods = Methods()) -> "Spec":
        present = _Presence(table)
        keys = [k for k in BASE_KEYS if all(present(f) for f in k)]
        line = [f for f in TARIFF_LINE if present(f)]
        tariff = [tuple(line[:depth]) for depth in range(1, len(line) + 1)] if line and line[0] == "hs" else []
        keys += [k for k in tariff if len(k) > 1]
        if methods.every_code:
            others = ("mode", *table.extra)
            keys += [(f,) for f in others if present(f) and (f,) not in keys]
        chains: list[tuple[str, tuple[tuple[str, ...], ...]]] = []
        hs_chain: list[tuple[str, ...]] = [("hs",)] if present("hs") else []
        if methods.hierarchy and hs_chain:
            levels = [(f"hs{d}",) for d in HS_LEVELS if present(f"hs{d}") and present.differs(f"hs{d}", "hs")]
            keys += [k for k in levels if k not in keys]
            hs_chain = [*levels, ("hs",)]
            chains.append(("hs", tuple(hs_chain)))
        for child in dict(table.parents) if methods.hierarchy else ():
            ancestry = _ancestry(child, dict(table.parents))
            if all(present(f) for f in ancestry):
                chain = tuple(tuple(ancestry[: i + 1]) for i in range(len(ancestry)))
                keys += [k for k in chain if k not in keys]
                chains.append((child, chain))
        if len(tariff) > 1:
            chains.append(("tariff_line", (*hs_chain[:-1], *tariff)))
        prices = [k for k in (("hs",), ("hs", "origin")) if all(present(f) for f in k)]
        numbers = [n for n, need in NUMBER_FEATURES.items() if all(present(f) for f in need)]
        return cls(
            track_keys=tuple(keys),
            chains=tuple(chains),
            price_keys=tuple(prices) if "log_value_per_kg" in numbers else (),
            categories=tuple(c for c in (*DECLARED_CATEGORIES, *table.extra) if present(c)),
            numbers=tuple(numbers),
            critical_keys=tuple(k for k in ("importer", "hs") if present(k)),
            no_seller=present("seller"),
            text=methods.text and table.descriptions is not None and bool((table.descriptions != "").any()),
            documents=methods.documents and table.documents is not None and bool((table.documents != "").any()),
            methods=methods,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Spec":
        def keys(items: list) -> tuple[tuple[str, ...], ...]:
            return tuple(tuple(k) for k in items)

        return cls(
            track_keys=keys(data["track_keys"]),
            chains=tuple((name, keys(chain)) for name, chain in data["chains"]),
            price_keys=keys(data["price_keys"]),
            categories=tuple(data["categories"]),
            numbers=tuple(data["numbers"]),
            critical_keys=tuple(data["critical_keys"]),
            no_seller=bool(data["no_seller"]),
            text=bool(data["text"]),
            documents=bool(data["documents"]),
            methods=Methods(**data["methods"]),
        )

    @property
    def fields(self) -> list[str]:
        return sorted({f for key in (*self.track_keys, *self.price_keys) for f in key})


def _ancestry(child: str, parents: dict[str, str]) -> list[str]:
    """[root, ..., parent, child] following declared parents (a cycle stops where it closes)."""
    chain = [child]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain[::-1]


class _Presence:
    """Whether the training table has a field at all (not blank in every row)."""

    def __init__(self, table: Table):
        self.table = table
        self._known: dict[str, bool] = {}

    def column(self, name: str) -> np.ndarray:
        return derived(self.table, name)

    def __call__(self, name: str) -> bool:
        if name not in self._known:
            if name in ("mass", "value", "tax_rate"):
                self._known[name] = bool((~np.isnan(self.table.nums[name])).any())
            elif name in self.table.cats or name == "tax_rate_code" or name.startswith("hs"):
                self._known[name] = bool((self.column(name) != "").any())
            else:
                self._known[name] = False
        return self._known[name]

    def differs(self, a: str, b: str) -> bool:
        """Whether field a says less than field b somewhere (an HS level that is not the full code)."""
        return bool((self.column(a) != self.column(b)).any())

"""Features customs analysts recognise, computed only from what was known before each declaration's date.

Two parts:

* `History`: track records of parties, goods and pairings (how many past inspections, how many found an
  irregularity), declaration counts, and the usual value per kg of an HS code (and HS code from an origin).
  Every lookup is **strictly past**: a row dated day d sees only history rows dated before d, never rows of
  its own day, never itself, never the future. A row that is not in the history (a row being scored) sees the
  whole history before its date. Labels enter only through history rows with a known outcome; rows
  without one (not inspected, or being scored) add to counts and value statistics but not to track records.
* `Encoder`: the declared codes (office, mode, tax type, countries, HS chapter, and the mapping's extra
  codes) as integer categories, fixed at training time so that scoring uses the same codes.

Rates are smoothed towards the strictly-past overall rate: (frauds + m * prior) / (inspections + m).
"""

from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from safelane.risk.model.dataset import Table

DAY_BITS = 20  # days since 1970 fit in 20 bits until the year 4840
#: log value per kg is kept in fixed point (1/65536), so that every sum is an exact integer: removing later
#: rows or reordering others can never change an earlier row's features, not even in the last bit.
PRICE_SCALE = 1 << 16
SMOOTHING = 5.0

#: The tariff line as declared: HS code from an origin via a departure country under a tax type and rate.
TARIFF_LINE = ("hs", "origin", "departure", "tax_type", "tax_rate_code")
#: Track-record keys: a field, or a combination of fields. `hs4`, `hs2` and `tax_rate_code` derive from others.
TRACK_KEYS: tuple[tuple[str, ...], ...] = (
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
    ("hs", "origin"),
    ("hs", "origin", "departure"),
    ("hs", "origin", "departure", "tax_type"),
    TARIFF_LINE,
)
#: Keys whose usual value per kg is computed (log scale mean and spread).
PRICE_KEYS: tuple[tuple[str, ...], ...] = (("hs",), ("hs", "origin"))
#: Declared codes used directly as categorical features.
DECLARED_CATEGORIES = ("office", "mode", "tax_type", "origin", "departure", "hs2", "courier")

# columns of the per-key statistics
_N_ALL, _N_LAB, _FRAUD, _CRIT, _N_UP, _S_UP, _S_UP2 = range(7)
_TRACK_COLUMNS = (_N_ALL, _N_LAB, _FRAUD, _CRIT)  # so that the constants above index a track lookup too


def key_name(key: tuple[str, ...]) -> str:
    return "+".join(key)


def derived(table: Table, name: str) -> np.ndarray:
    if name == "hs4":
        return np.array([h[:4] for h in table.cats["hs"]], dtype=object)
    if name == "hs2":
        return np.array([h[:2] for h in table.cats["hs"]], dtype=object)
    if name == "tax_rate_code":
        return np.array(["" if r != r else f"{r:g}" for r in table.nums["tax_rate"]], dtype=object)
    return table.cats[name]


def log_unit_price(table: Table) -> np.ndarray:
    """log(value / mass); nan where either is missing or not positive."""
    mass, value = table.nums["mass"], table.nums["value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        lup = np.log(value / mass)
    return np.where((mass > 0) & (value > 0), lup, np.nan)


def _codes(values: np.ndarray, vocab: dict[str, int]) -> np.ndarray:
    """Text codes to integers through a vocabulary; unknown and empty values give -1."""
    return np.fromiter(map(vocab.get, values, repeat(-1)), np.int64, len(values))


def _vocab(values: np.ndarray) -> dict[str, int]:
    uniques = [v for v in np.unique(values.astype(str)) if v]
    return {v: i for i, v in enumerate(uniques)}


@dataclass
class _KeyStats:
    """Per-(key, day) sums, sorted, as exclusive prefix sums: strictly-past lookups by two binary searches."""

    combined: np.ndarray  # int64 key << DAY_BITS | day, sorted, unique
    cumulative: np.ndarray  # int64 (7, len(combined) + 1): exclusive prefix sums of each statistic
    dense: np.ndarray | None = None  # sorted raw keys, when raw keys are too large to shift by DAY_BITS

    def lookup(self, keys: np.ndarray, days: np.ndarray, columns: tuple[int, ...] = tuple(range(7))) -> np.ndarray:
        """(rows, len(columns)) sums over (key, day) entries of the same key with day strictly before."""
        if self.dense is not None:
            keys = _densify(keys, self.dense)
        order = np.argsort(keys, kind="stable")  # sorted needles make the binary searches cache-friendly
        sorted_keys = keys[order] << DAY_BITS
        start = np.empty(len(keys), np.int64)
        stop = np.empty(len(keys), np.int64)
        start[order] = np.searchsorted(self.combined, sorted_keys, side="left")
        stop[order] = np.searchsorted(self.combined, sorted_keys | days[order], side="left")
        out = np.empty((len(keys), len(columns)))
        for j, c in enumerate(columns):
            out[:, j] = self.cumulative[c, stop] - self.cumulative[c, start]  # exact in int64, then float
        for j, c in enumerate(columns):
            if c == _S_UP:
                out[:, j] /= PRICE_SCALE
            elif c == _S_UP2:
                out[:, j] /= PRICE_SCALE * PRICE_SCALE
        out[keys < 0] = 0.0
        return out


@dataclass
class History:
    """What was known: track records and usual prices, as of any date (strictly before it)."""

    vocabs: dict[str, dict[str, int]]
    stats: dict[str, _KeyStats]
    first_day: int
    last_day: int
    rows: int
    labelled: int

    @classmethod
    def build(cls, table: Table) -> "History":
        fields = sorted({f for key in (*TRACK_KEYS, *PRICE_KEYS) for f in key})
        vocabs = {f: _vocab(derived(table, f)) for f in fields}
        codes = {f: _codes(derived(table, f), vocabs[f]) for f in fields}
        values = np.zeros((len(table), 7), np.int64)
        values[:, _N_ALL] = 1.0
        labelled = table.fraud >= 0
        values[:, _N_LAB] = labelled
        values[:, _FRAUD] = table.fraud == 1
        values[:, _CRIT] = table.critical == 2
        lup = log_unit_price(table)
        has_price = ~np.isnan(lup)
        values[:, _N_UP] = has_price
        fixed = np.where(has_price, np.round(np.nan_to_num(lup) * PRICE_SCALE), 0).astype(np.int64)
        values[:, _S_UP] = fixed
        values[:, _S_UP2] = fixed * fixed
        stats = {"all": _aggregate(np.zeros(len(table), np.int64), table.days, values)}
        for key in dict.fromkeys((*TRACK_KEYS, *PRICE_KEYS)):
            raw = _combine(key, codes, vocabs)
            dense = None
            if _bound(key, vocabs) >= 1 << (62 - DAY_BITS):  # many distinct values: number the ones seen
                dense = np.unique(raw[raw >= 0])
                raw = _densify(raw, dense)
            stats[key_name(key)] = _aggregate(raw, table.days, values)
            stats[key_name(key)].dense = dense
        days = table.days
        return cls(
            vocabs,
            stats,
            int(days.min()) if len(days) else 0,
            int(days.max()) if len(days) else 0,
            len(table),
            int(labelled.sum()),
        )

    def field_codes(self, table: Table) -> dict[str, np.ndarray]:
        return {f: _codes(derived(table, f), vocab) for f, vocab in self.vocabs.items()}

    def lookup(
        self,
        table: Table,
        key: tuple[str, ...] | None,
        codes: dict[str, np.ndarray] | None = None,
        columns: tuple[int, ...] = tuple(range(7)),
    ) -> np.ndarray:
        """(rows, columns) sums over history rows with the same key, dated strictly before each row.

        The result has all 7 statistics as columns unless `columns` picks some."""
        if key is None:
            return self.stats["all"].lookup(np.zeros(len(table), np.int64), table.days, columns)
        if codes is None:
            codes = {f: _codes(derived(table, f), self.vocabs[f]) for f in key}
        return self.stats[key_name(key)].lookup(_combine(key, codes, self.vocabs), table.days, columns)


def _bound(key: tuple[str, ...], vocabs: dict[str, dict[str, int]]) -> int:
    """An upper bound of the raw combined codes of `key` (Python integers: no overflow)."""
    bound = 1
    for f in key:
        bound *= len(vocabs[f]) + 1
    return bound


def _combine(key: tuple[str, ...], codes: dict[str, np.ndarray], vocabs: dict[str, dict[str, int]]) -> np.ndarray:
    """One int64 code per row for a combination of fields (mixed radix); -1 where any field is unknown."""
    if _bound(key, vocabs) >= 1 << 62:
        raise ValueError(f"key {key} has too many possible values to combine; use fewer fields")
    out = codes[key[0]].copy()
    for f in key[1:]:
        size = len(vocabs[f]) + 1
        out = np.where((out < 0) | (codes[f] < 0), -1, out * size + codes[f])
    return out


def _densify(raw: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Raw codes to their position among the codes seen in the history; -1 for codes never seen."""
    if not len(dense):
        return np.full(len(raw), -1, np.int64)
    position = np.minimum(np.searchsorted(dense, raw), len(dense) - 1)
    return np.where((raw >= 0) & (dense[position] == raw), position, -1).astype(np.int64)


def _aggregate(keys: np.ndarray, days: np.ndarray, values: np.ndarray) -> _KeyStats:
    keep = keys >= 0
    combined = (keys[keep] << DAY_BITS) | days[keep]
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(ordered) else order
    uniques = ordered[starts]
    cumulative = np.zeros((values.shape[1], len(uniques) + 1), np.int64)
    if len(uniques):
        sums = np.add.reduceat(values[keep][order], starts, axis=0)  # int64: exact
        np.cumsum(sums.T, axis=1, out=cumulative[:, 1:])
    return _KeyStats(uniques, cumulative)


@dataclass
class Encoder:
    """Declared codes to integer categories, fixed when the model is trained."""

    vocabs: dict[str, dict[str, int]] = field(default_factory=dict)
    extra: tuple[str, ...] = ()

    @classmethod
    def fit(cls, table: Table, min_count: int = 5) -> "Encoder":
        vocabs = {}
        for name in (*DECLARED_CATEGORIES, *table.extra):
            values, counts = np.unique(derived(table, name).astype(str), return_counts=True)
            frequent = [v for v, c in zip(values, counts, strict=True) if c >= min_count and v]
            vocabs[name] = {v: i for i, v in enumerate(frequent)}
        return cls(vocabs, tuple(table.extra))

    @property
    def categories(self) -> list[str]:
        return list(self.vocabs)


def feature_names(encoder: Encoder) -> list[str]:
    names = [f"declared:{c}" for c in encoder.categories]
    names += [
        "declared:log_mass",
        "declared:log_value",
        "declared:tax_rate",
        "declared:log_value_per_kg",
        "declared:log_duty",
        "declared:no_seller",
        "history:overall_rate",
    ]
    for key in TRACK_KEYS:
        k = key_name(key)
        names += [f"track:{k}:inspections", f"track:{k}:rate"]
        if len(key) == 1:
            names += [f"track:{k}:declarations"]
    names += ["track:importer:critical_rate", "track:hs:critical_rate", "track:tariff_line:nested_rate"]
    for key in PRICE_KEYS:
        k = key_name(key)
        names += [f"price:{k}:log_ratio", f"price:{k}:z"]
    return names


def build_matrix(table: Table, history: History, encoder: Encoder) -> np.ndarray:
    """The feature matrix (float32, nan for unknown); columns follow `feature_names(encoder)`."""
    n = len(table)
    columns: list[np.ndarray] = []
    for name in encoder.categories:
        codes = _codes(derived(table, name), encoder.vocabs[name]).astype(np.float32)
        codes[codes < 0] = np.nan
        columns.append(codes)
    mass, value, rate = table.nums["mass"], table.nums["value"], table.nums["tax_rate"]
    lup = log_unit_price(table)
    with np.errstate(divide="ignore", invalid="ignore"):
        columns += [
            np.log1p(np.where(mass >= 0, mass, np.nan)),
            np.log1p(np.where(value >= 0, value, np.nan)),
            rate,
            lup,
            np.log1p(np.where(value * rate >= 0, value * rate / 100.0, np.nan)),
            (table.cats["seller"] == "").astype(np.float32),
        ]
    field_codes = history.field_codes(table)
    overall = history.lookup(table, None, columns=_TRACK_COLUMNS)
    prior = (overall[:, _FRAUD] + 1.0) / (overall[:, _N_LAB] + 5.0)  # weakly smoothed even with no history
    columns.append(prior)
    crit_prior = (overall[:, _CRIT] + 0.1) / (overall[:, _N_LAB] + 5.0)
    critical: dict[str, np.ndarray] = {}
    found: dict[tuple[str, ...], np.ndarray] = {}
    for key in TRACK_KEYS:
        stats = found[key] = history.lookup(table, key, field_codes, columns=_TRACK_COLUMNS)
        inspections = stats[:, _N_LAB]
        columns += [inspections, (stats[:, _FRAUD] + SMOOTHING * prior) / (inspections + SMOOTHING)]
        if len(key) == 1:
            columns.append(stats[:, _N_ALL])
        if key in (("importer",), ("hs",)):
            critical[key[0]] = (stats[:, _CRIT] + SMOOTHING * crit_prior) / (inspections + SMOOTHING)
    columns += [critical["importer"], critical["hs"]]
    rate = prior  # the tariff line smoothed level by level: HS, then from the origin, via the route, ...
    for depth in range(1, len(TARIFF_LINE) + 1):
        key = TARIFF_LINE[:depth]
        if key in found:
            stats = found[key]
            rate = (stats[:, _FRAUD] + SMOOTHING * rate) / (stats[:, _N_LAB] + SMOOTHING)
    columns.append(rate)
    for key in PRICE_KEYS:
        stats = history.lookup(table, key, field_codes, columns=(_N_UP, _S_UP, _S_UP2))
        count = stats[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = stats[:, 1] / count
            var = stats[:, 2] / count - mean * mean
            ratio = np.where(count >= 1, lup - mean, np.nan)
            z = np.where(count >= 3, ratio / np.sqrt(np.maximum(var, 1e-4)), np.nan)
        columns += [ratio, z]
    matrix = np.empty((n, len(columns)), np.float32)
    for j, column in enumerate(columns):
        matrix[:, j] = column
    return matrix

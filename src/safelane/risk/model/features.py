"""Features customs analysts recognise, computed only from what was known before each declaration's date.

Two parts:

* `History`: track records of parties, goods and pairings (how many past inspections, how many found an
  irregularity), declaration counts, and the usual value per kg of an HS code (and HS code from an origin).
  Every lookup is **strictly past**: a row dated day d sees only history rows dated before d, never rows of
  its own day, never itself, never the future. A row that is not in the history (a row being scored) sees the
  whole history before its date. Labels enter only through history rows with a known outcome; rows
  without one (not inspected, or being scored) add to counts and value statistics but not to track records.
* `Encoder`: the declared codes (office, mode, tax type, countries, HS chapter, and the mapping's extra
  codes) as integer categories, and the model's `Spec` (which keys and features it builds), fixed at
  training time so that scoring uses the same codes and features.

Rates are smoothed towards the strictly-past overall rate: (frauds + m * prior) / (inspections + m).
"""

from dataclasses import dataclass, field
from functools import cache
from itertools import repeat

import numpy as np

from safelane.risk.model import text
from safelane.risk.model.dataset import Table
from safelane.risk.model.methods import Methods, Spec, derived

DAY_BITS = 20  # days since 1970 fit in 20 bits until the year 4840
#: log value per kg is kept in fixed point (1/65536), so that every sum is an exact integer: removing later
#: rows or reordering others can never change an earlier row's features, not even in the last bit.
PRICE_SCALE = 1 << 16
SMOOTHING = 5.0
TEXT = "text"  # the stats of the description's hashed n-grams

# columns of the per-key statistics
_N_ALL, _N_LAB, _FRAUD, _CRIT, _N_UP, _S_UP, _S_UP2 = range(7)
_TRACK_COLUMNS = (_N_ALL, _N_LAB, _FRAUD, _CRIT)  # so that the constants above index a track lookup too


def key_name(key: tuple[str, ...]) -> str:
    return "+".join(key)


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


#: divisors that turn each statistic's exact integer sum into its value (fixed-point price sums back to logs)
_SCALE = np.array([1, 1, 1, 1, 1, PRICE_SCALE, PRICE_SCALE * PRICE_SCALE], np.float64)
_ALL_COLUMNS = tuple(range(7))
#: from this many needles on, sorting them first pays for itself (cache-friendly binary searches)
_SORT_FROM = 256


@dataclass
class _KeyStats:
    """Per-(key, day) sums, sorted, as exclusive prefix sums: strictly-past lookups by two binary searches."""

    combined: np.ndarray  # int64 key << DAY_BITS | day, sorted, unique
    cumulative: np.ndarray  # int64 (7, len(combined) + 1): exclusive prefix sums of each statistic
    dense: np.ndarray | None = None  # sorted raw keys, when raw keys are too large to shift by DAY_BITS

    def lookup(self, keys: np.ndarray, days: np.ndarray, columns: tuple[int, ...] = _ALL_COLUMNS) -> np.ndarray:
        """(rows, len(columns)) sums over (key, day) entries of the same key with day strictly before.

        A fixed handful of NumPy calls whatever the number of columns: one consignment is scored with ~30
        look-ups, so their per-call cost, not the searches, is what counts."""
        if self.dense is not None:
            keys = _densify(keys, self.dense)
        shifted = keys << DAY_BITS  # an unknown key (-1) stays negative: both bounds 0, all sums 0
        needles = np.concatenate([shifted, shifted | days])  # each row's first entry, then its first of day d
        if len(needles) >= _SORT_FROM:
            order = np.argsort(needles, kind="stable")
            bounds = np.empty(len(needles), np.int64)
            bounds[order] = np.searchsorted(self.combined, needles[order], side="left")
        else:
            bounds = np.searchsorted(self.combined, needles, side="left")
        rows, scale = _picked(columns)
        at = self.cumulative[rows, bounds]
        return (at[:, len(keys) :] - at[:, : len(keys)]).T / scale  # exact int64 sums, then float64


@cache
def _picked(columns: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `cumulative` to gather for `columns`, and their divisors."""
    return np.array(columns)[:, None], _SCALE[list(columns)]


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
    def build(cls, table: Table, spec: Spec | None = None) -> "History":
        """The history of `table` for the keys of `spec` (by default, fitted from the table itself)."""
        spec = spec or Spec.fit(table)
        fields = spec.fields
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
        for key in dict.fromkeys((*spec.track_keys, *spec.price_keys)):
            raw = _combine(key, codes, vocabs)
            dense = None
            if _bound(key, vocabs) >= 1 << (62 - DAY_BITS):  # many distinct values: number the ones seen
                dense = np.unique(raw[raw >= 0])
                raw = _densify(raw, dense)
            stats[key_name(key)] = _aggregate(raw, table.days, values)
            stats[key_name(key)].dense = dense
        if spec.text and table.descriptions is not None:
            rows, buckets = text.hashed(table.descriptions)
            stats[TEXT] = _aggregate(buckets, table.days[rows], values[rows])
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
        columns: tuple[int, ...] = _ALL_COLUMNS,
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
    """Declared codes to integer categories, and the features to build, fixed when the model is trained."""

    vocabs: dict[str, dict[str, int]] = field(default_factory=dict)
    extra: tuple[str, ...] = ()
    spec: Spec | None = None

    @classmethod
    def fit(cls, table: Table, min_count: int = 5, methods: Methods = Methods()) -> "Encoder":
        spec = Spec.fit(table, methods)
        vocabs = {}
        for name in spec.categories:
            values, counts = np.unique(derived(table, name).astype(str), return_counts=True)
            frequent = [v for v, c in zip(values, counts, strict=True) if c >= min_count and v]
            vocabs[name] = {v: i for i, v in enumerate(frequent)}
        return cls(vocabs, tuple(table.extra), spec)

    @property
    def categories(self) -> list[str]:
        return list(self.vocabs)

    @property
    def features(self) -> Spec:
        if self.spec is None:
            raise ValueError("an encoder without a feature spec: fit it on a table")
        return self.spec


def feature_names(encoder: Encoder) -> list[str]:
    spec = encoder.features
    names = [f"declared:{c}" for c in encoder.categories]
    names += [f"declared:{n}" for n in spec.numbers]
    if spec.no_seller:
        names.append("declared:no_seller")
    names.append("history:overall_rate")
    for key in spec.track_keys:
        k = key_name(key)
        names += [f"track:{k}:inspections", f"track:{k}:rate"]
        if len(key) == 1:
            names += [f"track:{k}:declarations"]
    names += [f"track:{k}:critical_rate" for k in spec.critical_keys]
    names += [f"track:{name}:nested_rate" for name, _ in spec.chains]
    for key in spec.price_keys:
        k = key_name(key)
        names += [f"price:{k}:log_ratio", f"price:{k}:z"]
    if spec.text:
        names += ["text:best_rate", "text:mean_rate", "text:inspected_ngrams"]
    if spec.documents:
        names += ["document:lines"] + [f"document:{name}:worst_line" for name, _ in spec.chains]
    return names


def build_matrix(table: Table, history: History, encoder: Encoder) -> np.ndarray:
    """The feature matrix (float32, nan for unknown); columns follow `feature_names(encoder)`."""
    spec = encoder.features
    n = len(table)
    columns: list[np.ndarray] = []
    for name in encoder.categories:
        codes = _codes(derived(table, name), encoder.vocabs[name]).astype(np.float32)
        codes[codes < 0] = np.nan
        columns.append(codes)
    mass, value, rate = table.nums["mass"], table.nums["value"], table.nums["tax_rate"]
    with np.errstate(divide="ignore", invalid="ignore"):
        numbers = {
            "log_mass": lambda: np.log1p(np.where(mass >= 0, mass, np.nan)),
            "log_value": lambda: np.log1p(np.where(value >= 0, value, np.nan)),
            "tax_rate": lambda: rate,
            "log_value_per_kg": lambda: log_unit_price(table),
            "log_duty": lambda: np.log1p(np.where(value * rate >= 0, value * rate / 100.0, np.nan)),
        }
        columns += [numbers[name]() for name in spec.numbers]
    if spec.no_seller:
        columns.append((table.cats["seller"] == "").astype(np.float32))
    field_codes = history.field_codes(table)
    overall = history.lookup(table, None, columns=_TRACK_COLUMNS)
    prior = (overall[:, _FRAUD] + 1.0) / (overall[:, _N_LAB] + 5.0)  # weakly smoothed even with no history
    columns.append(prior)
    crit_prior = (overall[:, _CRIT] + 0.1) / (overall[:, _N_LAB] + 5.0)
    found: dict[tuple[str, ...], np.ndarray] = {}
    for key in spec.track_keys:
        stats = found[key] = history.lookup(table, key, field_codes, columns=_TRACK_COLUMNS)
        inspections = stats[:, _N_LAB]
        columns += [inspections, (stats[:, _FRAUD] + SMOOTHING * prior) / (inspections + SMOOTHING)]
        if len(key) == 1:
            columns.append(stats[:, _N_ALL])
    for k in spec.critical_keys:
        stats = found[(k,)]
        columns.append((stats[:, _CRIT] + SMOOTHING * crit_prior) / (stats[:, _N_LAB] + SMOOTHING))
    nested = {name: nested_rate(chain, found, prior) for name, chain in spec.chains}
    columns += list(nested.values())
    lup = log_unit_price(table)
    for key in spec.price_keys:
        stats = history.lookup(table, key, field_codes, columns=(_N_UP, _S_UP, _S_UP2))
        count = stats[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = stats[:, 1] / count
            var = stats[:, 2] / count - mean * mean
            ratio = np.where(count >= 1, lup - mean, np.nan)
            z = np.where(count >= 3, ratio / np.sqrt(np.maximum(var, 1e-4)), np.nan)
        columns += [ratio, z]
    if spec.text:
        columns += list(text_features(table, history, prior))
    if spec.documents:
        columns += document_features(table, list(nested.values()))
    matrix = np.empty((n, len(columns)), np.float32)
    for j, column in enumerate(columns):
        matrix[:, j] = column
    return matrix


def nested_rate(chain: tuple[tuple[str, ...], ...], found: dict[tuple[str, ...], np.ndarray], prior: np.ndarray):
    """A code's rate smoothed level by level: each level's record pulls towards the level above it, so a
    rare ten-digit code borrows from its subheading, heading and chapter rather than from the overall rate."""
    rate = prior
    for key in chain:
        stats = found[key]
        rate = (stats[:, _FRAUD] + SMOOTHING * rate) / (stats[:, _N_LAB] + SMOOTHING)
    return rate


def text_features(table: Table, history: History, prior: np.ndarray) -> tuple[np.ndarray, ...]:
    """Best and mean smoothed rate over a description's n-grams, and how many were inspected before."""
    n = len(table)
    best, mean, seen = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n)
    if table.descriptions is None or TEXT not in history.stats:
        return best, mean, seen
    rows, buckets = text.hashed(table.descriptions)
    if not len(rows):
        return best, mean, seen
    stats = history.stats[TEXT].lookup(buckets, table.days[rows], _TRACK_COLUMNS)
    rate = (stats[:, _FRAUD] + SMOOTHING * prior[rows]) / (stats[:, _N_LAB] + SMOOTHING)
    best[:] = -np.inf
    np.maximum.at(best, rows, rate)
    total, count = np.zeros(n), np.bincount(rows, minlength=n)
    np.add.at(total, rows, rate)
    np.add.at(seen, rows, stats[:, _N_LAB] > 0)
    with np.errstate(invalid="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    best[count == 0] = np.nan
    return best, mean, seen


def document_features(table: Table, rates: list[np.ndarray]) -> list[np.ndarray]:
    """Lines of one document share a fate: its number of lines, and for each level-by-level rate the worst
    line's. Only lines scored together are seen (a document is lodged as one)."""
    n = len(table)
    groups = np.arange(n)  # a line without a document (or a table without them) is a document of one line
    named = np.zeros(n, bool) if table.documents is None else table.documents != ""
    if named.any() and table.documents is not None:
        _, inverse = np.unique(table.documents[named].astype(str), return_inverse=True)
        groups[named] = n + inverse
    _, group = np.unique(groups, return_inverse=True)
    if not n:
        return [np.zeros(0) for _ in range(len(rates) + 1)]
    out = [np.bincount(group).astype(np.float64)[group]]
    for rate in rates:
        worst = np.full(group.max() + 1, -np.inf)
        np.maximum.at(worst, group, rate)
        out.append(worst[group])
    return out

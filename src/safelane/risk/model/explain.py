"""Explanations an officer can read: per-row contributions of the trees, grouped by what they are about, the
strongest put in plain sentences with the facts behind them.

    importer QLRUBN9: 7 of 9 past inspections found an irregularity
    value per kg 12x lower than usual for HS 690722 from CN

Contributions are path attributions (Saabas): along each tree's decision path, the change in the node's
expected score is credited to the feature split on. They sum exactly to the row's margin minus the model's
base score, cost one leaf lookup per tree (so they are as fast as scoring), and are precomputed per leaf and
per group. LightGBM's exact TreeSHAP (`pred_contrib`) gives similar rankings but is ~100 times slower here.
"""

from dataclasses import dataclass

import numpy as np

from safelane.risk.model import text
from safelane.risk.model.dataset import Table
from safelane.risk.model.features import _FRAUD, _N_LAB, _TRACK_COLUMNS, TEXT, derived, key_name, log_unit_price
from safelane.risk.model.train import TrainedModel

LABELS = {
    "importer": "importer",
    "declarant": "declarant",
    "seller": "seller",
    "courier": "courier",
    "hs": "HS",
    "hs4": "HS heading",
    "hs2": "HS chapter",
    "office": "office",
    "origin": "origin",
    "departure": "departure country",
    "tax_type": "tax type",
    "tax_rate_code": "tax rate",
    "mode": "mode",
}
#: Track records of the tariff line at growing detail; explained together, by the most detailed one on record.
TARIFF_LINE_KEYS = (
    "hs+origin+departure+tax_type+tax_rate_code",
    "hs+origin+departure+tax_type",
    "hs+origin+departure",
    "hs+origin",
)


#: rows explained in one gather: bounds its (rows, trees, groups) temporary to a few MB
ROWS_AT_ONCE = 256


@dataclass(frozen=True)
class Reason:
    group: str  # e.g. "track:importer", "price:hs+origin", "declared:tax_type"
    contribution: float  # log-odds this group adds to the score
    text: str

    def as_dict(self) -> dict:
        return {"feature": self.group, "contribution": round(self.contribution, 3), "text": self.text}


def group_of(name: str) -> str:
    kind, _, rest = name.partition(":")
    if kind in ("track", "price"):
        key = rest.split(":")[0]
        return "track:tariff_line" if kind == "track" and key in TARIFF_LINE_KEYS else f"{kind}:{key}"
    if kind == "declared" and rest == "log_value_per_kg":
        return "price:declared"
    if kind in ("text", "document"):
        return kind
    return f"{kind}:{rest}"


class Attribution:
    """Per-leaf group contributions of a booster, so that a row's are a sum of one lookup per tree."""

    def __init__(self, model: TrainedModel):
        self.groups = sorted({group_of(n) for n in model.names})
        index = {g: i for i, g in enumerate(self.groups)}
        feature_group = [index[group_of(n)] for n in model.names]
        trees = model.booster.dump_model()["tree_info"]
        width = max((t["num_leaves"] for t in trees), default=1)
        self.table = np.zeros((len(trees), width, len(self.groups)))
        for t, tree in enumerate(trees):
            stack = [(tree["tree_structure"], np.zeros(len(self.groups)))]
            while stack:
                node, credit = stack.pop()
                if "leaf_index" in node:
                    self.table[t, node["leaf_index"]] = credit
                    continue
                value, group = node["internal_value"], feature_group[node["split_feature"]]
                for side in ("left_child", "right_child"):
                    child = node[side]
                    child_value = child.get("internal_value", child.get("leaf_value", value))
                    step = credit.copy()
                    step[group] += child_value - value
                    stack.append((child, step))
        self.model = model

    def __call__(self, matrix: np.ndarray) -> np.ndarray:
        leaves = np.asarray(self.model.booster.predict(matrix, pred_leaf=True, num_threads=1), dtype=np.int64)
        leaves = leaves.reshape(len(matrix), -1)
        trees = np.arange(leaves.shape[1])
        out = np.empty((len(matrix), len(self.groups)))
        for lo in range(0, len(matrix), ROWS_AT_ONCE):  # one gather over all trees per block of rows
            out[lo : lo + ROWS_AT_ONCE] = self.table[trees, leaves[lo : lo + ROWS_AT_ONCE]].sum(axis=1)
        return out


def attribution(model: TrainedModel) -> Attribution:
    cached = getattr(model, "_attribution", None)
    if cached is None:
        cached = Attribution(model)
        model._attribution = cached  # type: ignore[attr-defined]
    return cached


def explain(model: TrainedModel, table: Table, matrix: np.ndarray | None = None, *, top: int = 3) -> list[list[Reason]]:
    """The `top` groups that raise each row's score most, as sentences. Rows with none get an empty list."""
    if not len(table):
        return []
    if matrix is None:
        matrix = model.matrix(table.without_labels())
    credit = attribution(model)
    grouped = credit(matrix)
    groups = credit.groups
    if "history:overall_rate" in groups:  # the base rate of the day is no reason about this consignment
        grouped[:, groups.index("history:overall_rate")] = 0.0
    order = np.argsort(-grouped, axis=1)[:, :top]
    facts = _Facts(model, table)
    out: list[list[Reason]] = []
    for row in range(len(table)):
        reasons = []
        for g in order[row]:
            value = float(grouped[row, g])
            if value <= 0:
                break
            reasons.append(Reason(groups[g], value, facts.sentence(groups[g], row)))
        out.append(reasons)
    return out


def _describe(field: str, value: str) -> str:
    if field == "tax_rate_code":
        return f"tax rate {value} %"
    return f"{LABELS.get(field, field.replace('_', ' '))} {value}"


class _Facts:
    """The raw facts behind a group, looked up only for the groups that need them."""

    def __init__(self, model: TrainedModel, table: Table):
        self.model, self.table = model, table
        self._track: dict[str, np.ndarray] = {}
        self._lup = log_unit_price(table)
        spec = model.encoder.features
        self._keys = {key_name(k): k for k in (*spec.track_keys, *spec.price_keys)}
        self._chains = dict(spec.chains)
        self._columns: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            self._columns[name] = derived(self.table, name)
        return self._columns[name]

    def subject(self, key: tuple[str, ...], row: int) -> str:
        return ", ".join(_describe(f, str(self.column(f)[row]) or "(blank)") for f in key)

    def track(self, name: str) -> np.ndarray:
        if name not in self._track:
            self._track[name] = self.model.history.lookup(self.table, self._keys[name])
        return self._track[name]

    def _record(self, name: str, row: int) -> str:
        stats = self.track(name)[row]
        subject = self.subject(self._keys[name], row)
        inspections, frauds = int(stats[_N_LAB]), int(stats[_FRAUD])
        if inspections == 0:
            return f"{subject}: no past inspection on record"
        return f"{subject}: {frauds} of {inspections} past inspections found an irregularity"

    def sentence(self, group: str, row: int) -> str:
        kind, _, name = group.partition(":")
        t = self.table
        if kind == "track" and (name in self._chains or name not in self._keys):
            chain = [key_name(k) for k in self._chains.get(name, ())][::-1]
            if name == "tariff_line" and not chain:
                chain = [k for k in TARIFF_LINE_KEYS if k in self._keys]
            for key in chain:  # the most detailed level with a record
                if self.track(key)[row][_N_LAB] > 0:
                    return self._record(key, row)
            if chain:
                return self._record(chain[0] if name in self._keys else chain[-1], row)
        if kind == "track":
            return self._record(name, row)
        if group == "text":
            return self._text(row)
        if group == "document":
            document = "" if t.documents is None else str(t.documents[row])
            lines = int((t.documents == document).sum()) if t.documents is not None and document else 1
            return f"document {document or '(none)'}: {lines} line(s), the riskiest line's record weighs"
        if kind == "price" and name in self._keys:
            stats = self.track(name)[row]
            usual = self.subject(self._keys[name], row)
            if stats[4] < 1 or np.isnan(self._lup[row]):
                return f"no usual value per kg on record for {usual}"
            ratio = float(np.exp(self._lup[row] - stats[5] / stats[4]))
            if ratio < 1:
                return f"value per kg {1 / ratio:.1f}x lower than usual for {usual}"
            return f"value per kg {ratio:.1f}x the usual for {usual}"
        if kind == "price":
            value, mass = t.nums["value"][row], t.nums["mass"][row]
            return f"value per kg {value / mass:,.4g}" if mass and mass > 0 else "value per kg unknown (no mass)"
        if name == "log_mass":
            return f"net mass {t.nums['mass'][row]:,.6g} kg"
        if name == "log_value":
            return f"declared value {t.nums['value'][row]:,.0f}"
        if name == "tax_rate":
            return f"tax rate {t.nums['tax_rate'][row]:g} %"
        if name == "log_duty":
            duty = t.nums["value"][row] * t.nums["tax_rate"][row] / 100.0
            return f"duty at stake {duty:,.0f} (value x tax rate)"
        if name == "no_seller":
            return "no seller declared" if t.cats["seller"][row] == "" else "seller declared"
        value = str(self.column(name)[row]) or "(blank)"
        return f"declared {_describe(name, value)}"

    def _text(self, row: int) -> str:
        description = "" if self.table.descriptions is None else str(self.table.descriptions[row])
        _, buckets = text.hashed(np.array([description], dtype=object))
        if not len(buckets) or TEXT not in self.model.history.stats:
            return "goods description: no wording on record"
        days = np.full(len(buckets), self.table.days[row])
        stats = self.model.history.stats[TEXT].lookup(buckets, days, _TRACK_COLUMNS)
        best = int(np.argmax((stats[:, _FRAUD] + 1.0) / (stats[:, _N_LAB] + 2.0)))
        gram = text.best_gram(description, int(buckets[best]))
        inspections, frauds = int(stats[best, _N_LAB]), int(stats[best, _FRAUD])
        return f"goods description with '{gram}': {frauds} of {inspections} past inspections found an irregularity"


def sentences(reasons: list[Reason]) -> str:
    return "; ".join(r.text for r in reasons) if reasons else "no factor raises the risk above the usual"

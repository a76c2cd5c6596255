"""Train the fraud model: LightGBM on leakage-free features, early stopping and calibration on a later window.

Reproducible: fixed seed, deterministic LightGBM, one thread unless told otherwise. The same inputs give a
byte-identical booster.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np

from safelane.risk.model.calibrate import Platt
from safelane.risk.model.dataset import Table, concat
from safelane.risk.model.evaluate import evaluate
from safelane.risk.model.features import TEXT, Encoder, History, _KeyStats, build_matrix, feature_names, key_name
from safelane.risk.model.methods import Methods, Spec
from safelane.risk.model.tuning import Trial, choose

DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.2,
    "num_leaves": 63,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_cat_to_onehot": 8,
    "cat_smooth": 10.0,
    "verbose": -1,
    "deterministic": True,
    "force_row_wise": True,
}
_DATASET = {"feature_pre_filter": False}  # the tuning candidates differ in min_data_in_leaf
MAX_ROUNDS = 2000
PATIENCE = 50
#: Candidate settings tried when tuning (on top of DEFAULT_PARAMS): fast and coarse to slow and smooth.
#: Chosen per training run on the time-ordered validation window (`tuning.choose`: the cheapest within the
#: noise of the best average precision), never by hand.
CANDIDATES: tuple[dict[str, Any], ...] = (
    {},
    {"learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 20},
    {"learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 80, "feature_fraction": 0.6},
)


def raw_margin(booster: lgb.Booster, matrix: np.ndarray, num_threads: int = 1) -> np.ndarray:
    """The booster's raw scores (log-odds) as an array: LightGBM's predict is typed for sparse input too."""
    return np.asarray(booster.predict(matrix, raw_score=True, num_threads=num_threads))


class TrainingError(ValueError):
    pass


class IncompatibleModel(ValueError):
    """The artefact was trained with another feature set than this code builds: retrain it."""


@dataclass
class TrainedModel:
    booster: lgb.Booster
    encoder: Encoder
    history: History  # what scoring looks up: every labelled row the model learnt from, train and validation
    calibration: Platt
    names: list[str]
    info: dict[str, Any] = field(default_factory=dict)
    critical_booster: lgb.Booster | None = None  # second head: P(critical, e.g. a seizure), when labels allow
    critical_calibration: Platt | None = None

    @property
    def categorical(self) -> list[int]:
        return [i for i, n in enumerate(self.names) if n.startswith("declared:") and n[9:] in self.encoder.vocabs]

    def matrix(self, table: Table) -> np.ndarray:
        return build_matrix(table, self.history, self.encoder)

    def margin(self, matrix: np.ndarray, num_threads: int = 1) -> np.ndarray:
        return raw_margin(self.booster, matrix, num_threads)

    # -- artefact bytes ------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        arrays: dict[str, np.ndarray] = {}
        for name, stats in self.history.stats.items():
            arrays[f"{name}/combined"] = stats.combined
            arrays[f"{name}/cumulative"] = stats.cumulative
            if stats.dense is not None:
                arrays[f"{name}/dense"] = stats.dense
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        meta = {
            "format": 1,
            "names": self.names,
            "info": self.info,
            "calibration": {"a": self.calibration.a, "b": self.calibration.b},
            "critical_calibration": None
            if self.critical_calibration is None
            else {"a": self.critical_calibration.a, "b": self.critical_calibration.b},
            "encoder": {
                "vocabs": [[name, vocab] for name, vocab in self.encoder.vocabs.items()],  # order matters
                "extra": list(self.encoder.extra),
                "spec": self.encoder.features.as_dict(),
            },
            "history": {
                "vocabs": self.history.vocabs,
                "first_day": self.history.first_day,
                "last_day": self.history.last_day,
                "rows": self.history.rows,
                "labelled": self.history.labelled,
            },
        }
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("meta.json", json.dumps(meta, sort_keys=True))
            archive.writestr("booster.txt", self.booster.model_to_string())
            archive.writestr("history.npz", buffer.getvalue())
            if self.critical_booster is not None:
                archive.writestr("critical.txt", self.critical_booster.model_to_string())
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TrainedModel":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            meta = json.loads(archive.read("meta.json"))
            booster = lgb.Booster(model_str=archive.read("booster.txt").decode())
            arrays = np.load(io.BytesIO(archive.read("history.npz")))
            critical = (
                lgb.Booster(model_str=archive.read("critical.txt").decode())
                if "critical.txt" in archive.namelist()
                else None
            )
            stats: dict[str, dict[str, np.ndarray]] = {}
            for key in arrays.files:
                name, part = key.rsplit("/", 1)
                stats.setdefault(name, {})[part] = arrays[key]
        h = meta["history"]
        key_stats = {n: _KeyStats(s["combined"], s["cumulative"], s.get("dense")) for n, s in stats.items()}
        history = History(h["vocabs"], key_stats, h["first_day"], h["last_day"], h["rows"], h["labelled"])
        try:
            spec = Spec.from_dict(meta["encoder"]["spec"])
        except (KeyError, TypeError) as error:
            raise IncompatibleModel("the model was trained before feature specs; train a new version") from error
        vocabs = {name: vocab for name, vocab in meta["encoder"]["vocabs"]}
        encoder = Encoder(vocabs, tuple(meta["encoder"]["extra"]), spec)
        if meta["names"] != feature_names(encoder) or set(stats) != set(_expected_stats(spec)):
            raise IncompatibleModel(
                "the model was trained with a different feature set than this version of "
                "safelane builds; train a new version"
            )
        critical_calibration = Platt(**meta["critical_calibration"]) if meta.get("critical_calibration") else None
        return cls(
            booster,
            encoder,
            history,
            Platt(**meta["calibration"]),
            meta["names"],
            meta["info"],
            critical,
            critical_calibration if critical is not None else None,
        )


def _expected_stats(spec: Spec) -> list[str]:
    names = ["all", *(key_name(k) for k in (*spec.track_keys, *spec.price_keys))]
    return [*names, TEXT] if spec.text else names


def share_outcomes(table: Table) -> Table:
    """A line whose outcome was not recorded takes its document's (an irregularity on any line is the
    document's). A line's own recorded outcome is kept: where the data says which line was irregular,
    relabelling its clean neighbours would teach the model a fact the inspection did not find."""
    if table.documents is None or not (table.documents != "").any():
        return table
    named = np.flatnonzero(table.documents != "")
    _, group = np.unique(table.documents[named].astype(str), return_inverse=True)
    out = table.take(np.arange(len(table)))
    for labels in (out.fraud, out.critical):
        worst = np.full(group.max() + 1, -1, np.int8)
        np.maximum.at(worst, group, labels[named])
        labels[named] = np.where(labels[named] >= 0, labels[named], worst[group])
    return out


def split_by_date(table: Table, share: float = 0.2) -> tuple[Table, Table]:
    """The last `share` of the days (by row count) as validation, the rest as training; no day is split, and
    so no document (its lines carry its first line's date)."""
    order = np.argsort(table.days, kind="stable")
    cut_day = table.days[order[int(len(order) * (1 - share))]] if len(order) else 0
    return table.take(np.flatnonzero(table.days < cut_day)), table.take(np.flatnonzero(table.days >= cut_day))


def train(
    table: Table,
    valid: Table | None = None,
    *,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    num_threads: int = 1,
    max_rounds: int = MAX_ROUNDS,
    source: str = "",
    methods: Methods = Methods(),
) -> TrainedModel:
    """Fit on `table`'s labelled rows; stop early and calibrate on `valid` (or on the latest 20 % of days).

    Training rows' features look only at training rows dated strictly before them; validation rows look at
    training rows and validation rows dated strictly before them. The model then scores with the history of
    both. With `methods.tuning`, each of CANDIDATES is fitted and the one with the fewest trees among those
    within the noise of the best validation average precision is kept (`tuning.choose`).
    """
    if valid is None:
        table, valid = split_by_date(table)
    if (table.fraud >= 0).sum() < 20 or len({int(v) for v in table.fraud[table.fraud >= 0]}) < 2:
        raise TrainingError("training needs at least 20 inspected rows with both outcomes")
    encoder = Encoder.fit(table, methods=methods)
    spec = encoder.features
    if spec.documents:
        table, valid = share_outcomes(table), share_outcomes(valid)
    names = feature_names(encoder)
    history_train = History.build(table, spec)
    everything = concat([table, valid])
    history = History.build(everything, spec)
    fit_rows = np.flatnonzero(table.fraud >= 0)
    x_train = build_matrix(table.take(fit_rows), history_train, encoder)
    y_train = table.fraud[fit_rows].astype(np.float64)
    valid_rows = np.flatnonzero(valid.fraud >= 0)
    x_valid = build_matrix(valid.take(valid_rows), history, encoder)
    y_valid = valid.fraud[valid_rows].astype(np.float64)
    settings = {**DEFAULT_PARAMS, "seed": seed, "num_threads": num_threads}
    settings["min_data_in_leaf"] = min(settings["min_data_in_leaf"], max(3, len(fit_rows) // 20))  # small stores
    settings.update(params or {})
    categorical = [i for i, n in enumerate(names) if n.startswith("declared:") and n[9:] in encoder.vocabs]
    train_set = lgb.Dataset(
        x_train,
        y_train,
        feature_name=_safe(names),
        categorical_feature=categorical,
        free_raw_data=False,
        params=_DATASET,
    )
    callbacks: list[Callable[..., Any]] = []
    valid_sets: list[lgb.Dataset] = []
    if len(valid_rows) >= 20 and 0 < y_valid.sum() < len(y_valid):
        valid_sets = [lgb.Dataset(x_valid, y_valid, reference=train_set, params=_DATASET)]
        callbacks = [lgb.early_stopping(PATIENCE, verbose=False)]
    tried: list[tuple[lgb.Booster, dict[str, Any]]] = []
    for candidate in CANDIDATES if methods.tuning and valid_sets else CANDIDATES[:1]:
        trial = {**settings, **candidate, **(params or {})}
        trial["min_data_in_leaf"] = min(trial["min_data_in_leaf"], max(3, len(fit_rows) // 20))
        booster = lgb.train(
            trial, train_set, max_rounds if valid_sets else 300, valid_sets=valid_sets, callbacks=callbacks
        )
        if valid_sets and booster.best_iteration > 0:
            booster = lgb.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
        tried.append((booster, trial))
    choice = None
    if valid_sets:
        trials = [Trial(raw_margin(b, x_valid, num_threads), b.num_trees()) for b, _ in tried]
        choice = choose(trials, y_valid, valid.days[valid_rows], seed=seed)
    booster, settings = tried[choice.winner if choice else 0]
    calibration = Platt()
    reference = None
    if valid_sets:
        valid_margin = raw_margin(booster, x_valid, num_threads)
        calibration = Platt.fit(valid_margin, y_valid)
        probability = calibration(valid_margin)
        reference = {
            "quantiles": np.quantile(probability, np.linspace(0.1, 0.9, 9)).round(6).tolist(),
            "mean_score": float(probability.mean()),
            "hit_rate": float(y_valid.mean()),
            "rows": len(y_valid),
        }
    critical = _critical_head(
        table.critical[fit_rows], valid.critical[valid_rows], train_set, x_train, x_valid, settings, max_rounds
    )
    info = {
        "seed": seed,
        "params": settings,
        "rounds": booster.num_trees(),
        "source": source,
        "methods": {name: getattr(methods, name) for name in Methods.names()},
        "tuning": [
            {**(choice.report[i] if choice else {"trees": b.num_trees()}), **{k: t[k] for k in CANDIDATES[1]}}
            for i, (b, t) in enumerate(tried)
        ],
        "tuning_choice": choice.reason if choice else "no validation window: the default settings",
        "critical_head": None if critical is None else {"rounds": critical[0].num_trees()},
        "window": {"from": _iso(int(everything.days.min())), "to": _iso(int(everything.days.max()))},
        "training_window": {"from": _iso(int(table.days.min())), "to": _iso(int(table.days.max()))},
        "validation_window": {"from": _iso(int(valid.days.min())), "to": _iso(int(valid.days.max()))}
        if len(valid)
        else None,
        "rows": {"train": len(fit_rows), "valid": len(valid_rows), "history": len(everything)},
        "fraud_rate": float(np.concatenate([y_train, y_valid]).mean()),
        "reference": reference,  # validation-window score distribution, for drift reports
    }
    return TrainedModel(booster, encoder, history, calibration, names, info, *(critical or (None, None)))


def validation_metrics(model: TrainedModel, valid: Table, rates: list[float]) -> dict[str, Any]:
    """Scores of the validation rows as the model saw them (each with the history strictly before it)."""
    rows = np.flatnonzero(valid.fraud >= 0)
    if not len(rows):
        return {}
    part = valid.take(rows)
    margin = model.margin(model.matrix(part.without_labels()))
    return evaluate(model.calibration(margin), part.fraud, critical=part.critical, rates=rates)


def _critical_head(
    train_labels: np.ndarray,
    valid_labels: np.ndarray,
    train_set: lgb.Dataset,
    x_train: np.ndarray,
    x_valid: np.ndarray,
    settings: dict[str, Any],
    max_rounds: int,
) -> tuple[lgb.Booster, Platt] | None:
    """A second booster for critical cases (label 2), trained only when every training row says whether it
    was critical and there are enough of them (20 in training, 5 in validation) to learn and to check."""
    if (train_labels < 0).any() or (valid_labels < 0).any():
        return None
    y_train, y_valid = (train_labels == 2).astype(float), (valid_labels == 2).astype(float)
    if y_train.sum() < 20 or y_valid.sum() < 5:
        return None
    data = lgb.Dataset(x_train, y_train, reference=train_set, params=_DATASET)
    check = lgb.Dataset(x_valid, y_valid, reference=train_set, params=_DATASET)
    booster = lgb.train(
        settings, data, max_rounds, valid_sets=[check], callbacks=[lgb.early_stopping(PATIENCE, verbose=False)]
    )
    if booster.best_iteration > 0:
        booster = lgb.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
    margin = raw_margin(booster, x_valid, settings.get("num_threads", 1))
    return booster, Platt.fit(margin, y_valid)


def _safe(names: list[str]) -> list[str]:
    """LightGBM feature names may not hold JSON's special characters."""
    return [n.replace(":", "__").replace("+", "_x_") for n in names]


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))

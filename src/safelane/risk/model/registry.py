"""The model registry, seen from the model's side: register a trained model with its card, load the active one.

Storage lives in `safelane.store.models` (the repository); this module builds the card and the metrics and
turns stored bytes back into a `TrainedModel`, reloading when the active version changes.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from safelane.risk.model.train import IncompatibleModel, TrainedModel
from safelane.store import Database
from safelane.store import models as model_store
from safelane.store.refreshing import Refreshing

DEFAULT_NAME = "fraud"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    version_id: str
    name: str
    number: int
    model: TrainedModel

    @property
    def label(self) -> str:
        return f"{self.name}:{self.number}"


def card(model: TrainedModel, *, name: str, source: str, metrics: dict[str, Any]) -> str:
    info = model.info
    lines = [
        f"# Model card: {name}",
        "",
        "**What it does.** Scores each consignment with the probability that an inspection finds an irregularity "
        "(LightGBM, calibrated by Platt scaling on the validation window). It ranks consignments for selection; "
        "it does not decide alone.",
        "",
        f"**Trained from.** {source}",
        "",
        f"- training window: {info['training_window']['from']} to {info['training_window']['to']}",
        f"- validation window: {(info.get('validation_window') or {}).get('from')} to "
        f"{(info.get('validation_window') or {}).get('to')}",
        f"- rows: {info['rows']['train']} training, {info['rows']['valid']} validation (inspected rows only); "
        f"history of {info['rows']['history']} declarations",
        f"- fraud rate in the labelled rows: {info['fraud_rate']:.3f}",
        f"- seed {info['seed']}, {info['rounds']} trees",
        "- methods: "
        + (", ".join(f"{k} {'on' if v else 'off'}" for k, v in (info.get("methods") or {}).items()) or "built-in"),
        f"- critical-case head: {info['critical_head']['rounds']} trees"
        if info.get("critical_head")
        else "- critical-case head: none (too few critical cases, or no such label)",
        "",
        *_tuning_lines(info),
        "**Features.** Declared codes and amounts; value per kg against the usual for the HS code (and origin); "
        "track records of parties, goods and tariff lines from past inspection outcomes, strictly before each "
        "declaration's date and smoothed for small counts. Full list in the registry row.",
        "",
        "**Validation metrics.**",
        "",
    ]
    for rate, row in (metrics.get("at") or {}).items():
        lines.append(f"- precision@{rate} %: {row['precision']:.3f}, recall@{rate} %: {row['recall']:.3f}")
    if metrics.get("auc") is not None:
        lines.append(f"- AUC: {metrics['auc']:.3f}")
    lines += [
        "",
        "**Limits.** Learns only from inspected consignments, so it inherits the bias of past "
        "selection; keep an exploration share. Track records need history: new traders score on their "
        "declared fields alone. Check drift (`safelane model drift`) before trusting it on new periods.",
    ]
    return "\n".join(lines) + "\n"


def register(
    db: Database,
    model: TrainedModel,
    *,
    source: str,
    metrics: dict[str, Any],
    actor: str,
    at: datetime,
    name: str = DEFAULT_NAME,
    activate: bool = False,
) -> dict[str, Any]:
    window = model.info["window"]
    with db.write() as conn:
        row = model_store.add_version(
            conn,
            name=name,
            artefact=model.to_bytes(),
            source=source,
            window_from=date.fromisoformat(window["from"]),
            window_to=date.fromisoformat(window["to"]),
            features=model.names,
            metrics=metrics,
            card=card(model, name=name, source=source, metrics=metrics),
            actor=actor,
            at=at,
        )
        if activate:
            model_store.activate(conn, row["version_id"], actor=actor, at=at)
            row["status"] = "active"
    return row


def load(row: dict[str, Any]) -> LoadedModel:
    return LoadedModel(row["version_id"], row["name"], row["number"], TrainedModel.from_bytes(row["artefact"]))


class StoredModel(Refreshing[LoadedModel | None]):
    """The active model in the database, reloaded when activation or rollback changes it."""

    def __init__(self, db: Database, name: str = DEFAULT_NAME, check_every: float = 1.0):
        self.name = name
        super().__init__(db, model_store.active_marker, self._active, None, check_every)

    def _active(self, conn: sa.Connection) -> LoadedModel | None:
        row = model_store.active(conn, self.name)
        if row is None:
            return None
        try:
            return load(row)
        except IncompatibleModel as error:  # never stop the pipeline; say so in the log
            log.error("active model %s:%s not used: %s", row["name"], row["number"], error)
            return None


def _tuning_lines(info: dict[str, Any]) -> list[str]:
    """Each candidate's validation score with its bootstrap noise, and why the winner was kept."""
    tried = info.get("tuning") or []
    if not any("average_precision" in t for t in tried):
        return []
    lines = ["**Tuning** (validation average precision ± bootstrap standard error over validation days).", ""]
    for number, t in enumerate(tried, 1):
        lines.append(
            f"- candidate {number}: learning rate {t['learning_rate']}, {t['num_leaves']} leaves, {t['trees']} "
            f"trees: {t['average_precision']:.4f} ± {t['standard_error']:.4f}, short of the best by "
            f"{t['short_of_best']:.4f} ± {t['short_of_best_standard_error']:.4f}"
        )
    return [*lines, f"- kept: {info.get('tuning_choice')}", ""]

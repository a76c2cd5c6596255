"""Drift: are recent scores and realised hit rates still like those of the window the model was checked on?

Reference: the calibrated scores of the validation window, kept in the model as deciles, with its hit rate.
Recent: a table of declarations (a file, or the store), scored now. The report gives

* the population stability index (PSI) of the recent scores over the reference deciles (< 0.1 stable,
  0.1-0.25 moderate shift, >= 0.25 major shift: retrain or investigate);
* mean score, recent against reference;
* where recent outcomes are known (inspected rows): the realised hit rate against the mean predicted
  probability of the same rows (calibration drift), and against the reference hit rate.
"""

import numpy as np

from safelane.risk.model.dataset import Table
from safelane.risk.model.predict import score
from safelane.risk.model.train import TrainedModel


def psi(expected_share: np.ndarray, actual_share: np.ndarray) -> float:
    e = np.clip(expected_share, 1e-4, None)
    a = np.clip(actual_share, 1e-4, None)
    return float(np.sum((a - e) * np.log(a / e)))


def report(model: TrainedModel, recent: Table) -> dict:
    reference = model.info.get("reference")
    if not reference:
        raise ValueError("this model kept no reference distribution (trained without a validation window)")
    outcome = recent.fraud.copy()  # kept apart: scoring below never sees it
    probability = score(model, recent).probability
    cuts = np.asarray(reference["quantiles"])
    counts = np.bincount(np.searchsorted(cuts, probability, side="right"), minlength=len(cuts) + 1)
    actual = counts / max(1, len(probability))
    expected = np.full(len(cuts) + 1, 1.0 / (len(cuts) + 1))
    value = psi(expected, actual)
    labelled = outcome >= 0
    out: dict = {
        "rows": len(recent),
        "from": str(np.datetime64(int(recent.days.min()), "D")) if len(recent) else None,
        "to": str(np.datetime64(int(recent.days.max()), "D")) if len(recent) else None,
        "training_window": model.info.get("training_window"),
        "validation_window": model.info.get("validation_window"),
        "psi": round(value, 4),
        "verdict": "stable" if value < 0.1 else "moderate shift" if value < 0.25 else "major shift",
        "share_per_reference_decile": [round(float(x), 4) for x in actual],
        "mean_score": {
            "recent": round(float(probability.mean()), 4) if len(probability) else None,
            "reference": round(reference["mean_score"], 4),
        },
        "labelled_rows": int(labelled.sum()),
    }
    if labelled.any():
        out["hit_rate"] = {
            "realised": round(float((outcome[labelled] == 1).mean()), 4),
            "predicted": round(float(probability[labelled].mean()), 4),
            "reference": round(reference["hit_rate"], 4),
        }
    return out

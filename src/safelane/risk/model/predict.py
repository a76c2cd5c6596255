"""Scoring: calibrated fraud probabilities for a table of declarations, vectorised over the batch.

Scoring never reads labels: it strips them from the table before building features, so a file with or
without label columns (or with shuffled ones) gives the same scores.
"""

from dataclasses import dataclass

import numpy as np

from safelane.risk.model.dataset import Table
from safelane.risk.model.train import TrainedModel, raw_margin


@dataclass
class Scores:
    ids: np.ndarray
    probability: np.ndarray  # calibrated, 0..1
    margin: np.ndarray  # the booster's raw score (log-odds before calibration)
    matrix: np.ndarray  # the features, kept for explanations
    critical: np.ndarray | None = None  # calibrated P(critical case), when asked for and the model has the head


def score(model: TrainedModel, table: Table, num_threads: int = 1, *, critical: bool = False) -> Scores:
    table = table.without_labels()
    matrix = model.matrix(table)
    margin = model.margin(matrix, num_threads=num_threads)
    second = None
    if critical and model.critical_booster is not None and model.critical_calibration is not None:
        second = model.critical_calibration(raw_margin(model.critical_booster, matrix, num_threads))
    return Scores(table.ids, model.calibration(margin), margin, matrix, second)

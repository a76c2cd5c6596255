"""Calibration: turn the booster's raw margins into probabilities that match observed hit rates.

Platt scaling (a logistic fit of the outcome on the margin), fitted on rows the booster was not trained on
(the validation window). It is monotone, so the ranking, and so precision@k, is unchanged.
"""

from dataclasses import dataclass

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) without overflow: on nearly separable outcomes Newton's steps make |z| large."""
    return np.exp(-np.logaddexp(0.0, -z))


@dataclass(frozen=True)
class Platt:
    a: float = 1.0
    b: float = 0.0

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        return _sigmoid(self.a * margin + self.b)

    @classmethod
    def fit(cls, margin: np.ndarray, outcome: np.ndarray, iterations: int = 50) -> "Platt":
        """Newton's method on the log-loss, with Platt's target smoothing against overconfidence."""
        margin = np.asarray(margin, np.float64)
        y = np.asarray(outcome, np.float64)
        positives, negatives = y.sum(), len(y) - y.sum()
        if positives == 0 or negatives == 0:
            return cls()
        target = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (negatives + 2))
        a, b = 1.0, 0.0
        for _ in range(iterations):
            p = _sigmoid(a * margin + b)
            w = np.maximum(p * (1 - p), 1e-12)
            g = np.array([np.sum((p - target) * margin), np.sum(p - target)])
            h = np.array([[np.sum(w * margin * margin), np.sum(w * margin)], [np.sum(w * margin), np.sum(w)]])
            h += np.eye(2) * 1e-9
            step = np.linalg.solve(h, g)
            a, b = a - step[0], b - step[1]
            if np.abs(step).max() < 1e-9:
                break
        return cls(float(a), float(b))


def reliability(probability: np.ndarray, outcome: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted probability against the observed rate, per equal-width probability bin."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probability, edges) - 1, 0, bins - 1)
    table = []
    for i in range(bins):
        mask = which == i
        if mask.any():
            table.append(
                {
                    "from": float(edges[i]),
                    "to": float(edges[i + 1]),
                    "rows": int(mask.sum()),
                    "predicted": float(probability[mask].mean()),
                    "observed": float(outcome[mask].mean()),
                }
            )
    return table

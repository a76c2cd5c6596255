"""Metrics on scores already made: precision and recall at inspection rates, AUC, revenue proxy.

This module never scores. `evaluate` takes scores (made without labels, by `predict.score`) and the outcomes
and measures; keeping the two steps apart is what makes the measurement honest.

Revenue proxy: the Korea Customs data carries no recovered-revenue label. We use Item Price x Tax Rate / 100
summed over the frauds caught, as a share of that sum over all frauds. It is our construct, not an upstream
metric.
"""

from collections.abc import Sequence

import numpy as np

DEFAULT_RATES = (1.0, 2.0, 5.0, 10.0)


def top_k(scores: np.ndarray, rate: float) -> np.ndarray:
    """Indices of the top `rate` % by score (ties broken by position, so the result is deterministic)."""
    k = max(1, round(len(scores) * rate / 100.0))
    return np.argsort(-np.asarray(scores), kind="stable")[:k]


def auc(scores: np.ndarray, outcome: np.ndarray) -> float:
    """Area under the ROC curve by ranks (ties share their average rank)."""
    y = np.asarray(outcome) > 0
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = np.asarray(scores)[order]
    boundaries = np.flatnonzero(np.diff(sorted_scores)) + 1
    starts = np.concatenate([[0], boundaries])
    stops = np.concatenate([boundaries, [len(scores)]])
    average = (starts + stops + 1) / 2.0
    ranks[order] = np.repeat(average, stops - starts)
    return float((ranks[y].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def evaluate(
    scores: np.ndarray,
    fraud: np.ndarray,
    *,
    critical: np.ndarray | None = None,
    revenue: np.ndarray | None = None,
    rates: Sequence[float] = DEFAULT_RATES,
) -> dict:
    """Precision@k %, recall@k %, critical recall@k %, revenue proxy@k % and AUC over labelled rows."""
    scores = np.asarray(scores, np.float64)
    fraud = np.asarray(fraud)
    known = fraud >= 0
    scores, y = scores[known], fraud[known] > 0
    out: dict = {
        "rows": len(y),
        "frauds": int(y.sum()),
        "fraud_rate": float(y.mean()) if len(y) else None,
        "auc": auc(scores, y),
        "at": {},
    }
    crit = None if critical is None else np.asarray(critical)[known] == 2
    money = None if revenue is None else np.nan_to_num(np.asarray(revenue, np.float64)[known]) * y
    for rate in rates:
        picked = top_k(scores, rate)
        row = {
            "k": len(picked),
            "precision": float(y[picked].mean()),
            "recall": float(y[picked].sum() / max(1, y.sum())),
        }
        if crit is not None:
            row["critical_recall"] = float(crit[picked].sum() / max(1, crit.sum()))
        if money is not None:
            row["revenue_proxy"] = float(money[picked].sum() / max(money.sum(), 1e-12))
        out["at"][f"{rate:g}"] = row
    return out


def revenue_proxy(value: np.ndarray, tax_rate: np.ndarray) -> np.ndarray:
    """Item Price x Tax Rate / 100: the duty a declaration carries (our proxy for revenue at risk)."""
    return np.nan_to_num(np.asarray(value) * np.asarray(tax_rate) / 100.0)

"""Choosing among tuning candidates: the cheapest one whose validation score is within the noise of the best.

A bigger model that beats a smaller one on one validation window by less than that window's own sampling
noise has not shown it is better, yet it costs more on every consignment scored. The noise is estimated by
a paired bootstrap over validation days (rows of one day share traders, goods and documents, so they are
drawn together), with a fixed seed: the same validation window gives the same choice.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

RESAMPLES = 200
#: Below this many validation days a day-level bootstrap has too few units; rows are drawn instead.
MIN_DAYS = 10


@dataclass(frozen=True)
class Trial:
    """One fitted candidate as the choice sees it."""

    margin: np.ndarray  # its score of each validation row (any monotone scale)
    cost: int  # trees in its booster: what scoring one consignment costs


@dataclass(frozen=True)
class Choice:
    winner: int
    report: list[dict[str, Any]]  # per candidate: score, its noise, gap to the best and that gap's noise
    reason: str


def average_precision(score: np.ndarray, outcome: np.ndarray) -> float:
    """Mean precision at each irregularity, ranked by score (ties in a stable order)."""
    order = np.argsort(-score, kind="stable")
    hits = outcome[order] > 0
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def choose(
    trials: list[Trial], outcome: np.ndarray, days: np.ndarray, *, seed: int = 0, resamples: int = RESAMPLES
) -> Choice:
    """The cheapest trial whose average precision falls short of the best by no more than the bootstrap
    standard error of that shortfall (the best itself always qualifies); ties in cost go to the earlier."""
    scores = np.array([average_precision(t.margin, outcome) for t in trials])
    best = int(np.argmax(scores))  # the first of equal scores
    draws = np.array(
        [
            [average_precision(t.margin[rows], outcome[rows]) for t in trials]
            for rows in _resamples(days, resamples, seed)
        ]
    )
    own = draws.std(axis=0) if len(draws) else np.zeros(len(trials))
    gap_noise = (draws[:, [best]] - draws).std(axis=0) if len(draws) else np.zeros(len(trials))
    gap = scores[best] - scores
    within = [i for i in range(len(trials)) if gap[i] <= gap_noise[i] or i == best]
    winner = min(within, key=lambda i: (trials[i].cost, i))
    report = [
        {
            "average_precision": round(float(scores[i]), 4),
            "standard_error": round(float(own[i]), 4),
            "short_of_best": round(float(gap[i]), 4),
            "short_of_best_standard_error": round(float(gap_noise[i]), 4),
            "trees": trials[i].cost,
        }
        for i in range(len(trials))
    ]
    return Choice(winner, report, _reason(winner, best, report))


def _resamples(days: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    """Row indices of `count` bootstrap samples: whole days drawn with replacement (rows when days are few)."""
    rng = np.random.default_rng(seed)
    unique, group = np.unique(days, return_inverse=True)
    if len(unique) < MIN_DAYS:
        return [rng.integers(0, len(days), len(days)) for _ in range(count)] if len(days) > 1 else []
    order = np.argsort(group, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(group))[:-1])
    return [np.concatenate([members[g] for g in rng.integers(0, len(unique), len(unique))]) for _ in range(count)]


def _reason(winner: int, best: int, report: list[dict[str, Any]]) -> str:
    chosen, top = report[winner], report[best]
    if len(report) == 1:
        return "the only candidate (tuning off)"
    if winner == best:
        return (
            f"candidate {winner + 1} has the best validation average precision ({top['average_precision']:.4f}) "
            "and no cheaper candidate is within the noise of it"
        )
    return (
        f"candidate {winner + 1} ({chosen['trees']} trees) is the cheapest within the noise of the best, "
        f"candidate {best + 1} ({top['trees']} trees): short of it by {chosen['short_of_best']:.4f}, no more than "
        f"the bootstrap standard error of that gap ({chosen['short_of_best_standard_error']:.4f})"
    )

"""Pick consignments for inspection under a budget, keeping a share for exploration.

A model trained only on what it already suspects learns nothing about the rest. `pick` spends
(1 - explore) of the budget on the highest scores and the remainder on an exploration sample drawn from the
rest of the batch:

* "random": uniformly at random (an unbiased compliance sample, so realised hit rates can be estimated);
* "uncertainty": with probability proportional to p (1 - p), favouring consignments the model is least sure
  about, where an outcome teaches it most, without picking only the same few.

Seeded: the same scores, budget and seed always pick the same consignments. Pure: no I/O, no clock.
"""

from collections.abc import Sequence

import numpy as np

STRATEGIES = ("random", "uncertainty")


def budget_size(rows: int, rate: float) -> int:
    """How many of `rows` a budget of `rate` % (0-100) inspects, rounded, at least one if any."""
    return min(rows, max(1 if rows else 0, round(rows * rate / 100.0)))


def pick(
    scores: Sequence[float] | np.ndarray, budget: int, *, explore: float = 0.0, strategy: str = "random", seed: int = 0
) -> np.ndarray:
    """Indices to inspect: the top (budget - explored) by score, then `explore` x budget by `strategy`.

    `scores` are probabilities (0..1) for the uncertainty strategy; any monotone score works otherwise.
    Returns indices in the order picked (exploitation first).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if not 0.0 <= explore <= 1.0:
        raise ValueError("explore is a share of the budget, between 0 and 1")
    scores = np.asarray(scores, np.float64)
    budget = max(0, min(int(budget), len(scores)))
    explored = round(budget * explore)
    exploit = budget - explored
    order = np.argsort(-scores, kind="stable")
    chosen = order[:exploit]
    if explored:
        rest = order[exploit:]
        rng = np.random.default_rng(seed)
        if strategy == "random":
            weights = None
        else:
            p = np.clip(scores[rest], 0.0, 1.0)
            weights = p * (1.0 - p) + 1e-9
            weights = weights / weights.sum()
        chosen = np.concatenate([chosen, rng.choice(rest, size=explored, replace=False, p=weights)])
    return chosen.astype(np.int64)

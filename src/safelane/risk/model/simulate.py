"""Protocol O: the model in service, week by week, under an inspection budget.

Start from a labelled history (e.g. 2020). Then for each week of the stream (e.g. 2021-H1): score the week's
declarations (without labels), pick `budget` % of them with a selection strategy, reveal the outcomes of the
picked ones only, add the week to the history (unpicked rows stay unlabelled, as in real life) and retrain.
Strategies compared on cumulative frauds found and revenue proxy (Item Price x Tax Rate / 100 of frauds
found; our proxy, not an upstream figure):

* exploit: the whole budget on the top scores;
* random: the whole budget at random (the floor);
* explore: (1 - share) on the top scores, `share` by uncertainty sampling (see `safelane.selection.budget`).
"""

from collections.abc import Sequence

import numpy as np

from safelane.risk.model.dataset import UNKNOWN, Table, concat
from safelane.risk.model.evaluate import revenue_proxy
from safelane.risk.model.predict import score
from safelane.risk.model.train import train
from safelane.selection.budget import budget_size, pick

STRATEGY_SETTINGS = {"exploit": (0.0, "random"), "random": (1.0, "random"), "explore": (None, "uncertainty")}


def weeks(table: Table) -> list[np.ndarray]:
    """Row indices per ISO-like week (Monday to Sunday), in date order."""
    monday = (table.days - 4) // 7  # 1970-01-01 was a Thursday; day 4 was Monday 1970-01-05
    return [np.flatnonzero(monday == w) for w in np.unique(monday)]


def simulate(
    history: Table,
    stream: Table,
    *,
    strategy: str,
    budget: float = 10.0,
    explore: float = 0.1,
    seed: int = 0,
    retrain_every: int = 1,
) -> dict:
    share, how = STRATEGY_SETTINGS[strategy]
    share = explore if share is None else share
    truth_fraud, truth_critical = stream.fraud.copy(), stream.critical.copy()  # the oracle, kept apart
    revenue = revenue_proxy(stream.nums["value"], stream.nums["tax_rate"]) * (truth_fraud == 1)
    known = history
    model = train(known, seed=seed, source=f"protocol O {strategy}")
    found = inspected = critical_found = 0
    revenue_found = 0.0
    per_week = []
    for number, rows in enumerate(weeks(stream)):
        batch = stream.take(rows).without_labels()
        probability = score(model, batch).probability
        picked = pick(probability, budget_size(len(rows), budget), explore=share, strategy=how, seed=seed + number)
        revealed = batch  # outcomes revealed only for the picked rows
        revealed.fraud[picked] = truth_fraud[rows[picked]]
        revealed.critical[picked] = truth_critical[rows[picked]]
        hits = int((revealed.fraud[picked] == 1).sum())
        found += hits
        inspected += len(picked)
        critical_found += int((revealed.critical[picked] == 2).sum())
        revenue_found += float(revenue[rows[picked]].sum())
        per_week.append(
            {
                "week": str(np.datetime64(int(stream.days[rows].min()), "D")),
                "rows": len(rows),
                "inspected": len(picked),
                "frauds_found": hits,
            }
        )
        known = concat([known, revealed])
        if (number + 1) % retrain_every == 0:
            model = train(known, seed=seed, source=f"protocol O {strategy}")
    total_frauds = int((truth_fraud == 1).sum())
    return {
        "strategy": strategy,
        "explore_share": share,
        "budget_percent": budget,
        "weeks": len(per_week),
        "inspected": inspected,
        "frauds_found": found,
        "hit_rate": round(found / max(1, inspected), 4),
        "share_of_all_frauds": round(found / max(1, total_frauds), 4),
        "critical_found": critical_found,
        "revenue_proxy_found": round(revenue_found / max(float(revenue.sum()), 1e-12), 4),
        "per_week": per_week,
    }


def run_protocol_o(
    tables: Sequence[Table],
    *,
    seed: int = 0,
    budget: float = 10.0,
    explore: float = 0.1,
    strategies: Sequence[str] = ("exploit", "random", "explore"),
) -> dict:
    """tables = (train, valid, test): history = train, stream = valid + test (the 2021 half-year)."""
    history, *rest = tables
    stream = concat(list(rest)).sorted_by_date()
    results = {s: simulate(history, stream, strategy=s, budget=budget, explore=explore, seed=seed) for s in strategies}
    for result in results.values():
        result["per_week"] = [w["frauds_found"] for w in result["per_week"]]  # compact, one number per week
    return {
        "history_rows": len(history),
        "stream_rows": len(stream),
        "budget_percent": budget,
        "explore_share": explore,
        "seed": seed,
        "strategies": results,
        "unknown_label_marker": UNKNOWN,
    }

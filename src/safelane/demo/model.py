"""The demo's learned model: trained on the outcomes stored so far and activated, as an analyst would with
`safelane model train --from-store --activate`, so the demo's last day is scored by it (model findings,
risk-driven and exploration selections)."""

from datetime import datetime
from typing import Any

import numpy as np

from safelane.risk.model.dataset import from_store
from safelane.risk.model.registry import register
from safelane.risk.model.train import split_by_date, train, validation_metrics
from safelane.store import Database

ACTOR = "demo-analyst"


def train_and_activate(db: Database, *, at: datetime, seed: int) -> dict[str, Any]:
    """Train on every consignment filed before `at` (labelled where inspected), register, activate."""
    with db.read() as conn:
        table = from_store(conn, until=at)
    # The store lists consignments filed at the same second in no fixed order; LightGBM's result depends on
    # the order of its rows, so sort them by day and consignment id: the same store trains the same model.
    table = table.take(np.lexsort((np.asarray(table.ids, dtype=str), table.days)))
    fit, valid = split_by_date(table)
    source = f"demo store up to {at:%Y-%m-%d %H:%M} UTC"
    model = train(fit, valid, seed=seed, source=source)
    metrics = validation_metrics(model, valid, [1, 2, 5, 10])
    return register(db, model, source=source, metrics=metrics, actor=ACTOR, at=at, activate=True)

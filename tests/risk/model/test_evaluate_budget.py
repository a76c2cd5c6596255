"""Metrics on given scores, and picking under a budget with an exploration share."""

import numpy as np
import pytest

from safelane.risk.model.evaluate import auc, evaluate, revenue_proxy, top_k
from safelane.selection.budget import budget_size, pick


def test_precision_recall_and_critical_recall_at_rates():
    scores = np.arange(100, 0, -1, dtype=float)  # row 0 highest
    fraud = np.zeros(100, int)
    fraud[[0, 1, 2, 3, 50]] = 1
    critical = fraud.copy()
    critical[3] = 2
    result = evaluate(scores, fraud, critical=critical, revenue=np.full(100, 10.0), rates=(2, 5, 10))
    assert result["at"]["2"] == {"k": 2, "precision": 1.0, "recall": 0.4, "critical_recall": 0.0, "revenue_proxy": 0.4}
    assert result["at"]["5"]["precision"] == 0.8
    assert result["at"]["5"]["critical_recall"] == 1.0
    assert result["frauds"] == 5


def test_unknown_labels_are_left_out():
    result = evaluate(np.array([0.9, 0.8, 0.1]), np.array([1, -1, 0]), rates=(50,))
    assert result["rows"] == 2
    assert result["at"]["50"]["precision"] == 1.0


def test_auc_handles_ties():
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75
    assert auc(np.array([0.5, 0.5]), np.array([0, 1])) == 0.5
    assert top_k(np.array([0.2, 0.9, 0.5]), 50).tolist() == [1, 2]


def test_revenue_proxy():
    assert revenue_proxy(np.array([1000.0, np.nan]), np.array([8.0, 5.0])).tolist() == [80.0, 0.0]


def test_pick_exploits_then_explores_reproducibly():
    scores = np.linspace(1, 0, 100)
    assert pick(scores, 10).tolist() == list(range(10))
    a = pick(scores, 10, explore=0.3, strategy="random", seed=7)
    assert a[:7].tolist() == list(range(7))
    assert len(set(a[7:]) & set(range(7))) == 0
    assert len(set(a)) == 10
    assert np.array_equal(a, pick(scores, 10, explore=0.3, strategy="random", seed=7))
    u = pick(scores, 20, explore=0.5, strategy="uncertainty", seed=1)
    assert np.abs(scores[u[10:]] - 0.5).mean() < 0.3  # drawn towards the uncertain middle
    assert budget_size(8481, 10) == 848
    assert budget_size(3, 10) == 1
    assert budget_size(0, 10) == 0
    with pytest.raises(ValueError):
        pick(scores, 5, strategy="greedy")

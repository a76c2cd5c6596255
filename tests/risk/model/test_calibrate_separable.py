"""Platt scaling on outcomes the margin separates: Newton's steps grow the slope, no overflow warning (an error in
the test run) and probabilities stay in [0, 1] and ordered."""

import numpy as np

from safelane.risk.model.calibrate import Platt


def test_separable_outcomes_fit_without_overflow():
    margin = np.array([-40.0, -30.0, -20.0, -10.0, 10.0, 20.0, 30.0, 40.0])
    outcome = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    platt = Platt.fit(margin, outcome)
    p = platt(np.array([-1000.0, -5.0, 5.0, 1000.0]))
    assert ((p >= 0) & (p <= 1)).all() and (np.diff(p) >= 0).all()
    assert p[0] < 0.2 < 0.8 < p[-1]

"""Tuning keeps the cheapest candidate within the validation noise of the best, and says why."""

import numpy as np

from safelane.risk.model.tuning import Trial, average_precision, choose


def _window(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    """40 validation days of 50 rows, a fifth of them irregular."""
    rng = np.random.default_rng(seed)
    days = np.repeat(np.arange(40), 50)
    outcome = (rng.random(len(days)) < 0.2).astype(float)
    return outcome, days, rng


def _as_good_but_luckier(small: np.ndarray, outcome: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A candidate with the same signal and noise as `small`, drawn until it happens to score higher."""
    while True:
        big = outcome + rng.normal(0, 1.0, len(outcome))
        if average_precision(big, outcome) > average_precision(small, outcome):
            return big


def test_a_bigger_candidate_that_wins_by_less_than_the_noise_loses_to_the_smaller():
    outcome, days, rng = _window()
    small = outcome + rng.normal(0, 1.0, len(outcome))
    big = _as_good_but_luckier(small, outcome, rng)
    choice = choose([Trial(small, 49), Trial(big, 216)], outcome, days, seed=0)
    assert choice.winner == 0
    small_row, big_row = choice.report
    assert big_row["short_of_best"] == 0 and small_row["short_of_best"] > 0
    assert small_row["short_of_best"] <= small_row["short_of_best_standard_error"]
    assert small_row["standard_error"] > 0 and "cheapest within the noise" in choice.reason


def test_a_bigger_candidate_that_wins_clearly_is_kept():
    outcome, days, rng = _window()
    small = outcome + rng.normal(0, 1.0, len(outcome))
    big = 3 * outcome + rng.normal(0, 1.0, len(outcome))
    choice = choose([Trial(small, 49), Trial(big, 216)], outcome, days, seed=0)
    assert choice.winner == 1
    small_row = choice.report[0]
    assert small_row["short_of_best"] > 3 * small_row["short_of_best_standard_error"]
    assert "best validation average precision" in choice.reason


def test_the_order_of_the_candidates_does_not_change_the_choice_and_the_seed_fixes_the_noise():
    outcome, days, rng = _window(1)
    small = outcome + rng.normal(0, 1.0, len(outcome))
    big = _as_good_but_luckier(small, outcome, rng)
    forward = choose([Trial(small, 49), Trial(big, 216)], outcome, days, seed=3)
    backward = choose([Trial(big, 216), Trial(small, 49)], outcome, days, seed=3)
    assert forward.report[forward.winner]["trees"] == backward.report[backward.winner]["trees"]
    assert choose([Trial(small, 49), Trial(big, 216)], outcome, days, seed=3).report == forward.report

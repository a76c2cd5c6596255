"""The demo's port closure fits its history: two thirds in, with a day of history after it, or none."""

from safelane.demo.disruptions import CLOSURE_DAYS, closure_day


def test_the_closure_starts_two_thirds_in_and_ends_before_the_last_day() -> None:
    assert closure_day(30) == 20 and closure_day(10) == 6
    for days in range(CLOSURE_DAYS + 1, 40):
        start = closure_day(days)
        assert start is not None and start + CLOSURE_DAYS < days


def test_a_history_too_short_has_no_closure() -> None:
    assert [closure_day(days) for days in range(CLOSURE_DAYS + 1)] == [None] * (CLOSURE_DAYS + 1)

"""Declared values in euro at the ECB reference rate of the day (figures as the ECB published them)."""

from datetime import date

import pytest

from safelane.reference.rates import _converter, convert, known, to_eur


def test_a_published_day_uses_that_days_rate():
    assert to_eur(1081.3, "USD", date(2024, 3, 1)) == pytest.approx(1000.0)  # 1 EUR = 1.0813 USD
    assert to_eur(1084.6, "usd", date(2024, 3, 4)) == pytest.approx(1000.0)  # 1 EUR = 1.0846 USD


def test_a_weekend_or_holiday_takes_the_last_rate_published_before_it():
    assert to_eur(1081.3, "USD", date(2024, 3, 2)) == pytest.approx(1000.0)  # Saturday: Friday's rate
    assert to_eur(1081.3, "USD", date(2024, 3, 3)) == pytest.approx(1000.0)
    assert to_eur(1039.5, "USD", date(2024, 12, 26)) == pytest.approx(1000.0)  # TARGET holidays: the 24th's rate


def test_euro_is_euro_on_any_day():
    assert to_eur(12.5, "EUR", date(1990, 1, 1)) == 12.5


def test_after_the_newest_published_day_a_live_currency_keeps_its_newest_rate():
    newest = _converter().bounds["USD"].last_date  # moves with each release of the package
    assert newest >= date(2026, 10, 30)
    assert to_eur(100, "USD", date(2099, 6, 1)) == to_eur(100, "USD", newest)


def test_no_rate_is_better_than_a_wrong_one():
    assert to_eur(100, "RUB", date(2024, 1, 1)) is None  # the ECB stopped publishing RUB in March 2022
    assert to_eur(100, "RUB", date(2021, 6, 1)) is not None
    assert to_eur(100, "AED", date(2024, 1, 1)) is None  # never published by the ECB
    assert to_eur(100, "USD", date(1998, 12, 31)) is None  # before the series starts


def test_convert_on_a_published_day_uses_that_days_ecb_rate() -> None:
    assert convert(109.21, "USD", "EUR", date(2024, 1, 5)) == pytest.approx(100.0)  # ECB: 1 EUR = 1.0921 USD


def test_convert_on_a_day_without_a_rate_uses_the_last_one_published_before_it() -> None:
    friday = convert(100.0, "USD", "EUR", date(2024, 1, 5))
    assert convert(100.0, "USD", "EUR", date(2024, 1, 6)) == friday
    assert convert(100.0, "USD", "EUR", date(2024, 1, 7)) == friday
    assert convert(100.0, "USD", "EUR", date(2024, 1, 8)) != friday


def test_cross_rates_go_through_the_euro_and_the_same_currency_is_left_alone() -> None:
    usd_jpy = convert(1.0, "USD", "JPY", date(2024, 1, 5))
    assert usd_jpy == pytest.approx(convert(1.0, "EUR", "JPY", date(2024, 1, 5)) / 1.0921)
    assert convert(12.34, "GBP", "GBP", date(2024, 1, 5)) == 12.34


def test_a_currency_the_ecb_does_not_quote_converts_to_nothing() -> None:
    assert not known("XAF") and known("EUR") and known("USD")
    assert convert(100.0, "XAF", "EUR", date(2024, 1, 5)) is None
    assert convert(100.0, "EUR", "XAF", date(2024, 1, 5)) is None

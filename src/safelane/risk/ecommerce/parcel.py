"""A lodgement as the e-commerce checks see it: destination, filing day, value, low-value regime, computed once."""

from datetime import date
from typing import NamedTuple

from safelane.domain import GoodsItem, Lodgement, TransportMode
from safelane.reference.rates import convert, to_eur
from safelane.risk.ecommerce.consignee import economic_operator, keys
from safelane.risk.ecommerce.tables import Tables, Threshold

PARCEL_MODES = frozenset({TransportMode.POSTAL, TransportMode.EXPRESS})


class Regime(NamedTuple):
    """A destination's low-value rows in force on one day, and the one whose limit decides low value."""

    rows: tuple[Threshold, ...]
    limit: Threshold | None  # the largest limit in force, if any
    ceiling: float | None  # that row's limit, in its currency
    per_euro: float | None  # the limit's currency per euro that day (what `convert` multiplies by); None: no rate


NO_REGIME = Regime((), None, None, None)


class Parcel(NamedTuple):
    """A tuple: one is made per consignment assessed, and a frozen dataclass costs several times more to make."""

    lodgement: Lodgement
    destination: str | None  # destination group (EU) or country
    day: date  # the filing day: the thresholds and rates of that day apply
    value_eur: float | None  # every goods item's value converted; None when any is missing or unquoted
    regime: tuple[Threshold, ...]  # the destination's low-value rows in force that day
    limit: Threshold | None  # the row whose limit decides low value (largest limit in force), if any
    value_in_limit_currency: float | None
    low_value: bool  # declared at or under the destination's low-value limit that day
    keys: dict[str, str]  # the consignee's match keys (digest -> kind) when splitting concerns it, else empty

    @property
    def ecommerce(self) -> bool:
        """A parcel the e-commerce data-quality rules apply to: low value, or sent by post or express."""
        return self.low_value or self.lodgement.consignment.mode in PARCEL_MODES


def _value_eur(goods: list[GoodsItem], day: date) -> float | None:
    """Fields are read from the models' `__dict__`: a pydantic attribute read goes through its `__getattr__` hook,
    and this runs for every goods item of every parcel."""
    total = 0.0
    for item in goods:
        value = item.__dict__["value"]
        if value is None:
            return None
        money = value.__dict__
        converted = to_eur(money["amount"], money["currency"], day)  # what convert(..., "EUR", day) gives
        if converted is None:
            return None
        total += converted
    return total


class Parcels:
    """Makes parcels of lodgements; a destination's regime is worked out once per day."""

    def __init__(self, tables: Tables):
        self.tables = tables
        self._regimes: dict[tuple[str, date], Regime] = {}

    def regime(self, destination: str, day: date) -> Regime:
        found = self._regimes.get((destination, day))
        if found is None:
            rows = self.tables.regime(destination, day)
            limits = [t for t in rows if t.limit is not None]
            limit = (
                max(limits, key=lambda t: convert(t.limit or 0.0, t.currency, "EUR", day) or 0.0) if limits else None
            )
            if limit is None:
                found = Regime(rows, None, None, None)
            else:
                found = Regime(rows, limit, limit.limit, convert(1.0, "EUR", limit.currency, day))
            self._regimes[(destination, day)] = found
        return found

    def __call__(self, lodgement: Lodgement) -> Parcel:
        fields = lodgement.consignment.__dict__  # not pydantic attribute reads (see `_value_eur`)
        consignee = fields["consignee"]
        unloading = fields["itinerary"].__dict__["place_of_unloading"]
        country = unloading[:2] if unloading else (consignee.country_code if consignee else None)
        destination = self.tables.destination(country)
        day = lodgement.filed_at.date()
        regime = self.regime(destination, day) if destination else NO_REGIME
        value_eur = _value_eur(fields["goods"], day)
        ceiling, per_euro = regime.ceiling, regime.per_euro
        # `convert(value_eur, "EUR", currency, day)`, its rate looked up once per destination and day
        own = value_eur * per_euro if value_eur is not None and per_euro is not None else None
        low = own is not None and ceiling is not None and own <= ceiling
        # splitting concerns consumers' low-value parcels only: a registered trader's many parcels are its business
        matched = keys(consignee) if low and not economic_operator(consignee) else {}
        return Parcel(lodgement, destination, day, value_eur, regime.rows, regime.limit, own, low, matched)

"""A lodgement as the e-commerce checks see it: destination, filing day, value in euro, low-value regime."""

from dataclasses import dataclass
from datetime import date

from safelane.domain import Lodgement, TransportMode
from safelane.reference.rates import convert
from safelane.risk.ecommerce.consignee import keys
from safelane.risk.ecommerce.tables import Tables, Threshold

PARCEL_MODES = frozenset({TransportMode.POSTAL, TransportMode.EXPRESS})


@dataclass(frozen=True, slots=True)
class Parcel:
    lodgement: Lodgement
    destination: str | None  # destination group (EU) or country
    day: date  # the filing day: the thresholds and rates of that day apply
    value_eur: float | None  # every goods item's value converted; None when any is missing or unquoted
    regime: tuple[Threshold, ...]  # the destination's low-value rows in force that day
    limit: Threshold | None  # the row whose limit decides low value (largest limit in force), if any

    @property
    def value_in_limit_currency(self) -> float | None:
        if self.value_eur is None or self.limit is None:
            return None
        return convert(self.value_eur, "EUR", self.limit.currency, self.day)

    @property
    def low_value(self) -> bool:
        """Declared at or under the destination's low-value limit that day."""
        value, limit = self.value_in_limit_currency, self.limit.limit if self.limit else None
        return value is not None and limit is not None and value <= limit

    @property
    def ecommerce(self) -> bool:
        """A parcel the e-commerce data-quality rules apply to: low value, or sent by post or express."""
        return self.low_value or self.lodgement.consignment.mode in PARCEL_MODES

    def consignee_keys(self) -> dict[str, str]:
        return keys(self.lodgement.consignment.consignee)


def _value_eur(lodgement: Lodgement, day: date) -> float | None:
    total = 0.0
    for item in lodgement.consignment.goods:
        if item.value is None:
            return None
        converted = convert(item.value.amount, item.value.currency, "EUR", day)
        if converted is None:
            return None
        total += converted
    return total


def parcel_of(lodgement: Lodgement, tables: Tables) -> Parcel:
    consignment = lodgement.consignment
    country = consignment.itinerary.unloading_country or (
        consignment.consignee.country_code if consignment.consignee else None
    )
    destination = tables.destination(country)
    day = lodgement.filed_at.date()
    regime = tuple(tables.regime(destination, day)) if destination else ()
    limits = [t for t in regime if t.limit is not None]
    limit = max(limits, key=lambda t: convert(t.limit or 0.0, t.currency, "EUR", day) or 0.0) if limits else None
    return Parcel(lodgement, destination, day, _value_eur(lodgement, day), regime, limit)

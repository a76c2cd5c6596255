"""Small e-commerce parcels as filers send them, for the e-commerce tests."""

from typing import Any

from tests.factories import _apply


def parcel(value: float = 60.0, currency: str = "EUR", **changes: Any) -> dict[str, Any]:
    """An express parcel from Shenzhen to a private consignee in Germany, one goods line."""
    data: dict[str, Any] = {
        "mode": "express",
        "house_document": "EXP-0001",
        "consignor": {"name": "Shenzhen Web Shop Ltd", "address": {"city": "Shenzhen", "country": "CN"}},
        "consignee": {
            "name": "Anna Müller",
            "address": {"street": "Lindenstraße 5", "city": "Köln", "postcode": "50674", "country": "DE"},
            "identifiers": [{"scheme": "PHONE", "value": "+49 151 2345 6789"}],
        },
        "goods": [
            {
                "description": "Cotton T-shirt",
                "hs_code": "610910",
                "packages": 1,
                "gross_mass_kg": 0.3,
                "value": {"amount": value, "currency": currency},
                "origin_country": "CN",
            }
        ],
        "itinerary": {"place_of_loading": "CNSZX", "place_of_unloading": "DECGN"},
    }
    return _apply(data, changes)

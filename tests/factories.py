"""Small builders of valid filings as filers send them (plain dicts), to be changed per test."""

import copy
from typing import Any


def air_consignment(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mode": "air",
        "master_document": "176-12345675",
        "house_document": "HAWB-0001",
        "consignor": {
            "name": "Shenzhen Bright Toys Co Ltd",
            "address": {"street": "12 Nanshan Rd", "city": "Shenzhen", "country": "CN"},
        },
        "consignee": {
            "name": "Northwind Retail GmbH",
            "address": {"street": "Hafenstrasse 3", "city": "Hamburg", "postcode": "20457", "country": "DE"},
            "identifiers": [{"scheme": "EORI", "value": "DE123456789012345"}],
        },
        "goods": [
            {
                "description": "Plastic building blocks",
                "hs_code": "950300",
                "packages": 10,
                "gross_mass_kg": 120.5,
                "value": {"amount": 2400, "currency": "USD"},
                "origin_country": "CN",
            }
        ],
        "itinerary": {
            "place_of_loading": "HKHKG",
            "place_of_unloading": "DEFRA",
            "departure_at": "2026-11-20T10:00:00Z",
            "arrival_at": "2026-11-20T23:00:00Z",
        },
    }
    return _apply(data, changes)


def sea_consignment(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mode": "sea",
        "master_document": "MAEU123456789",
        "consignor": {"name": "Frutas del Pacifico SA", "address": {"city": "Guayaquil", "country": "EC"}},
        "consignee": {"name": "Fresh Fruit Import BV", "address": {"city": "Rotterdam", "country": "NL"}},
        "goods": [
            {
                "description": "Fresh bananas",
                "hs_code": "080390",
                "packages": 1080,
                "gross_mass_kg": 21000,
                "value": {"amount": 15000, "currency": "USD"},
                "origin_country": "EC",
            }
        ],
        "itinerary": {"place_of_loading": "ECGYE", "place_of_unloading": "NLRTM", "routing_countries": ["PA"]},
    }
    return _apply(data, changes)


def filing(*consignments: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {"document_number": "DOC-1", "version": 1, "consignments": list(consignments) or [air_consignment()]}
    return _apply(data, changes)


def _apply(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Keyword 'goods__0__hs_code' sets data['goods'][0]['hs_code']; value None deletes the key."""
    data = copy.deepcopy(data)
    for key, value in changes.items():
        *path, leaf = key.split("__")
        target: Any = data
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is None:
            target.pop(leaf, None)
        elif isinstance(target, list):
            target[int(leaf)] = value
        else:
            target[leaf] = value
    return data


def lodgement(
    data: dict[str, Any] | None = None,
    *,
    kind: str | None = None,
    filed_at: str = "2026-11-20T08:00:00Z",
    filer: str = "ACME",
):
    """A Lodgement as the pipeline hands it to assessors."""
    from datetime import datetime

    from safelane.domain import Consignment, FilingKind, Lodgement

    consignment = Consignment.model_validate(data or air_consignment())
    filing_kind = FilingKind(kind) if kind else FilingKind.default_for(consignment.mode)
    return Lodgement(
        consignment.reference, consignment, filing_kind, filer, datetime.fromisoformat(filed_at), "DOC-1", 1
    )

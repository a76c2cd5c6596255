"""The filing against the trader's own data: each field compared, each mismatch named."""

from typing import Any

from safelane.domain import Consignment
from safelane.traders.crosscheck import compare
from safelane.traders.shared import Kind, Shared, parse
from tests.factories import sea_consignment

FILED = sea_consignment(
    equipment=["MSCU1234565"],
    seals=["SEAL-001"],
    consignee={
        "name": "Fresh Fruit Import BV",
        "address": {"city": "Rotterdam", "country": "NL"},
        "identifiers": [{"scheme": "EORI", "value": "NL100200300"}],
    },
)
PACKING = {
    "id": "PL-77",
    "transport_document": "MAEU123456789",
    "consignor": {"name": "Frutas del Pacifico SA", "country": "EC"},
    "consignee": {"name": "Fresh Fruit Import B.V.", "identifiers": [{"scheme": "EORI", "value": "NL100200300"}]},
    "lines": [{"description": "Bananas", "hs_code": "08039010", "packages": 1080, "gross_mass_kg": 20800}],
}
SEALS = {"transport_document": "MAEU123456789", "equipment": "MSCU1234565", "seals": ["SEAL-001"]}


def _shared(*documents: tuple[Kind, dict[str, Any]]) -> list[tuple[str, Shared]]:
    return [(kind.stored, parse(kind, data)) for kind, data in documents]


def _check(filed: dict[str, Any], *documents: tuple[Kind, dict[str, Any]]):
    return compare(Consignment.model_validate(filed), _shared(*documents))


def test_a_filing_that_agrees_with_every_field():
    result = _check(FILED, (Kind.PACKING_LIST, PACKING), (Kind.SEALS, SEALS))
    assert result.mismatches == []
    assert result.compared == ["seals", "pieces", "weight", "parties", "goods"]
    assert result.documents == ["packing list PL-77", "seals MSCU1234565"]


def test_other_seals_filed_are_named():
    result = _check({**FILED, "seals": ["SEAL-999"]}, (Kind.SEALS, SEALS))
    [mismatch] = result.mismatches
    assert (mismatch.field, mismatch.filed, mismatch.shared) == ("seals", "SEAL-999", "SEAL-001")
    assert mismatch.sentence() == "seals: filed SEAL-999, the trader's seals MSCU1234565 says SEAL-001"


def test_a_seal_changed_en_route_is_a_mismatch_even_when_the_filing_carries_none():
    event = {
        "id": "EV-9",
        "transport_document": "MAEU123456789",
        "equipment": "MSCU1234565",
        "event": "transhipped",
        "at": "2026-11-18T04:00:00Z",
        "place": "PAPTY",
        "seals": ["SEAL-555"],
    }
    result = _check({**FILED, "seals": None}, (Kind.SEALS, SEALS), (Kind.TRACKING_EVENT, event))
    [mismatch] = result.mismatches
    assert mismatch.field == "seals (MSCU1234565)"
    assert "transhipped 2026-11-18 at PAPTY" in mismatch.shared


def test_pieces_weight_parties_and_goods_each_named():
    filed = sea_consignment(
        **{
            "goods__0__packages": 1000,
            "goods__0__gross_mass_kg": 18000,
            "goods__0__hs_code": "080300",
            "consignee__identifiers": [{"scheme": "EORI", "value": "NL999999999"}],
        }
    )
    result = _check(filed, (Kind.PACKING_LIST, PACKING))
    fields = [m.field for m in result.mismatches]
    assert fields == ["total_packages", "total_gross_mass_kg", "consignee.identifiers", "goods[0].hs_code"]


def test_weight_within_tolerance_agrees():
    filed = sea_consignment(**{"goods__0__gross_mass_kg": 21000})  # 1 % off the packing list's 20,800 kg
    assert [m.field for m in _check(filed, (Kind.PACKING_LIST, PACKING)).mismatches] == []


def test_party_country_is_compared_without_identifiers():
    invoice = {**PACKING, "id": "INV-1", "consignee": None, "buyer": {"name": "Someone", "country": "BE"}}
    invoice = {k: v for k, v in invoice.items() if v is not None}
    result = _check(sea_consignment(), (Kind.COMMERCIAL_INVOICE, invoice))
    assert [(m.field, m.filed, m.shared) for m in result.mismatches if m.field.startswith("consignee")] == [
        ("consignee.country", "NL (Fresh Fruit Import BV)", "BE (Someone)")
    ]


def test_nothing_comparable_compares_nothing():
    bare = {"id": "PO-1", "transport_document": "MAEU123456789", "lines": [{"description": "fruit"}]}
    result = _check(sea_consignment(), (Kind.PURCHASE_ORDER, bare))
    assert (result.compared, result.mismatches) == ([], [])

import pytest
from pydantic import ValidationError

from safelane.domain import Filing, FilingKind, problems_from_validation
from tests.factories import air_consignment, filing, sea_consignment


def problems(data):
    with pytest.raises(ValidationError) as caught:
        Filing.model_validate(data)
    return {(p.location, p.code) for p in problems_from_validation(caught.value.errors())}


def test_valid_filing_normalises_codes():
    data = filing(air_consignment(goods__0__hs_code="9503.00", itinerary__place_of_loading="hk hkg"))
    parsed = Filing.model_validate(data)
    item = parsed.consignments[0].goods[0]
    assert item.hs_code == "950300"
    assert parsed.consignments[0].itinerary.place_of_loading == "HKHKG"
    assert parsed.kind is FilingKind.PRE_LOADING
    assert item.value_per_kg == pytest.approx(2400 / 120.5)


def test_kind_defaults_by_mode():
    assert Filing.model_validate(filing(sea_consignment())).kind is FilingKind.PRE_ARRIVAL
    assert Filing.model_validate(filing(sea_consignment(), kind="declaration")).kind is FilingKind.DECLARATION


def test_each_problem_is_named_by_its_field_path():
    data = filing(
        air_consignment(
            goods__0__gross_mass_kg=-3,
            goods__0__hs_code="95",
            itinerary__arrival_at="2026-11-19T10:00:00Z",
        )
    )
    found = problems(data)
    assert ("consignments[0].goods[0].gross_mass_kg", "greater_than") in found
    assert ("consignments[0].goods[0].hs_code", "hs_code_format") in found
    assert ("consignments[0].itinerary.arrival_at", "dates_out_of_order") in found
    assert len(found) == 3


def test_zero_mass_currency_and_country_shapes():
    data = filing(
        air_consignment(
            goods__0__gross_mass_kg=0,
            goods__0__value={"amount": 5, "currency": "dollars"},
            goods__0__origin_country="CHN",
        )
    )
    assert problems(data) == {
        ("consignments[0].goods[0].gross_mass_kg", "greater_than"),
        ("consignments[0].goods[0].value.currency", "currency_format"),
        ("consignments[0].goods[0].origin_country", "country_format"),
    }


def test_net_mass_above_gross_and_missing_fields():
    item = {"description": "x", "gross_mass_kg": 1, "net_mass_kg": 2}
    data = filing(air_consignment(goods=[item], mode=None, master_document=None, house_document=None))
    found = problems(data)
    assert ("consignments[0].goods[0].net_mass_kg", "net_above_gross") in found
    assert ("consignments[0].mode", "missing") in found


def test_unknown_fields_are_refused():
    assert problems(filing(air_consignment(colour="blue"))) == {("consignments[0].colour", "extra_forbidden")}


def test_naive_datetimes_are_refused():
    found = problems(filing(air_consignment(itinerary__departure_at="2026-11-20T10:00:00")))
    assert ("consignments[0].itinerary.departure_at", "timezone_aware") in found


@pytest.mark.parametrize(
    ("changes", "location", "message"),
    [
        (
            {"goods__0__hs_code": "95x3"},
            "consignments[0].goods[0].hs_code",
            "HS code must have 6 to 10 digits, got '95x3'",
        ),
        (
            {"consignor__address__country": "China"},
            "consignments[0].consignor.address.country",
            "country must be an ISO 3166 alpha-2 code, got 'China'",
        ),
        (
            {"goods__0__value": {"amount": 10, "currency": "dollar"}},
            "consignments[0].goods[0].value.currency",
            "currency must be an ISO 4217 code, got 'dollar'",
        ),
        (
            {"itinerary__place_of_loading": "Hong Kong"},
            "consignments[0].itinerary.place_of_loading",
            "place must be a 5-character UN/LOCODE, got 'Hong Kong'",
        ),
    ],
    ids=["hs_code", "country", "currency", "locode"],
)
def test_a_refused_code_is_named_in_the_message(changes, location, message):
    with pytest.raises(ValidationError) as caught:
        Filing.model_validate(filing(air_consignment(**changes)))
    [problem] = problems_from_validation(caught.value.errors())
    assert (problem.location, problem.message) == (location, message)

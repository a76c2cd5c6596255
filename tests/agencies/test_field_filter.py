"""The need-to-know field filter (safelane.agencies.need_to_know): what each agency's register entry lets it read."""

from safelane.agencies import need_to_know
from safelane.domain import Consignment
from safelane.scope import Scope
from tests.factories import sea_consignment

CUSTOMS = Scope.of("olga", "officer")
FILER = Scope.of("acme", "filer", filer="ACME")
PLANTS = Scope.of("pia", "agency_officer", agency="plant_health")
FOOD = Scope.of("fay", "agency_officer", agency="food_safety")
UNKNOWN = Scope.of("nel", "agency_officer", agency="fisheries")


def _full() -> dict:
    data = sea_consignment(
        transport_means={"identifier": "9811000", "name": "MAERSK EDINBURGH"},
        security_status="SPX",
        documents=[{"type": "N851", "reference": "EC-PC-1"}],
        equipment=["MSCU1234565"],
    )
    return Consignment.model_validate(data).model_dump(mode="json", exclude_none=True)


def test_customs_and_filers_read_every_field() -> None:
    data = _full()
    assert need_to_know.consignment(CUSTOMS, data) == data
    assert need_to_know.consignment(FILER, data) == data
    assert need_to_know.fields_of(CUSTOMS) is None


def test_an_agency_reads_only_its_groups() -> None:
    data = _full()
    plants = need_to_know.consignment(PLANTS, data)
    assert plants["consignor"]["name"] == "Frutas del Pacifico SA" and plants["transport_means"]["identifier"]
    assert plants["documents"] == [{"type": "N851", "reference": "EC-PC-1"}]
    assert plants["goods"][0]["hs_code"] == "080390" and plants["goods"][0]["origin_country"] == "EC"
    assert "value" not in plants["goods"][0]  # plant health is not given the value group
    assert "security_status" not in plants  # a key in no group is never shown
    food = need_to_know.consignment(FOOD, data)
    assert "consignor" not in food and "transport_means" not in food and "equipment" not in food
    assert food["goods"][0]["description"] == "Fresh bananas"
    assert need_to_know.consignment(UNKNOWN, data) == {}
    assert data["goods"][0]["value"]["amount"] == 15000  # the input is not changed


def test_an_agency_reads_its_own_findings_and_requirement_only() -> None:
    found = [
        {"assessor": "profiles", "code": "P1", "score": 40, "explanation": "customs", "evidence": {}},
        {
            "assessor": "agency",
            "code": "PH1",
            "score": 0,
            "explanation": "pest",
            "evidence": {},
            "agency": "plant_health",
        },
        {
            "assessor": "agency",
            "code": "V1",
            "score": 0,
            "explanation": "disease",
            "evidence": {},
            "agency": "veterinary",
        },
    ]
    assert [f["code"] for f in need_to_know.findings(PLANTS, found)] == ["PH1"]
    assert [f["code"] for f in need_to_know.findings(CUSTOMS, found)] == ["P1", "PH1", "V1"]
    required = [{"agency": "plant_health", "action": "hold"}, {"agency": "veterinary", "action": "documents"}]
    assert need_to_know.requirements(PLANTS, required) == [{"agency": "plant_health", "action": "hold"}]
    assert need_to_know.requirements(FILER, required) == required


def test_an_agency_reads_customs_outcome_not_its_reasons() -> None:
    row = {
        "decision_id": "D1",
        "consignment_id": "C1",
        "outcome": "red",
        "state": "open",
        "basis": "profile P1",
        "reasons": ["P1"],
        "score": 80.0,
        "assigned_to": "olga",
        "reference": "HBL-1",
        "office": "NLRTM",
    }
    shown = need_to_know.decision(PLANTS, row)
    assert shown == {
        "decision_id": "D1",
        "consignment_id": "C1",
        "outcome": "red",
        "state": "open",
        "reference": "HBL-1",
        "office": "NLRTM",
    }
    assert need_to_know.decision(UNKNOWN, row) == {
        "decision_id": "D1",
        "consignment_id": "C1",
        "outcome": "red",
        "state": "open",
    }
    assert need_to_know.decision(CUSTOMS, row) == row

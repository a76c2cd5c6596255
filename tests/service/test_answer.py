"""GET /v1/filings/{id}/answer: the decisions in the filer's own standard."""

from safelane.formats.outbound import READERS
from tests.conftest import FIXTURES
from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN

IE315 = (FIXTURES / "messages" / "own" / "safelane__IE315_air.xml").read_bytes()
XFWB = (FIXTURES / "messages" / "cargo-xml" / "riege__888-11111111_XFWB.xml").read_bytes()


def test_an_ens_is_answered_in_ics_with_its_mrn(api):
    result = api.accepted("acme", IE315)
    response = api.client.get(f"/v1/filings/{result['filing_id']}/answer", headers=api.as_("acme"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    [item] = READERS["ics"](response.content)
    assert (item["mrn"], item["document_number"], item["reference"]) == (
        result["filing_id"],
        "ENS-2026-0001",
        "020-12345675",
    )


def test_air_waybill_answer_follows_the_decision_as_it_stands(api):
    result = api.accepted("acme", filing(air_consignment(**DNL_TONER_YEMEN)))
    url = f"/v1/filings/{result['filing_id']}/answer"
    assert READERS["json"](api.client.get(url, headers=api.as_("acme")).content)[0]["outcome"] == "DNL"
    decision = result["consignments"][0]["decision_id"]
    assert api.act("olga", decision, "lift", note="inspected at origin").status_code == 200
    [now] = READERS["xcsn"](api.client.get(url, params={"standard": "xcsn"}, headers=api.as_("acme")).content)
    assert now["outcome"] == "ASSESSMENT_COMPLETE"
    waybill = api.accepted("acme", XFWB)
    answer = api.client.get(f"/v1/filings/{waybill['filing_id']}/answer", headers=api.as_("acme"))
    assert answer.headers["content-type"].startswith("application/xml")
    assert READERS["xcsn"](answer.content)


def test_answers_are_private_and_standards_checked(api):
    result = api.accepted("acme", filing())
    url = f"/v1/filings/{result['filing_id']}/answer"
    assert api.client.get(url, headers=api.as_("globex")).status_code == 404
    bad = api.client.get(url, params={"standard": "telex"}, headers=api.as_("acme"))
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["location"] == "standard"

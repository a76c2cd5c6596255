"""Reading: filings paged, one filing with its versions and current decisions, a consignment's history."""

from datetime import datetime

from tests.factories import air_consignment, filing
from tests.service.conftest import RFI_LAPTOPS_VIA_KP


def test_filings_are_paged(api):
    for number in range(5):
        api.accepted("acme", filing(document_number=f"DOC-{number}"))
    page = api.client.get("/v1/filings", params={"limit": 2, "offset": 1}, headers=api.as_("acme")).json()
    assert (page["limit"], page["offset"], len(page["filings"])) == (2, 1, 2)
    everything = api.client.get("/v1/filings", params={"limit": 500}, headers=api.as_("acme")).json()["filings"]
    assert len(everything) == 5
    too_many = api.client.get("/v1/filings", params={"limit": 501}, headers=api.as_("acme"))
    assert too_many.status_code == 422
    assert too_many.json()["problems"][0]["location"] == "query.limit"


def test_a_filing_with_its_versions_and_current_decisions(api):
    first = api.accepted("acme", filing(air_consignment(**RFI_LAPTOPS_VIA_KP)))
    api.client.post(f"/v1/filings/{first['filing_id']}/amendments", json=filing(version=2), headers=api.as_("acme"))
    read = api.client.get(f"/v1/filings/{first['filing_id']}", headers=api.as_("olga")).json()
    assert read["filing"]["current_version"] == 2
    assert read["filing"]["filer"] == "ACME"
    assert [v["version"] for v in read["versions"]] == [1, 2]
    assert read["versions"][0]["filing"]["document_number"] == "DOC-1"
    received = datetime.fromisoformat(read["versions"][0]["received_at"])
    assert received.utcoffset() is not None  # ISO 8601 with a zone
    [current] = read["consignments"]
    assert current["referral"] == "ASSESSMENT_COMPLETE"
    assert current["decision_id"] != first["consignments"][0]["decision_id"]


def test_a_consignment_across_versions(api):
    first = api.accepted("acme", filing(air_consignment(**RFI_LAPTOPS_VIA_KP)))
    consignment_id = first["consignments"][0]["consignment_id"]
    api.client.post(f"/v1/filings/{first['filing_id']}/amendments", json=filing(version=2), headers=api.as_("acme"))
    history = api.client.get(f"/v1/consignments/{consignment_id}", headers=api.as_("acme")).json()
    assert history["reference"] == "HAWB-0001"
    assert [(v["version"], v["current"]) for v in history["versions"]] == [(1, False), (2, True)]
    v1, v2 = history["versions"]
    assert v1["decision"]["referral"] == "RFI"
    assert v1["assessment"]["findings"]
    assert v2["decision"]["referral"] == "ASSESSMENT_COMPLETE"
    assert v2["consignment"]["goods"][0]["hs_code"] == "950300"
    assert api.client.get("/v1/consignments/Cnothing", headers=api.as_("olga")).status_code == 404

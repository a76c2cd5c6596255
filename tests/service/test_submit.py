"""Submitting filings: decisions come back with the answer; replays are idempotent; conflicts are 409."""

from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN, RFS_FALCON


def test_party_watch_consignee_gets_rfs(api):
    response = api.submit("acme", filing(air_consignment(**RFS_FALCON)))
    assert response.status_code == 201
    [result] = response.json()["filings"]
    assert response.headers["location"] == f"/v1/filings/{result['filing_id']}"
    assert (result["status"], result["document_number"], result["version"]) == ("accepted", "DOC-1", 1)
    [consignment] = result["consignments"]
    assert consignment["referral"] == "RFS"
    assert consignment["state"] == "open"
    assert consignment["findings"][0]["code"] == "PARTY-WATCH-FALCON"


def test_toner_loaded_in_yemen_gets_dnl(api):
    [consignment] = api.accepted("acme", filing(air_consignment(**DNL_TONER_YEMEN)))["consignments"]
    assert consignment["referral"] == "DNL"


def test_clean_consignment_is_assessment_complete_and_filed_under_the_callers_organisation(api):
    result = api.accepted("acme", filing(filer="GLOBEX"))  # a filer in the body is ignored
    assert result["consignments"][0]["referral"] == "ASSESSMENT_COMPLETE"
    assert result["consignments"][0]["state"] == "closed"
    stored = api.client.get(f"/v1/filings/{result['filing_id']}", headers=api.as_("acme")).json()
    assert stored["filing"]["filer"] == "ACME"
    assert api.client.get(f"/v1/filings/{result['filing_id']}", headers=api.as_("globex")).status_code == 404


def test_resubmission_is_idempotent(api):
    first = api.accepted("acme", filing(air_consignment(**RFS_FALCON)))
    before = api.counts()
    again = api.submit("acme", filing(air_consignment(**RFS_FALCON)))
    assert again.status_code == 200
    [replay] = again.json()["filings"]
    assert replay["status"] == "duplicate"
    assert replay["filing_id"] == first["filing_id"]
    assert [c["decision_id"] for c in replay["consignments"]] == [c["decision_id"] for c in first["consignments"]]
    assert api.counts() == before


def test_same_version_with_other_content_is_a_conflict(api):
    api.accepted("acme", filing())
    before = api.counts()
    response = api.submit("acme", filing(air_consignment(goods__0__packages=11)))
    assert response.status_code == 409
    body = response.json()
    assert body["problems"] == [body["filings"][0]["problems"][0]]
    assert body["problems"][0]["location"] == "version"
    assert body["problems"][0]["code"] == "version_exists"
    assert api.counts() == before


def test_stale_version_is_a_conflict(api):
    api.accepted("acme", filing(version=2))
    response = api.submit("acme", filing(air_consignment(goods__0__packages=11), version=1))
    assert response.status_code == 409
    assert response.json()["problems"][0]["code"] == "stale_version"


def test_a_batch_answers_each_filing_and_locates_problems_by_index(api):
    api.accepted("acme", filing(document_number="A"))
    batch = [filing(air_consignment(goods__0__packages=11), document_number="A"), filing(document_number="B")]
    response = api.submit("acme", batch)
    assert response.status_code == 201  # something new was stored
    assert [f["status"] for f in response.json()["filings"]] == ["conflict", "accepted"]
    assert response.json()["problems"][0]["location"] == "[0].version"


def test_only_filers_submit(api):
    response = api.client.post("/v1/filings", content=b"{}", headers=api.as_("olga"))
    assert response.status_code == 403
    assert response.json()["problems"][0]["code"] == "forbidden"

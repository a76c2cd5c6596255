"""POST and GET /v1/certificates on the real store: 201 new, 200 replay, 422 located, officers only."""

from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "messages" / "ephyto"
XML = {"Content-Type": "application/xml"}


def post(api, user: str, name: str):
    body = (FIXTURES / name).read_bytes()
    return api.client.post("/v1/certificates", content=body, headers={**api.as_(user), **XML})


def test_a_certificate_is_stored_once_and_read_back(api):
    created = post(api, "olga", "mattilsynet__SPSCertificateContent.xml")
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["certificate_id"], body["status"]) == ("123ABC", "issued")
    assert {w["code"] for w in body["warnings"]} == {"schema"}  # kept, with its schema errors listed
    replay = post(api, "olga", "mattilsynet__SPSCertificateContent.xml")
    assert replay.status_code == 200 and replay.json() == body
    assert api.audit("certificate.received") == 1  # the replay is not a second event
    read = api.client.get("/v1/certificates/123ABC", headers=api.as_("olga"))
    assert read.status_code == 200 and read.json() == body


def test_the_nppo_update_of_a_number_replaces_it(api):
    assert post(api, "olga", "matching.xml").status_code == 201
    withdrawn = post(api, "olga", "withdrawn.xml")
    assert withdrawn.status_code == 201 and withdrawn.json()["status"] == "withdrawn"
    assert api.client.get("/v1/certificates/AR-PC-2026-0001", headers=api.as_("olga")).json()["status"] == "withdrawn"


def test_a_hub_envelope_is_accepted(api):
    response = post(api, "olga", "hub_envelope.xml")
    assert response.status_code == 201 and response.json()["hub_delivery"] == "HUB-0000001"


def test_an_unreadable_certificate_is_refused_located_and_nothing_kept(api):
    before = api.counts()
    response = post(api, "olga", "malformed.xml")
    assert response.status_code == 422
    assert [p["location"] for p in response.json()["problems"]] == [
        "/SPSCertificate/SPSExchangedDocument/ID",
        "/SPSCertificate/SPSExchangedDocument/StatusCode",
    ]
    assert api.counts() == before


def test_filers_may_not_post_or_read_certificates(api):
    assert post(api, "acme", "matching.xml").status_code == 403
    assert api.client.get("/v1/certificates/AR-PC-2026-0001", headers=api.as_("acme")).status_code == 403


def test_an_unknown_number_is_404(api):
    assert api.client.get("/v1/certificates/NONE", headers=api.as_("olga")).status_code == 404


def test_a_number_two_countries_printed_needs_the_country(api):
    assert post(api, "olga", "matching.xml").status_code == 201
    other = (FIXTURES / "matching.xml").read_bytes().replace(b"<ns1:ID>AR</ns1:ID>", b"<ns1:ID>UY</ns1:ID>")
    created = api.client.post("/v1/certificates", content=other, headers={**api.as_("olga"), **XML})
    assert created.status_code == 201 and created.json()["issuing_country"] == "UY"
    path = "/v1/certificates/AR-PC-2026-0001"
    ambiguous = api.client.get(path, headers=api.as_("olga"))
    assert ambiguous.status_code == 409 and ambiguous.json()["problems"][0]["code"] == "ambiguous"
    one = api.client.get(path, params={"country": "UY"}, headers=api.as_("olga"))
    assert one.status_code == 200 and one.json()["issuing_country"] == "UY"
    assert api.client.get(path, params={"country": "CL"}, headers=api.as_("olga")).status_code == 404


def test_a_late_certificate_re_assesses_and_the_filer_sees_the_new_answer(api):
    from safelane.store import profiles as profile_store
    from tests.documents.test_reassessment import NEEDS_CERTIFICATE
    from tests.ephyto.test_matching import plants
    from tests.factories import filing

    with api.db.write() as conn:
        at = api.system.pipeline.clock()
        profile_store.save(conn, NEEDS_CERTIFICATE, actor="test", at=at, origin="ph.yaml", activate=True)
    api.system.profiles.refresh()
    result = api.accepted("acme", filing(plants(), document_number="PH-LATE"))
    [item] = result["consignments"]
    assert item["requirements"][0]["action"] == "documents"
    for attempt in (1, 2):  # the second post is a replay: nothing more is re-assessed
        assert post(api, "olga", "matching.xml").status_code == (201 if attempt == 1 else 200)
        shown = api.client.get(f"/v1/filings/{result['filing_id']}", headers=api.as_("acme"))
        [now] = shown.json()["consignments"]
        assert now["decision_id"] != item["decision_id"]
        assert now["basis"].startswith("certificate AR-PC-2026-0001 received")
        assert now["requirements"][0]["action"] == "release"
        answer = api.client.get(f"/v1/filings/{result['filing_id']}/answer", headers=api.as_("acme"))
        assert answer.status_code == 200, answer.text
    assert api.audit("consignment.reassessed") == 1
    stale = api.client.get(f"/v1/decisions/{item['decision_id']}", headers=api.as_("acme")).json()["decision"]
    assert stale["state"] == "closed"

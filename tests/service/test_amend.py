"""Amendments: the next version is assigned; an RFI is answered by it; a DNL stands until an officer lifts it."""

from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN, RFI_LAPTOPS_VIA_KP


def amend(api, user, filing_id, data, **params):
    return api.client.post(f"/v1/filings/{filing_id}/amendments", json=data, headers=api.as_(user), params=params)


def without_version(data):
    return {k: v for k, v in data.items() if k != "version"}


def test_amendment_gets_version_2_and_answers_an_open_rfi(api):
    first = api.accepted("acme", filing(air_consignment(**RFI_LAPTOPS_VIA_KP)))
    [rfi] = first["consignments"]
    assert rfi["referral"] == "RFI"
    response = amend(api, "acme", first["filing_id"], without_version(filing()))
    assert response.status_code == 201
    [second] = response.json()["filings"]
    assert (second["status"], second["version"], second["filing_id"]) == ("accepted", 2, first["filing_id"])
    assert second["consignments"][0]["consignment_id"] == rfi["consignment_id"]
    old = api.client.get(f"/v1/decisions/{rfi['decision_id']}", headers=api.as_("acme")).json()
    assert old["decision"]["state"] == "closed"
    assert old["decision"]["current"] is False
    assert [e["action"] for e in old["events"]] == ["decided", "answered_by_amendment"]
    read = api.client.get(f"/v1/filings/{first['filing_id']}", headers=api.as_("acme")).json()
    assert [v["version"] for v in read["versions"]] == [1, 2]
    assert read["filing"]["current_version"] == 2


def test_a_retried_amendment_without_version_is_a_replay_not_a_third_version(api):
    first = api.accepted("acme", filing())
    changed = without_version(filing(air_consignment(goods__0__packages=12)))
    assert amend(api, "acme", first["filing_id"], changed).status_code == 201
    before = api.counts()
    again = amend(api, "acme", first["filing_id"], changed)
    assert again.status_code == 200
    assert again.json()["filings"][0]["status"] == "duplicate"
    assert again.json()["filings"][0]["version"] == 2
    assert api.counts() == before


def test_dnl_stands_through_an_amendment_until_an_officer_lifts_it_with_a_note(api):
    first = api.accepted("acme", filing(air_consignment(**DNL_TONER_YEMEN)))
    response = amend(api, "acme", first["filing_id"], filing(air_consignment(), version=2))
    assert response.status_code == 201
    [carried] = response.json()["filings"][0]["consignments"]
    assert carried["referral"] == "DNL"
    assert carried["state"] == "open"
    no_note = api.act("olga", carried["decision_id"], "lift")
    assert no_note.status_code == 422
    assert no_note.json()["problems"][0]["location"] == "note"
    lifted = api.act("olga", carried["decision_id"], "lift", note="cartridges opened at origin: empty")
    assert lifted.status_code == 200
    assert (lifted.json()["decision"]["outcome"], lifted.json()["decision"]["state"]) == (
        "ASSESSMENT_COMPLETE",
        "closed",
    )
    events = api.client.get(f"/v1/decisions/{carried['decision_id']}", headers=api.as_("acme")).json()["events"]
    assert [(e["action"], e["actor"]) for e in events] == [("decided", "safelane"), ("lift", "olga")]
    assert events[1]["note"] == "cartridges opened at origin: empty"


def test_an_amendment_must_be_for_the_same_document(api):
    first = api.accepted("acme", filing())
    before = api.counts()
    response = amend(api, "acme", first["filing_id"], filing(document_number="OTHER-DOC"))
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == "document_number"
    assert api.counts() == {**before, "audit_events": before["audit_events"] + 1}
    assert api.audit("filing.rejected") == 1


def test_officers_do_not_file_amendments_and_a_withdrawn_filing_takes_none(api):
    first = api.accepted("acme", filing())
    assert amend(api, "olga", first["filing_id"], filing(version=2)).status_code == 403
    api.client.post(f"/v1/filings/{first['filing_id']}/withdraw", headers=api.as_("acme"))
    response = amend(api, "acme", first["filing_id"], without_version(filing(air_consignment(goods__0__packages=3))))
    assert response.status_code == 409
    assert response.json()["problems"][0]["code"] == "withdrawn"

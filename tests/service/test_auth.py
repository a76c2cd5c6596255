"""Credentials: every /v1 call needs a known key; a filer is confined to its own organisation's records."""

import pytest

from safelane.settings import database_shown
from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sl_not-a-key"},
        {"X-API-Key": "sl_not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_missing_or_unknown_key_is_401_with_a_problem(api, headers):
    response = api.client.get("/v1/filings", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    [problem] = response.json()["problems"]
    assert problem["location"] == "header.Authorization"
    assert problem["code"] == "unauthenticated"


def test_both_header_styles_are_accepted(api):
    assert api.client.get("/v1/filings", headers=api.as_("acme")).status_code == 200
    assert api.client.get("/v1/filings", headers={"X-API-Key": api.keys["acme"]}).status_code == 200


def test_a_filer_never_sees_or_touches_another_filers_records(api):
    result = api.accepted("acme", filing(air_consignment(**DNL_TONER_YEMEN)))
    filing_id = result["filing_id"]
    [consignment] = result["consignments"]
    other = api.as_("globex")
    for path in (
        f"/v1/filings/{filing_id}",
        f"/v1/consignments/{consignment['consignment_id']}",
        f"/v1/decisions/{consignment['decision_id']}",
    ):
        response = api.client.get(path, headers=other)
        assert response.status_code == 404, path
        assert response.json()["problems"][0]["code"] == "not_found"
    assert api.client.get("/v1/filings", headers=other).json()["filings"] == []
    assert api.client.get("/v1/decisions", headers=other).json()["decisions"] == []
    assert api.client.post(f"/v1/filings/{filing_id}/withdraw", headers=other).status_code == 404
    amended = api.client.post(
        f"/v1/filings/{filing_id}/amendments", headers=other, json=filing(air_consignment(**DNL_TONER_YEMEN))
    )
    assert amended.status_code == 404
    acted = api.act("globex", consignment["decision_id"], "screening", method="XRY", result="clear")
    assert acted.status_code == 404
    # the owner and the officer still see it, unchanged
    assert api.client.get(f"/v1/filings/{filing_id}", headers=api.as_("acme")).json()["filing"]["status"] == "active"
    decision = api.client.get(f"/v1/decisions/{consignment['decision_id']}", headers=api.as_("olga")).json()
    assert decision["decision"]["outcome"] == "DNL"
    assert decision["decision"]["state"] == "open"


def test_a_filer_cannot_lift_a_dnl(api):
    [consignment] = api.accepted("acme", filing(air_consignment(**DNL_TONER_YEMEN)))["consignments"]
    response = api.act("acme", consignment["decision_id"], "lift", note="we checked it ourselves")
    assert response.status_code == 403
    assert response.json()["problems"][0]["code"] == "forbidden"


def test_officers_see_every_filer(api):
    api.accepted("acme", filing())
    api.accepted("globex", filing())
    listing = api.client.get("/v1/filings", headers=api.as_("olga")).json()["filings"]
    assert sorted(f["filer"] for f in listing) == ["ACME", "GLOBEX"]


def test_an_unknown_key_is_told_which_database_the_server_reads_and_no_key(api):
    [problem] = api.client.get("/v1/filings", headers={"Authorization": "Bearer sl_not-a-key"}).json()["problems"]
    assert database_shown(api.system.settings.database_url) in problem["message"]
    assert "sl_" not in problem["message"]

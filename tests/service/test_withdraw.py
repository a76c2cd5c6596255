"""Withdrawal: the filer (or an officer) withdraws a filing; its open decisions close; it takes no new version."""

from tests.factories import air_consignment, filing
from tests.service.conftest import RFI_LAPTOPS_VIA_KP, RFS_FALCON


def test_withdraw_closes_open_decisions(api):
    result = api.accepted(
        "acme", filing(air_consignment(**RFS_FALCON), air_consignment(house_document="HAWB-0002", **RFI_LAPTOPS_VIA_KP))
    )
    assert [c["state"] for c in result["consignments"]] == ["open", "open"]
    response = api.client.post(f"/v1/filings/{result['filing_id']}/withdraw", headers=api.as_("acme"))
    assert response.status_code == 200
    assert response.json()["filing"]["status"] == "withdrawn"
    open_ = api.client.get("/v1/decisions", params={"state": "open"}, headers=api.as_("acme")).json()["decisions"]
    assert open_ == []
    for consignment in result["consignments"]:
        events = api.client.get(f"/v1/decisions/{consignment['decision_id']}", headers=api.as_("acme")).json()
        assert events["events"][-1]["action"] == "withdrawn"
    again = api.submit("acme", filing(air_consignment(**RFS_FALCON), version=2))
    assert again.status_code == 409
    assert again.json()["problems"][0]["code"] == "withdrawn"


def test_an_officer_may_withdraw_and_withdrawing_twice_is_harmless(api):
    result = api.accepted("acme", filing())
    url = f"/v1/filings/{result['filing_id']}/withdraw"
    assert api.client.post(url, headers=api.as_("olga")).status_code == 200
    assert api.client.post(url, headers=api.as_("acme")).json()["filing"]["status"] == "withdrawn"
    assert api.client.post("/v1/filings/F000nothing/withdraw", headers=api.as_("olga")).status_code == 404

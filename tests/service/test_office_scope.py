"""Over the API as in the workbench: an officer posted to an office reaches that office's decisions only."""

from datetime import UTC, datetime

from safelane.store import users as user_store
from tests.factories import filing, sea_consignment
from tests.service.conftest import Api


def test_an_officer_posted_elsewhere_neither_lists_nor_opens_nor_acts(api: Api) -> None:
    with api.db.write() as conn:
        api.keys["pieter"] = user_store.add(conn, "pieter", "officer", at=datetime.now(UTC), office="BEANR")
    red = sea_consignment(consignor__name="Falcon Star General Trading")  # unloaded at NLRTM
    [item] = api.accepted("acme", filing(red, document_number="BL-SCOPE-1"))["consignments"]
    decision_id, consignment_id = item["decision_id"], item["consignment_id"]

    listed = api.client.get("/v1/decisions", headers=api.as_("pieter")).json()["decisions"]
    assert listed == []
    assert api.client.get(f"/v1/decisions/{decision_id}", headers=api.as_("pieter")).status_code == 404
    assert api.client.get(f"/v1/consignments/{consignment_id}", headers=api.as_("pieter")).status_code == 404
    assert api.act("pieter", decision_id, "close").status_code == 404
    assert api.client.get("/v1/offices/NLRTM", headers=api.as_("pieter")).status_code == 403
    assert api.client.get("/v1/offices/NLRTM/capacity", headers=api.as_("pieter")).status_code == 403
    assert api.client.get("/v1/offices/BEANR/capacity", headers=api.as_("pieter")).status_code == 200

    # an officer with no office (olga) reaches it all
    assert [d["decision_id"] for d in api.client.get("/v1/decisions", headers=api.as_("olga")).json()["decisions"]] == [
        decision_id
    ]
    assert api.act("olga", decision_id, "close").status_code == 200

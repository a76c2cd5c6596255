"""AEO 2.0 end to end on the real store: trader keys share data, filings are checked against it, and each
operator's trader view shows its own consignments and nothing of anyone else's."""

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from safelane.store import traders as trader_store
from safelane.store import users as user_store
from safelane.store.schema import trader_documents
from safelane.traders.importing import read
from tests.factories import air_consignment, filing, sea_consignment
from tests.service.conftest import api  # noqa: F401  (the API fixture)
from tests.traders.conftest import IMPORTER, REGISTER

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
INVOICE = {
    "id": "INV-2026-0042",
    "transport_document": "176-12345675",
    "seller": {"name": "Shenzhen Bright Toys Co Ltd", "country": "CN"},
    "buyer": {"name": "Northwind Retail GmbH", "identifiers": [{"scheme": "EORI", "value": "DE123456789012345"}]},
    "lines": [{"description": "Building blocks", "hs_code": "950300", "packages": 10, "gross_mass_kg": 120}],
}
SEALS = {"transport_document": "MAEU123456789", "equipment": "MSCU1234565", "seals": ["EC-778812"]}
FRUIT_CONSIGNEE = {
    "name": "Fresh Fruit Import BV",
    "address": {"city": "Rotterdam", "country": "NL"},
    "identifiers": [{"scheme": "EORI", "value": "NL100200300"}],
}


@pytest.fixture
def traders(api):  # noqa: F811
    """The test register (the fruit importer known by EORI), a trader key for Northwind and one for the importer."""
    api.system.pipeline.clock = lambda: NOW
    text = REGISTER.replace(REGISTER.splitlines()[2] + "\n", IMPORTER)
    with api.db.write() as conn:
        trader_store.import_rows(conn, read(text), actor="test", at=NOW, source="register.csv")
        ids = {o.name: o.operator_id for o in trader_store.everyone(conn)}
        api.keys["northwind"] = user_store.add(
            conn, "northwind", "trader", at=NOW, operator_id=ids["Northwind Retail GmbH"], actor="test"
        )
        api.keys["fruit"] = user_store.add(
            conn, "fruit", "trader", at=NOW, operator_id=ids["Fresh Fruit Import BV"], actor="test"
        )
    return ids


def _share(api, user: str, kind: str, body: Any):  # noqa: F811
    if isinstance(body, bytes):
        return api.client.post(f"/v1/trader-data/{kind}", content=body, headers=api.as_(user))
    return api.client.post(f"/v1/trader-data/{kind}", json=body, headers=api.as_(user))


def _findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    [consignment] = result["consignments"]
    return [f for f in consignment["findings"] if f["assessor"] == "trader_data"]


def test_only_a_trader_key_shares_and_only_as_its_operator(api, traders):  # noqa: F811
    for user in ("acme", "olga"):
        assert _share(api, user, "commercial-invoices", INVOICE).status_code == 403
    with api.db.write() as conn:
        with pytest.raises(ValueError, match="needs --operator"):
            user_store.add(conn, "nobody", "trader", at=NOW, actor="test")
        with pytest.raises(ValueError, match="no registered operator"):
            user_store.add(conn, "ghost", "trader", at=NOW, operator_id="O-none", actor="test")
    first = _share(api, "northwind", "commercial-invoices", INVOICE)
    assert first.status_code == 201, first.text
    assert first.json()["replaced"] is False
    again = _share(api, "northwind", "commercial-invoices", {**INVOICE, "lines": INVOICE["lines"] * 2})
    assert again.json() == {**first.json(), "replaced": True}
    with api.db.read() as conn:
        rows = conn.execute(sa.select(trader_documents.c.operator_id, trader_documents.c.kind)).all()
    assert rows == [(traders["Northwind Retail GmbH"], "commercial_invoice")]
    assert api.audit("trader_data.shared") == 2
    listed = api.client.get("/v1/trader-data", headers=api.as_("fruit")).json()
    assert listed == {"documents": []}  # the importer sees nothing of Northwind's


def test_a_bad_document_is_refused_whole_with_located_problems(api, traders):  # noqa: F811
    bad = {**INVOICE, "lines": [{"hs_code": "95", "packages": 0}], "colour": "red"}
    before = api.counts()
    refused = _share(api, "northwind", "commercial-invoices", bad)
    assert refused.status_code == 422
    assert {p["location"] for p in refused.json()["problems"]} == {
        "lines[0].hs_code",
        "lines[0].packages",
        "colour",
    }
    assert _share(api, "northwind", "seals", b"not json").status_code == 422
    assert api.counts() == before


def test_a_filing_consistent_with_the_traders_data_earns_more_facilitation(api, traders):  # noqa: F811
    assert _share(api, "northwind", "commercial-invoices", INVOICE).status_code == 201
    result = api.accepted("acme", filing(air_consignment()))
    [finding] = _findings(result)
    assert finding["code"] == "TRADER-DATA-CONSISTENT"
    assert finding["score"] == -10.0
    assert finding["evidence"]["compared"] == ["pieces", "weight", "parties", "goods"]
    assert "EU-AEO AEOS" in finding["explanation"]


def test_mismatched_seals_ask_for_a_documentary_check_naming_the_field(api, traders):  # noqa: F811
    assert _share(api, "fruit", "seals", SEALS).status_code == 201
    filed = sea_consignment(consignee=FRUIT_CONSIGNEE, equipment=["MSCU1234565"], seals=["EC-000001"])
    result = api.accepted("acme", filing(filed, document_number="SEA-1"))
    [finding] = _findings(result)
    assert finding["code"] == "TRADER-DATA-MISMATCH"
    assert finding["channel"] == "yellow"
    assert finding["evidence"]["mismatches"][0]["field"] == "seals"
    assert "filed EC-000001" in finding["explanation"] and "EC-778812" in finding["explanation"]
    [consignment] = result["consignments"]
    assert consignment["channel"] in ("yellow", "red")


def test_before_loading_a_mismatch_is_a_request_for_information(api, traders):  # noqa: F811
    assert _share(api, "northwind", "packing-lists", {**INVOICE, "id": "PL-1", "total_packages": 12}).status_code == 201
    result = api.accepted("acme", filing(air_consignment()))
    [finding] = _findings(result)
    assert (finding["code"], finding["referral"]) == ("TRADER-DATA-MISMATCH", "RFI")
    assert finding["evidence"]["mismatches"][0] == {
        "field": "total_packages",
        "filed": "10",
        "shared": "12",
        "document": "packing list PL-1",
    }


def test_each_trader_view_holds_its_own_consignments_only(api, traders):  # noqa: F811
    northwind = api.accepted("acme", filing(air_consignment()))["consignments"][0]
    fruit = api.accepted("acme", filing(sea_consignment(consignee=FRUIT_CONSIGNEE), document_number="SEA-2"))
    fruit_id = fruit["consignments"][0]["consignment_id"]
    anonymous = api.accepted("globex", filing(sea_consignment(house_document="HBL-NOBODY"), document_number="X"))
    own = api.client.get("/v1/trader", headers=api.as_("northwind"))
    assert own.status_code == 200, own.text
    view = own.json()
    assert [c["consignment_id"] for c in view["consignments"]] == [northwind["consignment_id"]]
    assert view["consignments"][0]["roles"] == ["consignee"]
    assert view["operator"]["name"] == "Northwind Retail GmbH"
    for marker in (fruit_id, "Fresh Fruit", "MAEU123456789", anonymous["consignments"][0]["consignment_id"]):
        assert marker not in own.text
    theirs = api.client.get("/v1/trader", headers=api.as_("fruit")).json()
    assert [c["consignment_id"] for c in theirs["consignments"]] == [fruit_id]
    assert northwind["consignment_id"] not in str(theirs)
    # every other route gives a trader key nothing: its scope matches no filer
    assert api.client.get("/v1/filings", headers=api.as_("northwind")).json()["filings"] == []
    path = f"/v1/consignments/{northwind['consignment_id']}"
    assert api.client.get(path, headers=api.as_("northwind")).status_code == 404
    assert api.client.get("/v1/traders", headers=api.as_("northwind")).status_code == 403
    assert api.client.get("/v1/trader", headers=api.as_("acme")).status_code == 403

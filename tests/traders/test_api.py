"""/v1/traders: officers read the register, supervisors import and change status, filers see nothing."""

from datetime import UTC, datetime

from safelane.store import users as user_store
from tests.factories import air_consignment, filing
from tests.service.conftest import api  # noqa: F401  (the API fixture)


def _supervisor(api) -> dict[str, str]:  # noqa: F811
    with api.db.write() as conn:
        key = user_store.add(conn, "sven", "supervisor", at=datetime.now(UTC), actor="test")
    return {"Authorization": f"Bearer {key}"}


def _import(api, text, headers):  # noqa: F811
    return api.client.post("/v1/traders", content=text.encode(), headers={**headers, "Content-Type": "text/csv"})


def test_roles(api, register_text):  # noqa: F811
    assert api.client.get("/v1/traders", headers=api.as_("acme")).status_code == 403
    assert _import(api, register_text, api.as_("olga")).status_code == 403
    assert _import(api, register_text, api.as_("acme")).status_code == 403
    assert api.audit("trader.operator_added") == 0
    api.system.pipeline.clock = lambda: datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # the status shown is as of now
    supervisor = _supervisor(api)
    imported = _import(api, register_text, supervisor)
    assert imported.status_code == 200, imported.text
    assert imported.json()["operators"]["added"] == 5
    found = api.client.get("/v1/traders", params={"q": "hanse"}, headers=api.as_("olga")).json()["operators"]
    (hanse,) = found
    assert hanse["authorisations"][0]["status"] == "suspended"  # since 2026-11-15
    one = api.client.get(f"/v1/traders/{hanse['operator_id']}", headers=api.as_("olga"))
    assert one.json()["name"] == "Hanse Customs Brokers GmbH"
    assert api.client.get("/v1/traders/O404", headers=api.as_("olga")).status_code == 404
    assert api.client.get("/v1/traders/programmes", headers=api.as_("acme")).status_code == 403
    assert api.client.get("/v1/traders/compliance", headers=api.as_("acme")).status_code == 403
    programmes = api.client.get("/v1/traders/programmes", headers=api.as_("olga")).json()
    assert {a["partner"] for a in programmes["arrangements"]} >= {"United States", "Japan"}
    measures = api.client.get("/v1/traders/compliance", headers=api.as_("olga")).json()["measures"]
    assert measures[0]["group"] == "no trusted trader"


def test_a_status_change_needs_a_supervisor_and_a_reason(api, register_text):  # noqa: F811
    supervisor = _supervisor(api)
    _import(api, register_text, supervisor)
    (northwind,) = api.client.get("/v1/traders", params={"q": "DE123456789012345"}, headers=supervisor).json()[
        "operators"
    ]
    path = f"/v1/traders/authorisations/{northwind['authorisations'][0]['authorisation_id']}/status"
    body = {"status": "suspended", "reason": "audit findings", "effective_at": "2026-11-20T09:00:00+00:00"}
    assert api.client.post(path, json=body, headers=api.as_("olga")).status_code == 403
    bad = api.client.post(path, json={"status": "paused", "reason": " "}, headers=supervisor)
    assert bad.status_code == 422
    assert {p["location"] for p in bad.json()["problems"]} == {"status", "reason"}
    changed = api.client.post(path, json=body, headers=supervisor)
    assert changed.status_code == 200, changed.text
    history = changed.json()["authorisations"][0]["history"]
    assert history[-1]["actor"] == "sven"
    assert api.audit("trader.status_changed") == 7  # six imported, one changed


def test_a_bad_file_is_refused_whole_with_located_problems(api, register_text):  # noqa: F811
    supervisor = _supervisor(api)
    before = api.counts()
    response = _import(
        api, register_text + "Bad,DE,,,,12345,,,,,,,EU-AEO,AEOS,,,certified,2020-01-01,,,,\n", supervisor
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == "upload.csv:8 column eori"
    assert api.counts() == before


def test_an_import_reaches_the_next_filing_at_once(api, register_text):  # noqa: F811
    supervisor = _supervisor(api)
    _import(api, register_text, supervisor)
    first = api.accepted("acme", filing(air_consignment(), filed_at="2026-11-20T08:00:00Z"))
    findings = first["consignments"][0]["findings"]
    assert any(f["assessor"] == "traders" and f["evidence"]["applied"] for f in findings)

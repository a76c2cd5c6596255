"""Agency officers' keys on the API (issue 14, need-to-know): they read the consignments and decisions in their
agency's scope through the field filter, and every other route refuses them as customs-only.

The routes are read from the app, so a route added later is probed here: closed to agencies by default, and one
opened in `AGENCY_ROUTES` fails `test_every_route_is_decided_for_agencies` until a probe below covers it.
"""

from datetime import UTC, datetime
from typing import Any

import pytest

from safelane.agencies import need_to_know
from safelane.agencies.register import register
from safelane.service.auth import AGENCY_ROUTES
from safelane.store import profiles as profile_store
from safelane.store import users as user_store
from tests.documents import samples
from tests.factories import filing, sea_consignment
from tests.risk.test_profiles import profile

AT = datetime(2026, 11, 20, tzinfo=UTC)
SECRET_VALUE = 98765.43  # no agency's register entry lists the value group
PLANT_RULE = profile(
    "hs_prefix: ['0602']\norigin_country: [CN]\ndocuments_missing: [N851]",
    "requirement: documents\ndocuments: [N851]",
    id="PH-PLANTS-CN",
    agency="plant_health",
)
VET_RULE = profile(  # a veterinary rule on plants: puts the bonsai in the veterinary scope by its hit alone
    "hs_prefix: ['0602']", "requirement: hold", id="VET-STRAW-PACKING", agency="veterinary"
)
AGENCY_USERS = {"pia": "plant_health", "vic": "veterinary", "fay": "food_safety", "wil": "wildlife"}


def _goods(description: str, hs_code: str, origin: str) -> list[dict[str, Any]]:
    return [
        {
            "description": description,
            "hs_code": hs_code,
            "packages": 4,
            "gross_mass_kg": 80,
            "value": {"amount": SECRET_VALUE, "currency": "USD"},
            "origin_country": origin,
        }
    ]


@pytest.fixture
def world(api) -> dict[str, Any]:
    """Bonsai from CN (plant health by its goods and rule, veterinary by its rule), frozen beef (veterinary and
    food safety by its goods) and laptops (no agency's); one key per agency."""
    with api.db.write() as conn:
        for text in (PLANT_RULE, VET_RULE):
            profile_store.save(conn, text, actor="test", at=AT, origin="agency.yaml", activate=True)
        for name, agency in AGENCY_USERS.items():
            api.keys[name] = user_store.add(conn, name, "agency_officer", at=AT, agency=agency, actor="test")
    api.system.profiles.refresh()
    bonsai = sea_consignment(
        house_document="HBL-BONSAI", goods=_goods("Live bonsai plants", "060290", "CN"), security_status="SPX"
    )
    beef = sea_consignment(house_document="HBL-BEEF", goods=_goods("Frozen boneless beef", "020230", "BR"))
    laptops = sea_consignment(house_document="HBL-LAPTOPS", goods=_goods("Laptop computers", "847130", "CN"))
    result = api.accepted("acme", filing(bonsai, beef, laptops))
    ids = {name: c for name, c in zip(("bonsai", "beef", "laptops"), result["consignments"], strict=True)}
    documents = {}
    for pages, (label, document_type) in enumerate(DOCUMENTS, start=1):  # distinct bytes: no replays
        url = f"/v1/consignments/{ids[label]['consignment_id']}/documents?type={document_type}"
        data = samples.pdf(pages=pages)
        headers = {**api.as_("acme"), "Content-Type": "application/pdf"}
        response = api.client.post(url, content=data, headers=headers)
        assert response.status_code == 201, response.text
        documents[(label, document_type)] = (response.json()["document"]["document_id"], data)
    return {"filing_id": result["filing_id"], "documents": documents, **ids}


# the filer's supporting documents: each agency may open only the types in its register entry's `documents:`
DOCUMENTS = [
    ("bonsai", "packing_list"),  # plant health's (not its N851: that would release its documents requirement)
    ("bonsai", "C640"),  # veterinary's, on a consignment plant health sees too
    ("bonsai", "licence"),  # customs' own: no agency's
    ("beef", "C640"),
    ("beef", "commercial_invoice"),  # veterinary's and food safety's
    ("laptops", "commercial_invoice"),  # in no agency's scope
]


SEES = {  # agency -> the consignments in its scope
    "plant_health": {"bonsai"},
    "veterinary": {"bonsai", "beef"},
    "food_safety": {"beef"},
    "wildlife": set(),
}


def _me(name: str) -> str:
    return AGENCY_USERS[name]


def _clean(name: str, body: dict[str, Any], text: str) -> None:
    """Nothing in an answer to `name` that its agency may not read."""
    assert str(SECRET_VALUE) not in text and "98765" not in text
    for other in set(AGENCY_USERS.values()) - {_me(name)}:
        for code in ("PH-PLANTS-CN", "VET-STRAW-PACKING"):
            if code.startswith({"plant_health": "PH", "veterinary": "VET"}.get(other, "-")):
                assert code not in text, (name, code)
    assert '"basis"' not in text  # customs' reasons for its decision
    for decision in [body.get("decision"), *body.get("decisions", [])]:
        if decision:
            assert not {"score", "reasons", "selection", "assigned_to", "random"} & set(decision), decision


def _probe_consignment(api, world, name: str) -> None:
    for label in ("bonsai", "beef", "laptops"):
        item = world[label]
        response = api.client.get(f"/v1/consignments/{item['consignment_id']}", headers=api.as_(name))
        if label not in SEES[_me(name)]:
            assert response.status_code == 404, (name, label, response.text)
            assert item["reference"] not in response.text
            continue
        assert response.status_code == 200, (name, label, response.text)
        body = response.json()
        _clean(name, body, response.text)
        shown = need_to_know.fields_of(need_to_know_scope(name))
        assert shown is not None
        allowed = {k for g in shown for k in need_to_know.GROUPS.get(g, ())}
        for version in body["versions"]:
            assert set(version["consignment"]) <= allowed, (name, set(version["consignment"]) - allowed)
            assert all(f.get("agency") == _me(name) for f in version["assessment"]["findings"])
        assert all(r["agency"] == _me(name) for r in body["status"]["requirements"])
        assert "releases" not in body["status"]


def need_to_know_scope(name: str):
    from safelane.scope import Scope

    return Scope.of(name, "agency_officer", agency=_me(name))


def _probe_decisions(api, world, name: str) -> None:
    response = api.client.get("/v1/decisions", headers=api.as_(name))
    assert response.status_code == 200, response.text
    _clean(name, response.json(), response.text)
    expected = {world[label]["consignment_id"] for label in SEES[_me(name)]}
    assert {d["consignment_id"] for d in response.json()["decisions"]} == expected


def _probe_decision(api, world, name: str) -> None:
    for label in ("bonsai", "beef", "laptops"):
        response = api.client.get(f"/v1/decisions/{world[label]['decision_id']}", headers=api.as_(name))
        if label not in SEES[_me(name)]:
            assert response.status_code == 404, (name, label, response.text)
            continue
        assert response.status_code == 200, (name, label, response.text)
        body = response.json()
        _clean(name, body, response.text)
        assert body["events"] == [] and all(r["agency"] == _me(name) for r in body["requirements"])


def _per_consignment(api, world, name: str, method: str, suffix: str, body: Any, ok: set[int]) -> None:
    """Outside the agency's scope: 404 and nothing of the consignment; inside: one of `ok`, with nothing leaked."""
    for label in ("bonsai", "beef", "laptops"):
        item = world[label]
        url = f"/v1/consignments/{item['consignment_id']}{suffix}"
        response = api.client.request(method, url, headers=api.as_(name), json=body)
        if label not in SEES[_me(name)]:
            assert response.status_code == 404, (name, label, method, suffix, response.text)
            assert item["reference"] not in response.text
            continue
        assert response.status_code in ok, (name, label, method, suffix, response.text)
        _clean(name, response.json(), response.text)


def _probe_schedule(api, world, name: str) -> None:
    _per_consignment(api, world, name, "POST", "/inspection", None, {200, 201, 403, 409})  # 403: not held by it


def _probe_inspection(api, world, name: str) -> None:
    _per_consignment(api, world, name, "GET", "/inspection", None, {200})


def _probe_result(api, world, name: str) -> None:
    _per_consignment(
        api, world, name, "POST", "/inspection/results", {"agency": _me(name), "outcome": "x"}, {404, 409, 422}
    )
    others = set(AGENCY_USERS.values()) - {_me(name)}
    for label in SEES[_me(name)]:  # another agency's result is never this agency's to record
        url = f"/v1/consignments/{world[label]['consignment_id']}/inspection/results"
        response = api.client.post(url, headers=api.as_(name), json={"agency": sorted(others)[0], "outcome": "x"})
        assert response.status_code == 403, (name, label, response.text)


def _probe_calendar(api, world, name: str) -> None:
    response = api.client.get("/v1/inspections?from=2026-11-15&days=30", headers=api.as_(name))
    assert response.status_code == 200, response.text
    _clean(name, response.json(), response.text)
    for label in {"bonsai", "beef", "laptops"} - SEES[_me(name)]:
        assert world[label]["consignment_id"] not in response.text, (name, label)


def _opens(name: str, label: str, document_type: str) -> bool:
    return label in SEES[_me(name)] and document_type in register()[_me(name)].documents


def _probe_documents(api, world, name: str) -> None:
    """Outside its scope: 404; inside: exactly the documents of the types its agency may open."""
    _per_consignment(api, world, name, "GET", "/documents", None, {200})
    for label in SEES[_me(name)]:
        url = f"/v1/consignments/{world[label]['consignment_id']}/documents"
        body = api.client.get(url, headers=api.as_(name)).json()
        expected = {
            doc for (on, kind), (doc, _) in world["documents"].items() if on == label and _opens(name, on, kind)
        }
        assert {d["document_id"] for d in body["documents"]} == expected, (name, label)
        assert all(register()[_me(name)].documents >= {t} for t in body["outstanding"]), (name, body["outstanding"])


def _probe_document(api, world, name: str) -> None:
    """A document it may not open is no document: 404 and none of its bytes, whoever else may open it."""
    for (label, document_type), (document_id, data) in world["documents"].items():
        response = api.client.get(f"/v1/documents/{document_id}", headers=api.as_(name))
        if _opens(name, label, document_type):
            assert response.status_code == 200 and response.content == data, (name, label, document_type)
        else:
            assert response.status_code == 404 and data not in response.content, (name, label, document_type)


PROBES = {
    ("GET", "/v1/consignments/{consignment_id}/documents"): _probe_documents,
    ("GET", "/v1/documents/{document_id}"): _probe_document,
    ("GET", "/v1/consignments/{consignment_id}"): _probe_consignment,
    ("POST", "/v1/consignments/{consignment_id}/inspection"): _probe_schedule,
    ("GET", "/v1/consignments/{consignment_id}/inspection"): _probe_inspection,
    ("POST", "/v1/consignments/{consignment_id}/inspection/results"): _probe_result,
    ("GET", "/v1/inspections"): _probe_calendar,
    ("GET", "/v1/decisions"): _probe_decisions,
    ("GET", "/v1/decisions/{decision_id}"): _probe_decision,
}


def _routes(api) -> list[tuple[str, str]]:
    """Every API route that takes a key: the OpenAPI operations that document 401 (safelane.service.openapi)."""
    return sorted(
        (method.upper(), path)
        for path, item in api.client.app.openapi()["paths"].items()
        for method, operation in item.items()
        if "401" in operation.get("responses", {})
    )


def test_every_route_is_decided_for_agencies(api, world) -> None:
    assert set(PROBES) == AGENCY_ROUTES
    ids = {
        "consignment_id": world["bonsai"]["consignment_id"],
        "decision_id": world["bonsai"]["decision_id"],
        "filing_id": world["filing_id"],
    }
    routes = _routes(api)
    assert set(AGENCY_ROUTES) <= set(routes)
    for method, path in routes:
        if (method, path) in AGENCY_ROUTES:
            for name in AGENCY_USERS:
                PROBES[(method, path)](api, world, name)
            continue
        url = path
        for part in [p.strip("{}") for p in path.split("/") if p.startswith("{")]:
            url = url.replace("{" + part + "}", ids.get(part, "x"))
        response = api.client.request(method, url, headers=api.as_("vic"), json={} if method != "GET" else None)
        assert response.status_code == 403, (method, path, response.status_code, response.text)
        assert response.json()["problems"][0]["code"] == "customs_only", (method, path)


def test_customs_reads_everything_with_the_combined_status(api, world) -> None:
    bonsai = world["bonsai"]["consignment_id"]
    response = api.client.get(f"/v1/consignments/{bonsai}", headers=api.as_("olga"))
    assert response.status_code == 200
    body = response.json()
    status = body["status"]
    assert {r["agency"] for r in status["requirements"]} == {"plant_health", "veterinary"}
    assert {"plant_health", "veterinary"} <= set(status["held_by"]) and status["released"] is False
    assert status["customs"]["outcome"] == body["versions"][-1]["decision"]["outcome"]
    current = body["versions"][-1]
    assert current["consignment"]["goods"][0]["value"]["amount"] == SECRET_VALUE
    assert "basis" in current["decision"] and "score" in current["assessment"]
    assert {f["code"] for f in current["assessment"]["findings"]} >= {"PH-PLANTS-CN", "VET-STRAW-PACKING"}
    # the filer's own answer (Single Window) carries every agency's requirement too
    answer = api.client.get(f"/v1/filings/{world['filing_id']}/answer", headers=api.as_("acme"))
    assert answer.status_code == 200
    assert "PH-PLANTS-CN" in answer.text and "VET-STRAW-PACKING" in answer.text


def test_an_agency_sees_its_own_requirement_and_who_holds(api, world) -> None:
    body = api.client.get(f"/v1/consignments/{world['bonsai']['consignment_id']}", headers=api.as_("pia")).json()
    [mine] = body["status"]["requirements"]
    assert mine["agency"] == "plant_health" and mine["action"] == "documents" and mine["documents"] == ["N851"]
    assert {"plant_health", "veterinary"} <= set(body["status"]["held_by"])  # who still holds: a coordination fact
    assert "security_status" not in body["versions"][-1]["consignment"]
    food = api.client.get(f"/v1/consignments/{world['beef']['consignment_id']}", headers=api.as_("fay")).json()
    assert "consignor" not in food["versions"][-1]["consignment"] and "filer" not in food


def test_an_agency_key_of_an_agency_no_longer_registered_is_refused(api, world, tmp_path, monkeypatch) -> None:
    register = tmp_path / "agencies.yaml"
    register.write_text("agencies:\n  - {code: fisheries, name: Fisheries, kind: other, fields: [goods]}\n")
    monkeypatch.setenv("SAFELANE_AGENCIES", str(register))
    api.client.app.state.keys = {}  # the key cache would otherwise answer for a few seconds
    response = api.client.get("/v1/decisions", headers=api.as_("pia"))
    assert response.status_code == 403 and response.json()["problems"][0]["code"] == "unknown_agency"


def test_every_view_of_a_document_is_an_audit_event(api, world) -> None:
    from safelane.store.schema import audit_events

    document_id, _ = world["documents"][("bonsai", "packing_list")]
    assert api.client.get(f"/v1/documents/{document_id}", headers=api.as_("pia")).status_code == 200
    listing = f"/v1/consignments/{world['bonsai']['consignment_id']}/documents"
    assert api.client.get(listing, headers=api.as_("vic")).status_code == 200
    api.client.app.state.reads.flush()
    with api.db.read() as conn:
        rows = [dict(r) for r in conn.execute(audit_events.select()).mappings()]
    [read] = [r for r in rows if r["action"] == "document.read" and r["actor"] == "pia"]
    assert read["subject"] == document_id and read["detail"]["document_type"] == "packing_list"
    [listed] = [r for r in rows if r["action"] == "documents.listed" and r["actor"] == "vic"]
    vets = {doc for (on, kind), (doc, _) in world["documents"].items() if on == "bonsai" and _opens("vic", on, kind)}
    assert set(listed["detail"]["documents"]) == vets and world["documents"][("bonsai", "licence")][0] not in vets

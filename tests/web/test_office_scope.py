"""Office scope on every API route and workbench page: an officer posted to NLRTM (olga) reaches nothing of a
consignment at BEANR, and of a filing spanning both offices only the NLRTM part.

The routes are read from the app (the OpenAPI paths and the workbench's routers), so a new route fails
`test_every_route_is_classified` until it is listed below with the request that probes it.
"""

from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from safelane.service import web
from safelane.store import profiles as profile_store
from safelane.store import receipts as receipt_store
from tests.documents import samples
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench

ANTWERP = {  # a consignment at BEANR with a profile hit of its own and names found nowhere else
    "house_document": "HBL-ANR-SECRET",
    "consignor__name": "Scheldt Hidden Shippers NV",
    "consignee__name": "Falcon Star General Trading Antwerp Branch",  # on the demo's party watch
    "itinerary__place_of_unloading": "BEANR",
}
SEIZURE = {
    "method": "physical",
    "result": "seizure",
    "seizure": {
        "commodity": "cocaine",
        "quantity": 12.5,
        "unit": "kg",
        "concealment": "container_structure",
        "detection": "risk_profile",
        "offence": "smuggling",
    },
}

PDF = samples.pdf()

# Routes that name one consignment (or its filing or decision) by the path: another office's is 403 or 404.
# (method, path) -> the body to send (JSON for /v1, a form for the workbench), None for none.
ONE_CONSIGNMENT: dict[tuple[str, str], Any] = {
    ("POST", "/v1/filings/{filing_id}/amendments"): "amendment",
    ("POST", "/v1/filings/{filing_id}/withdraw"): None,
    ("GET", "/v1/filings/{filing_id}"): None,
    ("GET", "/v1/filings/{filing_id}/answer"): None,
    ("GET", "/v1/decisions/{decision_id}"): None,
    ("POST", "/v1/decisions/{decision_id}/{action}"): {"note": "closed from elsewhere"},
    ("GET", "/v1/consignments/{consignment_id}"): None,
    ("GET", "/v1/consignments/{consignment_id}/notes"): None,
    ("POST", "/v1/consignments/{consignment_id}/notes"): {"text": "seen from elsewhere"},
    ("POST", "/v1/consignments/{consignment_id}/assignment"): {"officer": "olga"},
    ("GET", "/v1/consignments/{consignment_id}/requests"): None,
    ("POST", "/v1/consignments/{consignment_id}/requests"): {"documents": ["packing_list"], "text": "send it"},
    ("POST", "/v1/consignments/{consignment_id}/channel"): {"channel": "green", "note": "looks fine"},
    ("GET", "/v1/consignments/{consignment_id}/outcomes"): None,
    ("POST", "/v1/consignments/{consignment_id}/outcomes"): {"method": "nii", "result": "no_irregularity"},
    ("POST", "/v1/consignments/{consignment_id}/inspection"): None,
    ("GET", "/v1/consignments/{consignment_id}/inspection"): None,
    ("POST", "/v1/consignments/{consignment_id}/inspection/results"): {
        "agency": "customs",
        "method": "nii",
        "result": "no_irregularity",
    },
    ("POST", "/v1/consignments/{consignment_id}/arrival"): {"at": "2026-11-20T06:00:00Z"},
    ("POST", "/v1/consignments/{consignment_id}/departure"): {"at": "2026-11-20T06:00:00Z"},
    ("POST", "/v1/consignments/{consignment_id}/control-start"): {"at": "2026-11-20T06:00:00Z"},
    ("POST", "/v1/consignments/{consignment_id}/documents"): ("application/pdf", PDF),
    ("GET", "/v1/consignments/{consignment_id}/documents"): None,
    ("GET", "/v1/receipts/{receipt_id}"): None,  # the BEANR filing as if it had come through the spool
    ("GET", "/consignments/{consignment_id}"): None,
    ("POST", "/consignments/{consignment_id}/actions/{action}"): {"text": "seen from elsewhere", "note": "x"},
    ("GET", "/consignments/{consignment_id}/outcome"): None,
    ("GET", "/consignments/{consignment_id}/documents/{document_id}"): None,
    ("POST", "/consignments/{consignment_id}/outcome"): {"method": "nii", "result": "no_irregularity"},
    ("POST", "/consignments/{consignment_id}/inspection"): {"place": "shed", "agency.customs": "1"},
}
# Routes of many consignments, of offices or of no consignment: any answer but a server error, with nothing of
# the other office's consignment in it. Query strings ask for the other office outright where a route has one.
MANY_OR_NONE: dict[tuple[str, str], Any] = {
    ("GET", "/v1/filings"): None,
    ("POST", "/v1/filings"): "filing",  # filers only: an officer gets 403
    ("GET", "/v1/decisions"): None,
    ("GET", "/v1/seizures"): None,
    ("GET", "/v1/offices"): None,
    ("GET", "/v1/offices/{office}"): None,
    ("PUT", "/v1/offices/{office}"): {"capacity": {"physical": 1}},
    ("GET", "/v1/offices/{office}/capacity"): None,
    ("GET", "/v1/inspections"): None,
    ("PUT", "/v1/inspections/slots/{office}/{agency}"): {
        "place": "x",
        "day_start": 480,
        "slot_minutes": 60,
        "slots": 8,
        "teams": 1,
        "daily": 8,
    },
    ("GET", "/inspections"): None,
    ("GET", "/v1/disruptions"): None,
    ("POST", "/v1/disruptions"): {"kind": "port_closure", "scope": {"offices": ["BEANR"]}},  # supervisors only
    ("POST", "/v1/disruptions/{disruption_id}/end"): None,
    ("GET", "/v1/trs"): None,  # figures over the caller's scope only
    # the trusted-trader register is national: no consignment of an office in it
    ("GET", "/v1/traders"): None,
    ("GET", "/v1/traders/programmes"): None,
    ("GET", "/v1/traders/compliance"): None,
    ("GET", "/v1/traders/{operator_id}"): None,
    ("POST", "/v1/traders"): None,  # supervisors only
    ("POST", "/v1/traders/authorisations/{authorisation_id}/status"): {"status": "suspended", "reason": "x"},
    ("GET", "/v1/traders/reviews"): None,
    ("POST", "/v1/traders/{operator_id}/review"): {"decision": "keep", "reason": "x"},  # supervisors only
    # AEO 2.0: trader keys only (an officer gets 403); a trader's own data and view hold no office's consignment
    ("GET", "/v1/trader"): None,
    ("GET", "/v1/trader-data"): None,
    ("POST", "/v1/trader-data/purchase-orders"): {"id": "PO-1"},
    ("POST", "/v1/trader-data/commercial-invoices"): {"id": "INV-1"},
    ("POST", "/v1/trader-data/packing-lists"): {"id": "PL-1"},
    ("POST", "/v1/trader-data/seals"): {"equipment": "MSCU1234565"},
    ("POST", "/v1/trader-data/tracking-events"): {"id": "EV-1"},
    # ePhyto certificates are national documents (officers only); no office's consignment is in one
    ("POST", "/v1/certificates"): None,
    ("GET", "/v1/certificates/{certificate_id}"): None,
    # a document is read by its id (scope checked through its consignment): probed with an id of no document
    ("GET", "/v1/documents/{document_id}"): None,
    ("GET", "/traders"): None,
    ("GET", "/traders/compliance"): None,
    ("GET", "/traders/{operator_id}"): None,
    ("POST", "/traders/{operator_id}/status"): {"status": "suspended", "reason": "x"},
    ("POST", "/traders/{operator_id}/review"): {"decision": "keep", "reason": "x"},
    ("GET", "/trader"): None,  # a trader's own view: an officer is refused
    ("GET", "/healthz"): None,
    ("GET", "/metrics"): None,
    ("GET", "/signin"): None,
    ("POST", "/signin"): {"name": "olga", "password": "wrong"},
    ("POST", "/signout"): None,  # probed last: it ends the session
    ("GET", "/queue"): None,
    ("GET", "/profiles"): None,
    ("GET", "/profiles/new"): None,
    ("POST", "/profiles/new"): {"source": ""},
    ("GET", "/profiles/{profile_id}"): None,
    ("GET", "/profiles/{profile_id}/edit"): None,
    ("POST", "/profiles/{profile_id}/edit"): {"source": ""},
    ("GET", "/profiles/{profile_id}/backtest"): None,
    ("POST", "/profiles/{profile_id}/activate"): {"version": "999"},
    ("POST", "/profiles/{profile_id}/deactivate"): {"version": "999"},
    ("GET", "/dashboard"): None,
    ("GET", "/trs"): None,
    ("GET", "/resilience"): None,
    ("GET", "/seizures"): None,
    ("GET", "/offices"): None,
    ("GET", "/offices/edit"): None,
    ("GET", "/offices/{office}"): None,
    ("POST", "/offices/{office}"): {"physical": "1"},
}
QUERIES = {  # the other office asked for by name, and the exports
    "/v1/trs": ["", "?format=csv"],
    "/trs": ["", "?format=csv", "?to=2026-11-20&days=5"],
    "/v1/decisions": ["", "?state=open"],
    "/v1/seizures": ["", "?office=BEANR", "?format=csv"],
    "/v1/inspections": ["", "?office=BEANR", "?from=2026-11-19&days=30"],
    "/inspections": [
        "",
        "?office=BEANR",
        "?from=2026-11-19&days=30",
        "?office=BEANR&from=2026-11-19&format=csv",
        "?office=BEANR&from=2026-11-19&format=csv&part=measures",
    ],
    "/queue": ["", "?office=BEANR", "?format=csv", "?office=BEANR&format=csv"],
    "/seizures": ["", "?office=BEANR", "?format=csv", "?format=json&office=BEANR"],
    "/dashboard": ["", "?office=BEANR"]
    + [f"?office=BEANR&format=csv&figure={f}" for f in ("filings", "seizures", "joint_inspections")],
}


def _routes(bench: Bench) -> set[tuple[str, str]]:
    """Every route of the app: the OpenAPI paths and the workbench's pages and forms."""
    found = {(method.upper(), path) for path, item in bench.app.openapi()["paths"].items() for method in item}
    for module in web.PAGES:
        found |= {(method, route.path) for route in module.router.routes for method in route.methods}  # type: ignore[attr-defined]
    return found


def test_every_route_is_classified(bench: Bench) -> None:
    routes = _routes(bench)
    assert routes - ONE_CONSIGNMENT.keys() - MANY_OR_NONE.keys() == set(), "a route without an office scope probe"
    assert (ONE_CONSIGNMENT.keys() | MANY_OR_NONE.keys()) - routes == set(), "a probe of a route that is gone"


def _file(bench: Bench, *consignments: dict[str, Any], number: str) -> dict[str, Any]:
    return bench.file("acme", filing(*consignments, document_number=number))


def _api(client: TestClient, bench: Bench, user: str, method: str, path: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {bench.keys[user]}"}
    if isinstance(body, bytes):
        return client.request(method, path, content=body, headers=headers)
    if isinstance(body, tuple):  # (media type, bytes): a document
        return client.request(method, path, content=body[1], headers={**headers, "Content-Type": body[0]})
    return client.request(method, path, json=body, headers=headers)


@pytest.fixture
def offices(bench: Bench) -> dict[str, Any]:
    """A filing wholly at BEANR (pieter's office) with a seizure, and one spanning NLRTM and BEANR."""
    antwerp = _file(bench, sea_consignment(**ANTWERP), number="ANR-ONLY")
    [item] = antwerp["consignments"]
    client = bench.anonymous()
    seized = _api(client, bench, "pieter", "POST", f"/v1/consignments/{item['consignment_id']}/outcomes", SEIZURE)
    assert seized.status_code == 201, seized.text
    mixed = _file(
        bench,
        sea_consignment(house_document="HBL-RTM-OPEN"),
        sea_consignment(**{**ANTWERP, "house_document": "HBL-ANR-MIXED"}),
        number="MIX-1",
    )
    rotterdam, elsewhere = mixed["consignments"]
    own = {f["explanation"] for f in rotterdam["findings"]}
    theirs = {f["explanation"] for f in item["findings"]} - own
    assert theirs, "the BEANR consignment needs a finding of its own to look for"
    with bench.db.write() as conn:  # the BEANR filing as store-and-forward answers it
        at = datetime(2026, 11, 20, tzinfo=UTC)
        receipt_store.record(
            conn, [receipt_store.Receipt("R-ANR-ONLY", "ACME", at, {"status": "assessed", "filings": [antwerp]})], at
        )
    return {"antwerp": antwerp, "item": item, "mixed": mixed, "rotterdam": rotterdam, "elsewhere": elsewhere,
            "theirs": theirs, "receipt_id": "R-ANR-ONLY"}  # fmt: skip


def _markers(found: dict[str, Any], *, with_ids: bool) -> list[str]:
    """What must never reach olga of the BEANR consignment: its reference, parties, findings (and ids, when the
    request does not name them itself)."""
    item = found["item"]
    marks = [
        "HBL-ANR-SECRET",
        "HBL-ANR-MIXED",
        "Scheldt Hidden Shippers",
        "Falcon Star General Trading Antwerp",
        *sorted(found["theirs"]),
    ]
    if with_ids:
        marks += [item["consignment_id"], item["decision_id"], found["elsewhere"]["consignment_id"]]
    return marks


def _leaks(response: httpx.Response, marks: list[str]) -> list[str]:
    import html

    body = html.unescape(response.text)
    return [m for m in marks if m in body or orjson.dumps(m).decode()[1:-1] in body]


def _path(template: str, found: dict[str, Any], profile_id: str) -> str:
    item = found["item"]
    values = {
        "filing_id": found["antwerp"]["filing_id"],
        "decision_id": item["decision_id"],
        "consignment_id": item["consignment_id"],
        "action": "close" if template.startswith("/v1/") else "note",
        "office": "BEANR",
        "agency": "plant_health",
        "profile_id": profile_id,
        "receipt_id": found["receipt_id"],
        "disruption_id": "D-none",
        "operator_id": "O-none",
        "authorisation_id": "A-none",
        "certificate_id": "C-none",
        "document_id": "D-none",
    }
    return template.format(**values)


def _body(body: Any) -> Any:
    if body == "filing":
        return orjson.dumps(filing(sea_consignment(), document_number="FROM-OLGA"))
    if body == "amendment":
        return orjson.dumps(filing(sea_consignment(**ANTWERP), document_number="ANR-ONLY"))
    return body


def _probe(bench: Bench, client: TestClient, csrf: str, method: str, path: str, body: Any) -> httpx.Response:
    if path.startswith(("/v1/", "/healthz", "/metrics")):
        return _api(client, bench, "olga", method, path, _body(body))
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf": csrf, **(body or {})})


def test_an_officer_of_another_office_reaches_nothing_of_its_consignments(
    bench: Bench, offices: dict[str, Any]
) -> None:
    with bench.db.read() as conn:
        profile_id = profile_store.listing(conn)[0]["profile_id"]
    olga = bench.client("olga")
    csrf = bench.csrf(olga)
    before = _state(bench)
    for (method, template), body in sorted(ONE_CONSIGNMENT.items()):
        path = _path(template, offices, profile_id)
        response = _probe(bench, olga, csrf, method, path, body)
        assert response.status_code in (403, 404), (method, path, response.status_code, response.text[:300])
        assert _leaks(response, _markers(offices, with_ids=False)) == [], (method, path)
    for (method, template), body in sorted(MANY_OR_NONE.items(), key=lambda kv: kv[0][1] == "/signout"):
        path = _path(template, offices, profile_id)
        for query in QUERIES.get(template, [""]) if method == "GET" else [""]:
            response = _probe(bench, olga, csrf, method, path + query, body)
            assert response.status_code < 500, (method, path + query, response.text[:300])
            named = template != path  # the request itself names an id
            assert _leaks(response, _markers(offices, with_ids=not named)) == [], (method, path + query)
    assert _state(bench) == before  # nothing of BEANR's changed


def _state(bench: Bench) -> list[tuple[Any, ...]]:
    """Every decision's state and every case note and outcome: what a refused action must leave alone."""
    import sqlalchemy as sa

    from safelane.store.schema import case_notes, decisions, filings, inspection_outcomes

    with bench.db.read() as conn:
        return sorted(
            [
                *map(tuple, conn.execute(sa.select(decisions.c.decision_id, decisions.c.outcome, decisions.c.state))),
                *map(tuple, conn.execute(sa.select(filings.c.filing_id, filings.c.status, filings.c.current_version))),
                ("notes", conn.execute(sa.select(sa.func.count()).select_from(case_notes)).scalar_one(), ""),
                (
                    "outcomes",
                    conn.execute(sa.select(sa.func.count()).select_from(inspection_outcomes)).scalar_one(),
                    "",
                ),
            ]
        )


def test_the_officer_of_the_consignments_office_reaches_it(bench: Bench, offices: dict[str, Any]) -> None:
    item = offices["item"]
    pieter, api = bench.client("pieter"), bench.anonymous()
    for template in ("/v1/filings/{filing_id}", "/v1/decisions/{decision_id}", "/v1/consignments/{consignment_id}"):
        response = _api(api, bench, "pieter", "GET", _path(template, offices, ""))
        assert response.status_code == 200, template
        assert "HBL-ANR-SECRET" in response.text, template
    for path in (f"/consignments/{item['consignment_id']}", f"/consignments/{item['consignment_id']}/outcome"):
        page = pieter.get(path)
        assert page.status_code == 200, path
        assert "HBL-ANR-SECRET" in page.text, path
    assert "HBL-ANR-SECRET" in pieter.get("/seizures").text
    noted = _api(api, bench, "pieter", "POST", f"/v1/consignments/{item['consignment_id']}/notes", {"text": "seal ok"})
    assert noted.status_code == 201


def test_a_filing_across_offices_shows_an_officer_its_part_only(bench: Bench, offices: dict[str, Any]) -> None:
    mixed, rotterdam, elsewhere = offices["mixed"], offices["rotterdam"], offices["elsewhere"]
    api, filing_id = bench.anonymous(), mixed["filing_id"]
    marks = _markers(offices, with_ids=True)

    seen = _api(api, bench, "olga", "GET", f"/v1/filings/{filing_id}").json()
    assert [c["consignment_id"] for c in seen["consignments"]] == [rotterdam["consignment_id"]]
    [version] = seen["versions"]
    assert [c["consignment_id"] for c in version["consignments"]] == [rotterdam["consignment_id"]]
    assert "raw" not in version  # the message as received holds the other office's consignment
    answer = _api(api, bench, "olga", "GET", f"/v1/filings/{filing_id}/answer")
    listed = _api(api, bench, "olga", "GET", "/v1/filings")
    for response in (answer, listed):
        assert response.status_code == 200
        assert _leaks(response, marks) == []
    assert "HBL-RTM-OPEN" in answer.text
    assert [f["filing_id"] for f in listed.json()["filings"]] == [filing_id]  # not the filing wholly at BEANR
    assert (
        _leaks(api.get(f"/v1/filings/{filing_id}", headers={"Authorization": f"Bearer {bench.keys['olga']}"}), marks)
        == []
    )

    olga = bench.client("olga")
    page = olga.get(f"/consignments/{rotterdam['consignment_id']}")
    assert page.status_code == 200
    assert "also holds consignments of other offices" in page.text
    assert _leaks(page, marks) == []
    queue = olga.get("/queue")
    assert rotterdam["consignment_id"] in queue.text
    assert _leaks(queue, marks) == []

    refused = _api(api, bench, "olga", "POST", f"/v1/filings/{filing_id}/withdraw")
    assert refused.status_code == 403  # withdrawing would close BEANR's decision too
    assert _leaks(refused, marks) == []

    whole = _api(api, bench, "sam", "GET", f"/v1/filings/{filing_id}").json()  # a supervisor: every office
    assert len(whole["consignments"]) == 2
    assert "Falcon Star General Trading Antwerp" in whole["versions"][0]["raw"]
    theirs = _api(api, bench, "pieter", "GET", f"/v1/filings/{filing_id}").json()
    assert [c["consignment_id"] for c in theirs["consignments"]] == [elsewhere["consignment_id"]]
    own = _api(api, bench, "acme", "GET", f"/v1/filings/{filing_id}").json()  # the filer: all of its filing
    assert len(own["consignments"]) == 2
    assert _api(api, bench, "sam", "POST", f"/v1/filings/{filing_id}/withdraw").status_code == 200


def test_a_consignment_of_no_known_office_is_for_unposted_customs_only(bench: Bench) -> None:
    sparse = sea_consignment(house_document="HBL-NOWHERE", itinerary__place_of_unloading=None)
    [item] = _file(bench, sparse, number="NOWHERE-1")["consignments"]
    api = bench.anonymous()
    path = f"/v1/consignments/{item['consignment_id']}"
    assert _api(api, bench, "olga", "GET", path).status_code == 404
    assert _api(api, bench, "pieter", "GET", path).status_code == 404
    assert _api(api, bench, "sam", "GET", path).status_code == 200
    assert bench.client("sam").get(f"/consignments/{item['consignment_id']}").status_code == 200


def test_a_receipt_is_read_by_its_filer_and_by_customs_of_every_office_only(bench: Bench, offices) -> None:
    client = bench.anonymous()
    path = f"/v1/receipts/{offices['receipt_id']}"
    statuses = {user: _api(client, bench, user, "GET", path).status_code for user in ("acme", "sam", "pieter", "olga")}
    assert statuses == {"acme": 200, "sam": 200, "pieter": 404, "olga": 404}

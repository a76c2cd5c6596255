"""An agency officer at the workbench, on the real store (SQLite, and PostgreSQL when configured): signs in, sees
only its agency's consignments (its queue, consignment page, result form, dashboard and calendar), records its
own inspection result in its own codes, and gets a clear 403 on customs' pages. Templates render with
StrictUndefined (the bench's setting)."""

import html
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from safelane.domain.assessment import AgencyRequirement
from safelane.service import web
from safelane.store import agency_scope as scope_store
from safelane.store import profiles as profile_store
from safelane.store import requirements
from safelane.store import users as user_store
from safelane.store.schema import agency_requirements, decisions
from tests.conftest import Clock
from tests.factories import filing, sea_consignment
from tests.web.conftest import PASSWORD, Bench
from tests.web.test_inspections import SLOTS, _call
from tests.web.test_office_scope import MANY_OR_NONE, ONE_CONSIGNMENT

T0 = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)
AGENCY_USERS = {"pia": ("plant_health", "NLRTM"), "vera": ("veterinary", None)}
CUSTOMS_PAGES = (
    "/seizures",
    "/offices",
    "/offices/NLRTM",
    "/traders",
    "/traders/compliance",
    "/resilience",
    "/trs",
)


def _agency_users(bench: Bench) -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    with bench.db.write() as conn:
        for name, (agency, office) in AGENCY_USERS.items():
            bench.keys[name] = user_store.add(
                conn, name, "agency_officer", at=at, agency=agency, office=office, actor="test"
            )
            user_store.set_password(conn, name, PASSWORD, at=at, actor="test")


TOYS = {"goods__0__hs_code": "950300", "goods__0__description": "Plastic building blocks"}  # no agency's goods


def _held(bench: Bench, client: TestClient, number: str, agencies: list[str], *, red: bool, **changes: Any) -> str:
    """A Rotterdam consignment in the red channel (`red`) or the green, held by `agencies` on its current decision
    (their requirement and scope rows, as the assessment writes them)."""
    [item] = bench.file("acme", filing(sea_consignment(**changes), document_number=number))["consignments"]
    cid = str(item["consignment_id"])
    channel = "red" if red else "green"
    if item.get("channel") != channel:
        moved = _call(
            client, bench, "sam", "POST", f"/v1/consignments/{cid}/channel", {"channel": channel, "note": "x"}
        )
        assert moved.status_code == 200, moved.text
    reqs = [AgencyRequirement(a, "hold", f"{a} inspects") for a in agencies]
    with bench.db.write() as conn:
        if reqs:
            conn.execute(agency_requirements.insert(), requirements.rows(item["decision_id"], cid, reqs))
        scope_store.add(conn, cid, dict.fromkeys(agencies, "requirement"))
    return cid


@pytest.fixture
def held(bench: Bench) -> dict[str, str]:
    """Three Rotterdam consignments: `both` (bananas) red for customs and held by plant health and veterinary,
    `vet` (toys) held by veterinary only, `none` (toys) held by no agency; inspection slots for both agencies."""
    bench.system.pipeline.clock = Clock(T0)
    _agency_users(bench)
    client = bench.anonymous()
    for agency in ("plant_health", "veterinary"):
        assert _call(client, bench, "sam", "PUT", f"/v1/inspections/slots/*/{agency}", SLOTS).status_code == 200
    return {
        "both": _held(bench, client, "AG-BOTH", ["plant_health", "veterinary"], red=True),
        "vet": _held(bench, client, "AG-VET", ["veterinary"], red=False, **TOYS),
        "none": _held(bench, client, "AG-NONE", [], red=True, **TOYS),
    }


def _text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def test_an_agency_officer_signs_in_and_customs_pages_are_refused(bench: Bench, held: dict[str, str]) -> None:
    pia = bench.client("pia")
    queue = pia.get("/queue")
    assert queue.status_code == 200
    assert "pia · agency_officer · plant health · NLRTM" in _text(queue)
    nav = _text(queue).split('aria-label="Workbench"')[1].split("</nav>")[0]
    assert all(f'href="{p}"' in nav for p in ("/queue", "/dashboard", "/profiles", "/inspections"))
    assert not any(f'href="{p}"' in nav for p in ("/seizures", "/offices", "/traders", "/resilience"))
    for path in CUSTOMS_PAGES:
        refused = pia.get(path)
        assert refused.status_code == 403, path
        assert "This page is for customs officers" in _text(refused), path
    customs_nav = _text(bench.client("olga").get("/queue")).split('aria-label="Workbench"')[1].split("</nav>")[0]
    assert 'href="/profiles"' in customs_nav and 'href="/inspections"' in customs_nav


def test_queue_consignment_and_own_result_through_the_workbench(bench: Bench, held: dict[str, str]) -> None:
    both, vet, none = held["both"], held["vet"], held["none"]
    pia = bench.client("pia")
    queue = _text(pia.get("/queue"))
    assert both in queue and vet not in queue and none not in queue
    with bench.db.read() as conn:
        basis = conn.execute(decisions.select().where(decisions.c.consignment_id == both)).mappings().first()
    assert basis is not None and basis["basis"]
    assert "plant_health inspects" in queue and basis["basis"] not in queue  # its requirement, not customs' why
    assert 'name="profile"' not in queue and 'name="selection"' not in queue and 'value="score"' not in queue
    narrowed = _text(pia.get("/queue?selection=random&profile=NOPE&assigned=me&sort=score"))
    assert both in narrowed  # customs' filters do not apply to (nor reveal anything to) an agency

    page = pia.get(f"/consignments/{both}")
    assert page.status_code == 200, page.text
    shown = _text(page)
    assert "Your requirement" in shown and "plant_health hold: plant_health inspects" in shown
    assert "veterinary inspects" not in shown  # another agency's requirement is its own business
    assert "15000 USD" not in shown and "Frutas del Pacifico" in shown  # plant health's fields: parties, no value
    assert "15000 USD" in _text(bench.client("olga").get(f"/consignments/{both}"))
    assert "No inspection scheduled" in shown and 'id="actions"' not in shown
    for other in (vet, none):
        assert pia.get(f"/consignments/{other}").status_code == 404
        assert pia.get(f"/consignments/{other}/outcome").status_code == 404
    assert "No inspection of this consignment is scheduled" in _text(pia.get(f"/consignments/{both}/outcome"))

    scheduled = _call(bench.anonymous(), bench, "olga", "POST", f"/v1/consignments/{both}/inspection")
    assert scheduled.status_code == 201, scheduled.text
    form = _text(pia.get(f"/consignments/{both}/outcome"))
    assert "Compliant, no pest found" in form and "Compliant with health certificate" not in form  # its own codes
    bad = bench.post(pia, f"/consignments/{both}/outcome", outcome="fine", note="")
    assert bad.status_code == 422 and "outcome must be one of compliant, treatment, pest_refused" in _text(bad)
    done = bench.post(pia, f"/consignments/{both}/outcome", outcome="compliant", note="no pest on the pallets")
    assert done.status_code == 303 and done.headers["location"] == f"/consignments/{both}?done=result#inspection"
    after = _text(pia.get(f"/consignments/{both}?done=result"))
    assert "Your agency's inspection result was recorded." in after
    assert "Held by customs, veterinary." in after and "no pest on the pallets" in after
    assert both not in _text(pia.get("/queue"))  # released by plant health: no longer waiting for it
    assert "plant_health (compliant)" in _text(pia.get("/inspections?from=2026-11-20"))
    lines = pia.get("/inspections?from=2026-11-20&format=csv").text.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("starts_at,ends_at,office,place,consignment_id,joint,agency,outcome")
    assert [line.split(",")[6:8] for line in lines[1:]] == [
        ["customs", ""],
        ["plant_health", "compliant"],
        ["veterinary", ""],
    ]

    refused = bench.post(pia, f"/consignments/{both}/actions/note", text="seen")
    assert refused.status_code == 403 and "Only customs acts on the decision" in _text(refused)


def test_each_agency_records_only_its_own_result_over_the_api(bench: Bench, held: dict[str, str]) -> None:
    both, vet = held["both"], held["vet"]
    api = bench.anonymous()
    nope = _call(api, bench, "pia", "POST", f"/v1/consignments/{vet}/inspection")
    assert nope.status_code == 404, nope.text
    mine = _call(api, bench, "vera", "POST", f"/v1/consignments/{vet}/inspection")  # its own hold: it schedules
    assert mine.status_code == 201 and [p["agency"] for p in mine.json()["inspection"]["participants"]] == [
        "veterinary"
    ]
    assert _call(api, bench, "olga", "POST", f"/v1/consignments/{both}/inspection").status_code == 201
    results = f"/v1/consignments/{both}/inspection/results"
    other = _call(api, bench, "pia", "POST", results, {"agency": "veterinary", "outcome": "compliant"})
    assert other.status_code == 403 and "may not record veterinary" in other.text
    customs = _call(api, bench, "pia", "POST", results, {"agency": "customs", "method": "nii", "result": "x"})
    assert customs.status_code == 403
    own = _call(api, bench, "vera", "POST", results, {"agency": "veterinary", "outcome": "sampling"})
    assert own.status_code == 201, own.text
    assert own.json()["status"]["held_by"] == ["customs", "plant_health", "veterinary"]  # sampling keeps holding
    seen = _call(api, bench, "pia", "GET", f"/v1/consignments/{both}/inspection")
    assert seen.status_code == 200 and not seen.json()["status"]["released"]
    assert _call(api, bench, "pia", "GET", f"/v1/consignments/{vet}/inspection").status_code == 404
    calendar = _call(api, bench, "pia", "GET", "/v1/inspections?from=2026-11-20&days=3").json()
    assert [r["consignment_id"] for r in calendar["inspections"]] == [both]
    assert {r["consignment_id"] for r in _call(api, bench, "vera", "GET", "/v1/inspections").json()["inspections"]} == {
        both,
        vet,
    }


def test_agency_dashboard_counts_its_work_and_the_inspections_saved(bench: Bench, held: dict[str, str]) -> None:
    both = held["both"]
    api = bench.anonymous()
    assert _call(api, bench, "olga", "POST", f"/v1/consignments/{both}/inspection").status_code == 201
    results = f"/v1/consignments/{both}/inspection/results"
    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 11, 0, tzinfo=UTC))
    assert _call(api, bench, "vera", "POST", results, {"agency": "veterinary", "outcome": "compliant"}).status_code
    assert _call(api, bench, "pia", "POST", results, {"agency": "plant_health", "outcome": "compliant"}).status_code
    customs = {"agency": "customs", "method": "physical", "result": "no_irregularity"}
    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    assert _call(api, bench, "olga", "POST", results, customs).status_code == 201

    board = bench.client("vera").get("/dashboard?from=2026-11-20&to=2026-11-20")
    assert board.status_code == 200, board.text
    shown = " ".join(_text(board).split())
    assert "Dashboard · veterinary" in shown
    assert '<td>hold</td><td class="num">2</td>' in shown  # `both` and `vet`
    assert "1 inspection of your consignments, 1 joint: 3 separate inspections without joining, 2 saved." in shown
    rows = shown.split("Arrival to release")[1]
    assert '<td>your agency\'s release</td><td class="num">1</td> <td class="num">1.83</td>' in rows  # 11:00
    assert '<td>last release (goods free to leave)</td><td class="num">1</td> <td class="num">2.83</td>' in rows
    assert "Referral" not in shown and "hit rate" not in shown.lower()  # customs' figures stay customs'


def test_an_agency_officer_reaches_nothing_outside_its_scope_on_any_page(bench: Bench, held: dict[str, str]) -> None:
    """Every workbench page, probed by plant health's officer with consignments it holds no requirement on."""
    outside = [held["vet"], held["none"]]
    api = bench.anonymous()
    for cid in outside:  # a scheduled inspection and released goods, so the calendar and figures have them
        assert _call(api, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").status_code == 201
    with bench.db.read() as conn:
        profile_id = profile_store.listing(conn)[0]["profile_id"]
    pia = bench.client("pia")
    csrf = bench.csrf(pia)
    routes = {(m, r.path) for module in web.PAGES for r in module.router.routes for m in r.methods}  # type: ignore[attr-defined]
    values = {
        "office": "NLRTM",
        "profile_id": profile_id,
        "operator_id": "O-none",
        "action": "note",
        "document_id": "D-none",
    }
    for method, template in sorted(routes, key=lambda r: r[1] == "/signout"):
        body = ONE_CONSIGNMENT.get((method, template), MANY_OR_NONE.get((method, template)))
        for cid in outside if "{consignment_id}" in template else [None]:
            path = template.format(consignment_id=cid, **values)
            queries = ["", "?from=2026-11-19&days=30", "?format=csv"] if method == "GET" else [""]
            for query in queries:
                response = _probe(pia, csrf, method, path + query, body)
                assert response.status_code < 500, (method, path + query, response.text[:300])
                if cid is not None:
                    assert response.status_code in (403, 404), (method, path, response.status_code)
                leaked = [c for c in outside if c in _text(response) and c != cid]
                assert leaked == [], (method, path + query)
    assert "veterinary hold: veterinary inspects" in _text(bench.client("olga").get(f"/consignments/{held['both']}"))
    for method, template in sorted(routes):  # a consignment both agencies hold: veterinary's word stays its own
        if method != "GET" or template == "/signout":
            continue
        path = template.format(consignment_id=held["both"], **values)
        for query in ("", "?from=2026-11-19&days=30", "?format=csv"):
            assert "veterinary inspects" not in _text(pia.get(path + query)), path + query


def _probe(client: TestClient, csrf: str, method: str, path: str, body: Any) -> httpx.Response:
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf": csrf, **(body or {})})


def test_sparse_consignment_renders_for_an_agency_officer(bench: Bench) -> None:
    """A consignment with only the fields the parsers require renders for the agency (StrictUndefined)."""
    bench.system.pipeline.clock = Clock(T0)
    _agency_users(bench)
    sparse = {"consignor": None, "notify_party": None, "goods__0__value": None, "goods__0__description": None}
    cid = _held(bench, bench.anonymous(), "AG-SPARSE", ["plant_health"], red=False, **sparse)
    page = bench.client("pia").get(f"/consignments/{cid}")
    assert page.status_code == 200, page.text[:500]
    assert "(no description filed)" in page.text
    assert bench.client("pia").get(f"/consignments/{cid}/outcome").status_code == 200


def test_customs_outcome_on_the_workbench_is_its_joint_inspection_result(bench: Bench, held: dict[str, str]) -> None:
    both, none = held["both"], held["none"]
    api = bench.anonymous()
    assert _call(api, bench, "olga", "POST", f"/v1/consignments/{both}/inspection").status_code == 201
    olga = bench.client("olga")
    done = bench.post(olga, f"/consignments/{both}/outcome", method="physical", result="no_irregularity", note="ok")
    assert done.status_code == 303, done.text
    seen = _call(api, bench, "olga", "GET", f"/v1/consignments/{both}/inspection").json()
    [customs] = [p for p in seen["inspection"]["participants"] if p["agency"] == "customs"]
    assert customs["outcome"] == "no_irregularity" and customs["recorded_by"] == "olga"
    assert seen["status"]["held_by"] == ["plant_health", "veterinary"]
    plain = bench.post(olga, f"/consignments/{none}/outcome", method="nii", result="no_irregularity", note="")
    assert plain.status_code == 303  # no inspection scheduled: customs' outcome as before

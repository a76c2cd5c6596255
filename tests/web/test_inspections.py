"""Joint inspection over the API on the real store: one inspection within every participant's slots, each
agency's result, the goods released only when every holding agency has released them, and office scope."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from safelane.domain.assessment import AgencyRequirement
from safelane.store import requirements
from safelane.store.schema import agency_requirements, decisions
from tests.conftest import Clock
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench

T0 = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)
SLOTS = {"place": "PCS shed 3", "day_start": 9 * 60, "slot_minutes": 60, "slots": 4, "teams": 1, "daily": 1}


def _call(client: TestClient, bench: Bench, user: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return client.request(method, path, json=body, headers={"Authorization": f"Bearer {bench.keys[user]}"})


def _held(bench: Bench, client: TestClient, number: str, agencies: list[str], *, red: bool) -> str:
    """A Rotterdam consignment in the red channel (`red`) or the green, held by `agencies` on its current decision."""
    [item] = bench.file("acme", filing(sea_consignment(), document_number=number))["consignments"]
    cid = item["consignment_id"]
    channel = "red" if red else "green"
    if item.get("channel") != channel:
        moved = _call(
            client, bench, "sam", "POST", f"/v1/consignments/{cid}/channel", {"channel": channel, "note": "x"}
        )
        assert moved.status_code == 200, moved.text
    reqs = [AgencyRequirement(a, "hold", f"{a} inspects") for a in agencies]
    if reqs:
        with bench.db.write() as conn:
            conn.execute(agency_requirements.insert(), requirements.rows(item["decision_id"], cid, reqs))
    return cid


def test_one_inspection_within_capacity_released_when_all_released(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    for agency in ("plant_health", "veterinary"):
        put = _call(client, bench, "sam", "PUT", f"/v1/inspections/slots/NLRTM/{agency}", SLOTS)
        assert put.status_code == 200, put.text
    assert _call(client, bench, "olga", "PUT", "/v1/inspections/slots/NLRTM/customs", SLOTS).status_code == 403
    first = _held(bench, client, "JI-1", ["plant_health", "veterinary"], red=True)

    made = _call(client, bench, "olga", "POST", f"/v1/consignments/{first}/inspection")
    assert made.status_code == 201, made.text
    inspection = made.json()["inspection"]
    assert [p["agency"] for p in inspection["participants"]] == ["customs", "plant_health", "veterinary"]
    assert (inspection["joint"] and inspection["place"] == "PCS shed 3") or inspection["place"]
    assert inspection["starts_at"].startswith("2026-11-20T10:00")  # the first slot after 09:10 all share
    again = _call(client, bench, "olga", "POST", f"/v1/consignments/{first}/inspection")
    assert again.status_code == 200 and again.json()["inspection"]["inspection_id"] == inspection["inspection_id"]

    second = _held(bench, client, "JI-2", ["plant_health"], red=False)  # plant health's one place today is taken
    later = _call(client, bench, "olga", "POST", f"/v1/consignments/{second}/inspection").json()["inspection"]
    assert later["starts_at"].startswith("2026-11-21T09:00") and not later["joint"]

    results = f"/v1/consignments/{first}/inspection/results"
    assert _call(client, bench, "pieter", "GET", f"/v1/consignments/{first}/inspection").status_code == 404
    assert (
        _call(client, bench, "pieter", "POST", results, {"agency": "plant_health", "outcome": "compliant"}).status_code
        == 404
    )
    bad = _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "fine"})
    assert bad.status_code == 422 and "compliant" in bad.text
    done = _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "compliant"})
    assert done.status_code == 201, done.text
    assert done.json()["status"]["held_by"] == ["customs", "veterinary"] and not done.json()["status"]["released"]
    same = _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "compliant"})
    assert same.status_code == 200
    other = _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "treatment"})
    assert other.status_code == 409

    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 11, 0, tzinfo=UTC))
    vet = _call(client, bench, "olga", "POST", results, {"agency": "veterinary", "outcome": "compliant"})
    assert vet.json()["status"]["held_by"] == ["customs"]
    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    customs = _call(
        client, bench, "olga", "POST", results, {"agency": "customs", "method": "physical", "result": "no_irregularity"}
    )
    assert customs.status_code == 201, customs.text
    status = customs.json()["status"]
    assert status["held_by"] == [] and status["released"] and status["released_at"].startswith("2026-11-20T11:30")
    assert [r["agency"] for r in status["releases"]] == ["plant_health", "veterinary", "customs"]

    calendar = _call(client, bench, "olga", "GET", "/v1/inspections?from=2026-11-20&days=2").json()
    assert [r["consignment_id"] for r in calendar["inspections"]] == [first, second]
    assert calendar["measures"]["saved"] == 2 and calendar["measures"]["joint"] == 1
    assert _call(client, bench, "pieter", "GET", "/v1/inspections?from=2026-11-20&days=2").json()["inspections"] == []


def test_refusal_keeps_the_goods_and_nothing_to_inspect_is_refused(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    assert _call(client, bench, "sam", "PUT", "/v1/inspections/slots/*/wildlife", SLOTS).status_code == 200
    cid = _held(bench, client, "JI-3", ["wildlife"], red=False)
    assert _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").status_code == 201
    refused = _call(
        client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection/results",
        {"agency": "wildlife", "outcome": "refused"},
    ).json()["status"]  # fmt: skip
    assert refused["refused_by"] == ["wildlife"] and not refused["released"] and refused["released_at"] is None
    plain = _held(bench, client, "JI-4", [], red=False)  # green, no agency holds it
    nothing = _call(client, bench, "olga", "POST", f"/v1/consignments/{plain}/inspection")
    assert nothing.status_code == 409
    unset = _held(bench, client, "JI-5", ["food_safety"], red=False)  # no slots for food safety anywhere
    assert _call(client, bench, "olga", "POST", f"/v1/consignments/{unset}/inspection").status_code == 409


def test_calendar_page_renders_for_officers(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    cid = _held(bench, client, "JI-6", [], red=True)
    assert _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").status_code == 201
    shown = bench.client("olga").get("/inspections?from=2026-11-20")
    assert shown.status_code == 200 and cid in shown.text and "customs (pending)" in shown.text
    assert cid not in bench.client("pieter").get("/inspections?from=2026-11-20").text


def test_a_late_holder_joins_the_scheduled_inspection_instead_of_a_second_one(bench: Bench) -> None:
    """Plant health schedules its inspection; customs then sends the goods to red and joins it (API and form),
    veterinary, holding too but with no capacity left that day, is refused with the reason; one inspection."""
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    assert _call(client, bench, "sam", "PUT", "/v1/inspections/slots/NLRTM/plant_health", SLOTS).status_code == 200
    full = {**SLOTS, "daily": 0}
    assert _call(client, bench, "sam", "PUT", "/v1/inspections/slots/NLRTM/veterinary", full).status_code == 200
    cid = _held(bench, client, "JI-7", ["plant_health"], red=False)
    first = _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").json()["inspection"]
    assert [p["agency"] for p in first["participants"]] == ["plant_health"]

    moved = _call(client, bench, "sam", "POST", f"/v1/consignments/{cid}/channel", {"channel": "red", "note": "x"})
    assert moved.status_code == 200, moved.text
    olga = bench.client("olga")
    shown = olga.get(f"/consignments/{cid}").text
    assert "customs holds the goods too but is not in this inspection." in " ".join(shown.split())
    joined = bench.post(olga, f"/consignments/{cid}/inspection", csrf_from=f"/consignments/{cid}", join="1")
    assert joined.status_code == 303 and joined.headers["location"].endswith("?done=join#inspection")
    now = _call(client, bench, "olga", "GET", f"/v1/consignments/{cid}/inspection").json()["inspection"]
    assert now["inspection_id"] == first["inspection_id"] and now["starts_at"] == first["starts_at"]
    assert [p["agency"] for p in now["participants"]] == ["customs", "plant_health"] and now["joint"]
    assert "Join this inspection" not in olga.get(f"/consignments/{cid}").text

    with bench.db.write() as conn:  # veterinary comes to hold the goods too, on the same decision
        vet = AgencyRequirement("veterinary", "hold", "veterinary inspects")
        conn.execute(agency_requirements.insert(), requirements.rows(_decision(bench, cid), cid, [vet]))
    refused = _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection")
    assert refused.status_code == 409 and "veterinary has no capacity left" in refused.text, refused.text
    calendar = _call(client, bench, "olga", "GET", "/v1/inspections?from=2026-11-20&days=2").json()
    assert len(calendar["inspections"]) == 1 and calendar["measures"]["saved"] == 1


def _decision(bench: Bench, consignment_id: str) -> str:
    with bench.db.read() as conn:
        return str(
            conn.execute(
                sa.select(decisions.c.decision_id).where(
                    decisions.c.consignment_id == consignment_id, decisions.c.current.is_(True)
                )
            ).scalar_one()
        )


def test_a_late_holder_joins_an_inspection_in_progress_but_not_a_completed_one(bench: Bench) -> None:
    """Customs sends the goods to red while plant health's inspection is under way: it joins (page and API) and
    records its own result; release waits for both. Veterinary, holding after both recorded, is refused (409)."""
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    for agency in ("plant_health", "veterinary"):
        assert _call(client, bench, "sam", "PUT", f"/v1/inspections/slots/NLRTM/{agency}", SLOTS).status_code == 200
    cid = _held(bench, client, "JI-8", ["plant_health"], red=False)
    first = _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").json()["inspection"]
    assert first["starts_at"].startswith("2026-11-20T10:00")

    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 10, 20, tzinfo=UTC))  # the inspection is under way
    moved = _call(client, bench, "sam", "POST", f"/v1/consignments/{cid}/channel", {"channel": "red", "note": "x"})
    assert moved.status_code == 200, moved.text
    shown = " ".join(bench.client("olga").get(f"/consignments/{cid}").text.split())
    assert "customs holds the goods too but is not in this inspection (in progress)." in shown
    joined = _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection")
    assert joined.status_code == 201, joined.text
    now = joined.json()["inspection"]
    assert now["inspection_id"] == first["inspection_id"] and now["starts_at"] == first["starts_at"]
    assert [p["agency"] for p in now["participants"]] == ["customs", "plant_health"]

    results = f"/v1/consignments/{cid}/inspection/results"
    plant = _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "compliant"})
    assert plant.json()["status"]["held_by"] == ["customs"] and not plant.json()["status"]["released"]
    customs = {"agency": "customs", "method": "physical", "result": "no_irregularity"}
    assert _call(client, bench, "olga", "POST", results, customs).json()["status"]["released"]

    with bench.db.write() as conn:  # veterinary comes to hold the goods after both recorded their results
        vet = AgencyRequirement("veterinary", "hold", "veterinary inspects")
        conn.execute(agency_requirements.insert(), requirements.rows(_decision(bench, cid), cid, [vet]))
    refused = _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection")
    assert refused.status_code == 409 and "is completed" in refused.text, refused.text
    page = " ".join(bench.client("olga").get(f"/consignments/{cid}").text.split())
    assert "this inspection is completed: it cannot be joined" in page and "Join this inspection" not in page
    status = _call(client, bench, "olga", "GET", f"/v1/consignments/{cid}/inspection").json()["status"]
    assert status["held_by"] == ["veterinary"] and not status["released"]


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_customs_dashboard_and_csv_show_the_measures_of_get_inspections(bench: Bench) -> None:
    """One joint inspection (customs and plant health) released at 11:30 after arriving: the customs dashboard and
    both CSVs (the dashboard's and the calendar's) give the figures GET /v1/inspections measures, for one window."""
    bench.system.pipeline.clock = Clock(T0)
    client = bench.anonymous()
    assert _call(client, bench, "sam", "PUT", "/v1/inspections/slots/NLRTM/plant_health", SLOTS).status_code == 200
    cid = _held(bench, client, "JI-9", ["plant_health"], red=True)
    assert _call(client, bench, "olga", "POST", f"/v1/consignments/{cid}/inspection").json()["inspection"]["joint"]
    results = f"/v1/consignments/{cid}/inspection/results"
    bench.system.pipeline.clock = Clock(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    assert _call(client, bench, "olga", "POST", results, {"agency": "plant_health", "outcome": "compliant"})
    customs = {"agency": "customs", "method": "physical", "result": "no_irregularity"}
    assert _call(client, bench, "olga", "POST", results, customs).json()["status"]["released"]
    measures = _call(client, bench, "sam", "GET", "/v1/inspections?from=2026-11-20&days=2").json()["measures"]
    assert (measures["inspections"], measures["separate_without_joining"], measures["saved"]) == (1, 2, 1)
    last = measures["arrival_to_release"]["last"]
    assert last["releases"] == 1

    sam = bench.client("sam")
    window = {"from": "2026-11-20", "to": "2026-11-21"}
    shown = " ".join(sam.get("/dashboard", params=window).text.split())
    assert "1 inspection, 1 joint: 2 separate inspections without joining, 1 saved." in shown
    assert f'<td class="num">{last["releases"]}</td> <td class="num">{last["mean_hours"]}</td>' in shown
    assert "format=csv&amp;figure=joint_inspections" in shown
    lines = _csv(sam.get("/dashboard", params={**window, "format": "csv", "figure": "joint_inspections"}))
    by = {(line["measure"], line["agency"]): line["value"] for line in lines}
    assert by[("saved", "")] == "1" and by[("participations", "plant_health")] == "1"
    assert by[("arrival_to_release_mean_hours", "last")] == str(last["mean_hours"])
    calendar = _csv(
        sam.get("/inspections", params={"from": "2026-11-20", "days": 2, "format": "csv", "part": "measures"})
    )
    assert calendar == lines

"""The TRS stamps over the API: the actual arrival and departure (filer or officer) and the control start
(officer), replayed without change, refused when they conflict, and measured from by GET /v1/trs."""

from datetime import UTC, datetime, timedelta

from tests.conftest import Clock
from tests.factories import air_consignment, filing, sea_consignment
from tests.service.conftest import Api

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DECLARED = T0 + timedelta(hours=10)


def _lodged(api: Api, number: str) -> str:
    api.system.pipeline.clock = Clock(T0)
    body = filing(
        sea_consignment(house_document=f"HBL-{number}", itinerary__arrival_at=DECLARED.isoformat()),
        document_number=number,
        kind="declaration",
    )
    [item] = api.accepted("acme", body)["consignments"]
    return item["consignment_id"]


def test_arrival_is_stored_once_replayed_and_conflicts_refused(api: Api) -> None:
    cid = _lodged(api, "ARR-1")
    api.system.pipeline.clock = Clock(T0 + timedelta(hours=13))
    path = f"/v1/consignments/{cid}/arrival"
    body = {"at": "2026-11-20T19:30:00+01:00", "note": "berthed"}  # 18:30 UTC
    first = api.client.post(path, json=body, headers=api.as_("acme"))
    assert first.status_code == 201, first.text
    assert first.json()["at"] == "2026-11-20T18:30:00+00:00" and first.json()["actor"] == "acme"
    again = api.client.post(path, json={"at": "2026-11-20T18:30:00Z"}, headers=api.as_("olga"))
    assert again.status_code == 200 and again.json()["actor"] == "acme"  # the same instant: a replay
    other = api.client.post(path, json={"at": "2026-11-20T18:45:00Z"}, headers=api.as_("olga"))
    assert other.status_code == 409, other.text
    assert other.json()["problems"][0]["location"] == "body.at"
    assert api.audit("consignment.arrived") == 1

    assert api.client.post(path, json={"at": "2026-11-20T18:30:00Z"}, headers=api.as_("globex")).status_code == 404
    future = api.client.post(
        f"/v1/consignments/{_lodged(api, 'ARR-2')}/arrival",
        json={"at": "2026-11-21T08:00:00Z"},
        headers=api.as_("acme"),
    )
    assert future.status_code == 422 and future.json()["problems"][0]["location"] == "body.at"
    naive = api.client.post(path, json={"at": "2026-11-20T18:30:00"}, headers=api.as_("acme"))
    assert naive.status_code == 422 and "zone" in naive.json()["problems"][0]["message"]

    api.system.pipeline.clock = Clock(T0 + timedelta(days=1))
    report = api.client.get("/v1/trs?since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z", headers=api.as_("olga"))
    assert report.status_code == 200, report.text
    assert report.json()["arrivals"] == {"actual": 1, "declared": 1, "none": 0}
    everything = report.json()["segments"][0]
    assert everything["actual_arrivals"] == 1 and everything["declared_arrivals"] == 1


def test_control_start_splits_the_wait_from_the_control(api: Api) -> None:
    cid = _lodged(api, "CTL-1")
    api.system.pipeline.clock = Clock(T0 + timedelta(hours=12))
    red = api.client.post(
        f"/v1/consignments/{cid}/channel", json={"channel": "red", "note": "examine"}, headers=api.as_("olga")
    )
    assert red.status_code in (200, 201) or "already in the red" in red.text, red.text
    path = f"/v1/consignments/{cid}/control-start"
    assert api.client.post(path, json={"at": "2026-11-20T19:00:00Z"}, headers=api.as_("acme")).status_code == 403
    started = api.client.post(path, json={"at": "2026-11-20T19:00:00Z"}, headers=api.as_("olga"))
    assert started.status_code == 201, started.text
    assert api.client.post(path, json={"at": "2026-11-20T19:00:00Z"}, headers=api.as_("olga")).status_code == 200
    assert api.client.post(path, json={"at": "2026-11-20T19:05:00Z"}, headers=api.as_("olga")).status_code == 409
    done = api.client.post(
        f"/v1/consignments/{cid}/outcomes",
        json={"method": "physical", "result": "no_irregularity"},
        headers=api.as_("olga"),
    )
    assert done.status_code == 201, done.text  # recorded at the clock: 20:00 UTC

    api.system.pipeline.clock = Clock(T0 + timedelta(days=1))
    report = api.client.get("/v1/trs?since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z", headers=api.as_("olga"))
    everything = report.json()["segments"][0]
    assert everything["arrival_to_control_start_p50_hours"] == 1.0  # declared 18:00, started 19:00
    assert everything["control_start_to_end_p50_hours"] == 1.0  # ended 20:00
    assert everything["p50_hours"] == 2.0


def test_control_start_needs_a_control(api: Api) -> None:
    cid = _lodged(api, "CTL-2")
    api.system.pipeline.clock = Clock(T0 + timedelta(hours=12))
    green = api.client.post(
        f"/v1/consignments/{cid}/channel", json={"channel": "green", "note": "fine"}, headers=api.as_("olga")
    )
    assert green.status_code in (200, 201) or "already in the green" in green.text, green.text
    refused = api.client.post(f"/v1/consignments/{cid}/control-start", headers=api.as_("olga"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["problems"][0]["location"] == "consignment_id"


def _pre_loading(api: Api, number: str, departure: datetime) -> str:
    api.system.pipeline.clock = Clock(T0)
    itinerary = {"place_of_loading": "HKHKG", "place_of_unloading": "DEFRA", "departure_at": departure.isoformat(),
                 "arrival_at": (departure + timedelta(hours=13)).isoformat()}  # fmt: skip
    body = filing(air_consignment(house_document=f"H-{number}", itinerary=itinerary), document_number=number)
    [item] = api.accepted("acme", body)["consignments"]
    assert "referral" in item, item
    return item["consignment_id"]


def test_departure_starts_pre_loading_cargo_where_it_was_reported(api: Api) -> None:
    """The actual departure replaces the declared one as the TRS start of pre-loading air cargo; it is stored once,
    and a departure after the goods' reported arrival (or an arrival before it) is refused where it is wrong."""
    declared = T0 + timedelta(hours=6)
    late, on_time = _pre_loading(api, "DEP-1", declared), _pre_loading(api, "DEP-2", declared)
    api.system.pipeline.clock = Clock(T0 + timedelta(hours=9))
    path = f"/v1/consignments/{late}/departure"
    first = api.client.post(path, json={"at": "2026-11-20T15:30:00Z", "note": "wheels up"}, headers=api.as_("acme"))
    assert first.status_code == 201, first.text
    assert first.json()["at"] == "2026-11-20T15:30:00+00:00" and first.json()["actor"] == "acme"
    assert api.client.post(path, json={"at": "2026-11-20T15:30:00Z"}, headers=api.as_("olga")).status_code == 200
    other = api.client.post(path, json={"at": "2026-11-20T15:00:00Z"}, headers=api.as_("olga"))
    assert other.status_code == 409 and other.json()["problems"][0]["location"] == "body.at"
    assert api.client.post(path, json={"at": "2026-11-20T15:30:00Z"}, headers=api.as_("globex")).status_code == 404
    assert api.audit("consignment.departed") == 1
    early = api.client.post(f"/v1/consignments/{late}/arrival", json={"at": "2026-11-20T15:00:00Z"},
                            headers=api.as_("acme"))  # fmt: skip
    assert early.status_code == 422 and "before the departure" in early.json()["problems"][0]["message"]

    arrived = api.client.post(f"/v1/consignments/{on_time}/arrival", json={"at": "2026-11-20T16:00:00Z"},
                              headers=api.as_("acme"))  # fmt: skip
    assert arrived.status_code == 201, arrived.text
    after = api.client.post(f"/v1/consignments/{on_time}/departure", json={"at": "2026-11-20T16:30:00Z"},
                            headers=api.as_("acme"))  # fmt: skip
    assert after.status_code == 422 and after.json()["problems"][0]["location"] == "body.at"

    api.system.pipeline.clock = Clock(T0 + timedelta(days=1))
    report = api.client.get("/v1/trs?since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z", headers=api.as_("olga"))
    assert report.status_code == 200, report.text
    assert report.json()["departures"] == {"actual": 1, "declared": 1, "none": 0}
    pre = next(r for r in report.json()["segments"] if r["segment"] == "kind" and r["value"] == "pre_loading")
    assert pre["actual_departures"] == 1 and pre["declared_departures"] == 1
    assert pre["lodgement_to_departure_p50_hours"] == 6.0  # nearest rank of (6.0 declared, 7.5 actual)
    csv = api.client.get("/v1/trs?since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z&format=csv",
                         headers=api.as_("olga")).text  # fmt: skip
    header, *lines = csv.splitlines()
    assert "actual_departures" in header.split(",")
    row = next(dict(zip(header.split(","), line.split(","), strict=True)) for line in lines if ",pre_loading," in line)
    assert row["actual_departures"] == "1" and row["declared_departures"] == "1"

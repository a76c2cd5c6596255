"""The TRS page and the resilience dashboard on the real store: figures from recorded stamps, a disruption in
force with its backlog, forecast and baseline, every page rendering with StrictUndefined."""

from datetime import UTC, datetime, timedelta

from safelane.resilience.disruption import Declaration
from safelane.store import disruptions as disruption_store
from tests.conftest import Clock
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _lodge(bench: Bench, number: str, at: datetime, **changes: object) -> str:
    bench.system.pipeline.clock = Clock(at)
    arrival = (at + timedelta(hours=6)).isoformat()
    body = filing(
        sea_consignment(house_document=f"HBL-{number}", itinerary__arrival_at=arrival, **changes),
        document_number=number,
        kind="declaration",
    )
    [item] = bench.file("acme", body)["consignments"]
    return item["consignment_id"]


def test_trs_page_shows_actual_and_declared_arrivals_against_published_figures(bench: Bench) -> None:
    first = _lodge(bench, "TRS-P1", T0)
    _lodge(bench, "TRS-P2", T0 + timedelta(days=1))
    client = bench.anonymous()
    bench.system.pipeline.clock = Clock(T0 + timedelta(hours=8))
    arrived = client.post(
        f"/v1/consignments/{first}/arrival",
        json={"at": (T0 + timedelta(hours=7)).isoformat()},
        headers={"Authorization": f"Bearer {bench.keys['acme']}"},
    )
    assert arrived.status_code == 201, arrived.text
    bench.system.pipeline.clock = Clock(T0 + timedelta(days=3))
    officer = bench.client("olga")
    shown = officer.get("/trs?to=2026-11-22&days=5")
    assert shown.status_code == 200, shown.text
    assert "actual arrival where one was reported (1)" in shown.text
    assert "the declared arrival otherwise\n(1)" in shown.text
    assert "IN NTRS 2023 (CBIC)" in shown.text and "85.7" in shown.text
    assert shown.text.count('<svg class="chart columns"') == 2  # daily p50 and p90
    assert "11-20" in shown.text and "11-21" in shown.text
    exported = officer.get("/trs?to=2026-11-22&days=5&format=csv")
    assert exported.status_code == 200 and exported.text.lstrip("\ufeff").startswith("segment,value,consignments")
    assert officer.get("/trs?to=yesterday").status_code == 200  # a bad day is said, not a server error
    assert "was ignored" in officer.get("/trs?to=yesterday").text


def test_resilience_dashboard_with_a_port_closure(bench: Bench) -> None:
    for n in range(6):  # the month before: history for the baseline and the forecast
        _lodge(bench, f"BASE-{n}", T0 - timedelta(days=5 - n))
    start = T0 + timedelta(hours=1)
    with bench.db.write() as conn:
        declaration = Declaration.from_dict(
            {
                "kind": "port_closure",
                "scope": {"offices": ["NLRTM"], "modes": ["sea"]},
                "starts_at": start.isoformat(),
                "expected_end": (start + timedelta(hours=48)).isoformat(),
                "plan": {"priority": "tiered"},
            },
            now=T0,
        )
        disruption = disruption_store.declare(conn, declaration, at=T0, actor="sam")
    _lodge(bench, "DURING-1", start + timedelta(hours=2), consignor__name="Falcon Star General Trading")
    bench.system.pipeline.clock = Clock(start + timedelta(hours=3))
    page = bench.client("sam").get("/resilience")
    assert page.status_code == 200, page.text
    assert disruption.disruption_id in page.text and "port closure" in page.text
    assert "Backlog per office and tier" in page.text and "NLRTM" in page.text
    assert "Cleared, hours after the window" in page.text  # the simulator ran on the store's history
    assert "the plan declared" in page.text and "FIFO" in page.text
    assert "Release times now against the baseline" in page.text
    again = bench.client("olga").get("/resilience")  # the same minute: the forecast comes from the cache
    assert again.status_code == 200 and "the plan declared" in again.text


def test_resilience_dashboard_without_disruptions(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    page = bench.client("olga").get("/resilience")
    assert page.status_code == 200, page.text
    assert "No disruption declared" in page.text and "nothing to forecast" in page.text

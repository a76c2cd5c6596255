"""Dashboard figures from a small stored day whose every number is known (SQLite and PostgreSQL)."""

import math
from datetime import UTC, datetime, timedelta
from statistics import NormalDist

import orjson
import pytest
import sqlalchemy as sa

from safelane.cases import dashboard
from safelane.cases.dashboard import Window
from safelane.referrals import act
from safelane.scope import Scope
from safelane.selection.capacity import OfficeSettings
from safelane.store import models as model_store
from safelane.store import offices as office_store
from safelane.store import seizures as seizure_store
from safelane.store import users as user_store
from safelane.store.schema import decisions, inspection_outcomes
from tests.factories import air_consignment, filing, sea_consignment

DAY = Window(datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
TONER_YEMEN = {
    "itinerary__place_of_loading": "YESAH",
    "goods__0__hs_code": "844399",
    "goods__0__description": "Printer toner cartridges",
}
LAPTOPS_VIA_KP = {
    "itinerary__routing_countries": ["KP"],
    "goods__0__hs_code": "847130",
    "goods__0__description": "Laptops",
}
SEA_GREEN = {
    "consignor__address__country": "CN",
    "goods__0__description": "Wooden chairs",
    "goods__0__hs_code": "940161",
    "goods__0__origin_country": "CN",
    "itinerary__place_of_loading": "CNSHA",
    "itinerary__routing_countries": None,
}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, tzinfo=UTC)


def submit(system, clock, number: str, consignment: dict, *, received: datetime, filed: datetime | None = None):
    clock.now = received
    data = filing(consignment, document_number=number)
    if filed is not None:
        data["filed_at"] = filed.isoformat()
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
    assert result.status == "accepted", result
    return result.consignments[0]


def row_of(system, decision_id: str) -> str:
    with system.db.read() as conn:
        return conn.execute(sa.select(decisions.c.row_id).where(decisions.c.decision_id == decision_id)).scalar_one()


def outcome(
    system,
    decision_id: str,
    result: str,
    recorded: datetime,
    *,
    selection: str | None = None,
    by_decision: bool = False,
) -> str:
    """An inspection outcome as store.models records it; optionally with the workbench's decision and selection."""
    with system.db.write() as conn:
        outcome_id = model_store.record_outcome(
            conn, row_of(system, decision_id), method="physical", result=result, actor="olga", at=recorded
        )
        conn.execute(
            inspection_outcomes.update()
            .where(inspection_outcomes.c.outcome_id == outcome_id)
            .values(selection=selection, decision_id=decision_id if by_decision else None)
        )
    return outcome_id


@pytest.fixture
def day(system, clock):
    """Five consignments filed on 2026-11-20 with known times, outcomes, seizures and one officer action."""
    with system.db.write() as conn:  # no random sample: the channels below must not depend on a draw
        office_store.set(conn, OfficeSettings("*", random_rate=0.0), at=clock.now, actor="test")
        user_store.add(conn, "olga", "officer", at=clock.now, office="NLRTM", actor="test")
    made = {
        "a": submit(system, clock, "A", air_consignment(), received=at(8), filed=at(7, 59)),
        "b": submit(system, clock, "B", air_consignment(**TONER_YEMEN), received=at(8, 30), filed=at(8, 20)),
        "c": submit(system, clock, "C", air_consignment(**LAPTOPS_VIA_KP), received=at(9, 5), filed=at(8, 5)),
        "d": submit(system, clock, "D", sea_consignment(), received=at(9, 10)),
        "e": submit(system, clock, "E", sea_consignment(**SEA_GREEN), received=at(10), filed=at(9, 58)),
    }
    assert [made[k].outcome for k in "abcde"] == ["ASSESSMENT_COMPLETE", "DNL", "RFI", "red", "green"]
    act(
        system.db,
        made["c"].decision_id,
        "issue",
        scope=Scope.of("olga", "officer"),
        at=at(9, 35),
        note="needs screening",
        data={"referral": "RFS"},
    )
    with system.db.write() as conn:  # E as a decision stored before selections had names: only `random` says so
        conn.execute(
            decisions.update()
            .where(decisions.c.decision_id == made["e"].decision_id)
            .values(selection=None, random=True)
        )
    ids = {
        "b": outcome(system, made["b"].decision_id, "seizure", at(12)),  # selection from the row's decision
        "c": outcome(system, made["c"].decision_id, "irregularity", at(12), selection="risk"),
        "d": outcome(system, made["d"].decision_id, "no_irregularity", at(13), by_decision=True),
        "a": outcome(system, made["a"].decision_id, "no_irregularity", at(14), selection="random"),
        "e": outcome(system, made["e"].decision_id, "irregularity", at(15), by_decision=True),
        "late": outcome(system, made["d"].decision_id, "seizure", at(23, 59) + timedelta(minutes=5)),
    }
    with system.db.write() as conn:
        for key, office, commodity, quantity, unit in (
            ("b", "DEFRA", "explosives", 2.5, "kg"),
            ("d", "NLRTM", "cigarettes", 1000, "pieces"),
            ("e", "NLRTM", "cigarettes", 500, "pieces"),
            ("late", "NLRTM", "cocaine", 9, "kg"),
        ):
            seizure_store.add(
                conn,
                outcome_id=ids[key],
                consignment_id=made[key if key != "late" else "d"].consignment_id,
                office=office,
                at=at(16) if key != "late" else at(23, 59) + timedelta(minutes=5),
                actor="olga",
                commodity=commodity,
                quantity=quantity,
                unit=unit,
                concealment="false_bottom",
                detection="xray",
                offence="smuggling",
            )
    return made


def read(system, name: str, window: Window = DAY, now: datetime = at(21)) -> dashboard.Figure:
    with system.db.read() as conn:
        return dashboard.figure(conn, name, window, now)


def nearest_rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered) / 100) - 1]


def wilson_bounds(hits: int, n: int) -> tuple[float, float]:
    """The textbook closed form, written differently from the module's on purpose."""
    z = NormalDist().inv_cdf(0.975)
    root = z * math.sqrt(z * z + 4 * hits * (n - hits) / n)
    return (2 * hits + z * z - root) / (2 * (n + z * z)), (2 * hits + z * z + root) / (2 * (n + z * z))


def test_filings_per_hour_by_mode(system, day):
    figure = read(system, "filings")
    assert figure.columns == ("period", "air", "sea", "total")
    assert len(figure.rows) == 24
    busy = {r["period"]: (r["air"], r["sea"], r["total"]) for r in figure.rows if r["total"]}
    # A 07:59; B 08:20 and C 08:05; D at its receipt, 09:10 (it gave no filing time) and E 09:58
    assert busy == {"2026-11-20 07:00": (1, 0, 1), "2026-11-20 08:00": (2, 0, 2), "2026-11-20 09:00": (0, 2, 2)}
    assert figure.rows[0]["period"] == "2026-11-20 00:00"
    assert figure.rows[-1]["period"] == "2026-11-20 23:00"
    with system.db.read() as conn:  # longer than two days: per day
        days = dashboard.filings(conn, Window(DAY.start - timedelta(days=2), DAY.end))
    assert [(r["period"], r["total"]) for r in days.rows] == [("2026-11-18", 0), ("2026-11-19", 0), ("2026-11-20", 5)]


def test_mixes_are_of_current_decisions(system, day):
    referrals = {r["outcome"]: r["consignments"] for r in read(system, "referrals").rows}
    assert referrals == {"ASSESSMENT_COMPLETE": 1, "RFI": 0, "RFS": 1, "DNL": 1}  # C's RFI became an RFS
    channels = read(system, "channels").rows
    assert [(r["outcome"], r["consignments"], r["share"]) for r in channels] == [
        ("green", 1, 0.5),
        ("blue", 0, 0.0),
        ("yellow", 0, 0.0),
        ("red", 1, 0.5),
    ]


def test_queue_age_from_decision_to_now(system, day):
    def ages(now: datetime) -> dict[str, int]:
        return {r["age"]: r["open"] for r in read(system, "queue_age", now=now).rows}

    # open: B (DNL, decided 08:30), C (RFS, 09:05), D (red, 09:10)
    assert ages(at(10)) == {"< 1 h": 2, "1-4 h": 1, "4-12 h": 0, "12-24 h": 0, "> 24 h": 0}
    assert ages(at(21)) == {"< 1 h": 0, "1-4 h": 0, "4-12 h": 2, "12-24 h": 1, "> 24 h": 0}
    assert ages(at(9, 8) + timedelta(days=1)) == {"< 1 h": 0, "1-4 h": 0, "4-12 h": 0, "12-24 h": 1, "> 24 h": 2}
    with system.db.read() as conn:
        assert {r["age"]: r["open"] for r in dashboard.queue_age(conn, at(21), "DEFRA").rows}["4-12 h"] == 1


def test_decision_time_percentiles(system, day):
    automatic, officer = read(system, "decision_time").rows
    delays = [60.0, 600.0, 3600.0, 0.0, 120.0]  # A to E: received minus filed
    assert automatic == {
        "measure": "filing to decision",
        "decisions": 5,
        "p50_seconds": nearest_rank(delays, 50),
        "p90_seconds": nearest_rank(delays, 90),
        "p99_seconds": nearest_rank(delays, 99),
    }
    assert (automatic["p50_seconds"], automatic["p90_seconds"]) == (120.0, 3600.0)
    assert officer == {
        "measure": "filing to officer action",
        "decisions": 1,
        "p50_seconds": 5400.0,
        "p90_seconds": 5400.0,
        "p99_seconds": 5400.0,
    }  # C: filed 08:05, RFS issued by olga at 09:35


def test_hit_rate_targeted_against_random(system, day):
    targeted, random = read(system, "hit_rate").rows
    assert (targeted["selection"], targeted["inspections"], targeted["hits"]) == ("targeted", 3, 2)  # B, C, D
    assert (random["selection"], random["inspections"], random["hits"]) == ("random", 2, 1)  # A, E
    for row, hits, n in ((targeted, 2, 3), (random, 1, 2)):
        low, high = wilson_bounds(hits, n)
        assert row["hit_rate"] == pytest.approx(hits / n)
        assert (round(row["ci95_low"], 3), round(row["ci95_high"], 3)) == (round(low, 3), round(high, 3))
    assert (round(targeted["ci95_low"], 3), round(targeted["ci95_high"], 3)) == (0.208, 0.939)
    with system.db.read() as conn:  # NLRTM inspected only D (targeted, nothing found) and E (random, a hit)
        rows = dashboard.hit_rate(conn, Window(DAY.start, DAY.end, "NLRTM")).rows
    assert [(r["inspections"], r["hits"]) for r in rows] == [(1, 0), (1, 1)]


def test_seizures_by_commodity(system, day):
    rows = read(system, "seizures").rows
    assert rows == [
        {"commodity": "cigarettes", "seizures": 2, "quantity": 1500.0, "unit": "pieces"},
        {"commodity": "explosives", "seizures": 1, "quantity": 2.5, "unit": "kg"},
    ]  # cocaine: next day
    with system.db.read() as conn:
        assert [
            r["commodity"] for r in dashboard.seizures_by_commodity(conn, Window(DAY.start, DAY.end, "DEFRA")).rows
        ] == ["explosives"]


def test_office_filter_hides_other_offices(system, day):
    window = Window(DAY.start, DAY.end, "NLRTM")
    with system.db.read() as conn:
        figures = dashboard.dashboard(conn, window, at(21))
    assert sum(r["total"] for r in figures["filings"].rows) == 2
    assert [r["consignments"] for r in figures["referrals"].rows] == [0, 0, 0, 0]
    assert figures["decision_time"].rows[0]["decisions"] == 2


def test_default_window(system, day):
    with system.db.read() as conn:
        recent = dashboard.default_window(conn, at(10, 30))
        old = dashboard.default_window(conn, at(10, 30) + timedelta(days=5))
    assert (recent.start, recent.end) == (at(11) - timedelta(days=1), at(11))
    assert (old.start, old.end) == (at(10) - timedelta(days=1), at(10))  # to the latest filing's hour: E, 09:58
    assert dashboard.days_window(DAY.start.date(), DAY.start.date()) == DAY
    with pytest.raises(ValueError):
        dashboard.days_window(DAY.end.date(), DAY.start.date())


def test_percentile_and_wilson_edges():
    assert dashboard.percentile([], 50) is None
    assert dashboard.percentile([5.0], 99) == 5.0
    assert dashboard.wilson(0, 0) is None
    low, high = dashboard.wilson(0, 10)
    assert low == 0.0
    assert round(high, 3) == round(wilson_bounds(0, 10)[1], 3) == 0.278

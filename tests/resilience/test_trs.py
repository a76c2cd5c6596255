"""Time Release Study metrics on known time stamps: customs' release at the decision (green) or at the control's
end, the last agency's release, and percentiles computed here independently of the module."""

import math
from datetime import UTC, datetime, timedelta

import orjson

from safelane.cases import outcomes
from safelane.resilience import trs
from safelane.scope import Scope
from safelane.store import releases
from tests.factories import filing, sea_consignment

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ADMIN = Scope.of("test-admin", "admin")
INSPECTOR = Scope.of("inspector", "officer")


def _nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def test_release_times_per_segment(system, clock) -> None:
    expected: list[float] = []  # arrival to release, hours
    ids = []
    for n in range(6):
        clock.now = T0 + timedelta(hours=n)
        arrival = T0 + timedelta(hours=10 + n)
        body = filing(
            sea_consignment(house_document=f"HBL-{n}", itinerary__arrival_at=arrival.isoformat()),
            document_number=f"TRS-{n}",
            kind="declaration",
        )
        [result] = system.pipeline.submit_message(orjson.dumps(body), filer="ACME", actor="ACME-user")
        [item] = result.consignments
        ids.append(item.consignment_id)
        decided = clock.now
        if item.outcome in ("green", "blue"):
            released = decided
        else:  # controlled: the inspection ends 20 h + n after lodgement, without anything found
            released = decided + timedelta(hours=20 + n)
            done = outcomes.Outcome("physical", "no_irregularity")
            outcomes.record(system.db, item.consignment_id, done, scope=INSPECTOR, at=released)
        expected.append(max(0.0, (released - arrival).total_seconds() / 3600))
    # another agency holds the first one: its release is the agency's, later than customs'
    agency_at = T0 + timedelta(hours=40)
    with system.db.write() as conn:
        assert releases.record(conn, ids[0], "plant_health", agency_at, "ph-officer")
    expected[0] = max(expected[0], (agency_at - (T0 + timedelta(hours=10))).total_seconds() / 3600)

    with system.db.read() as conn:
        report = trs.report(conn, scope=ADMIN, since=T0, until=T0 + timedelta(days=1))
    everything = report["segments"][0]
    assert everything["segment"] == "all" and everything["consignments"] == 6 and everything["released"] == 6
    assert everything["p50_hours"] == round(_nearest_rank(expected, 50), 2)
    assert everything["p90_hours"] == round(_nearest_rank(expected, 90), 2)
    assert everything["mean_hours"] == round(sum(expected) / 6, 2)
    within = sum(h <= trs.targets()["sea"] for h in expected) / 6
    assert everything["within_target"] == round(within, 4)
    sea = next(r for r in report["segments"] if r["segment"] == "mode" and r["value"] == "sea")
    assert sea["target_hours"] == 48 and sea["p50_hours"] == everything["p50_hours"]


def test_a_seizure_is_a_refusal_not_a_release(system, clock) -> None:
    clock.now = T0
    body = filing(sea_consignment(), document_number="TRS-S", kind="declaration")
    [result] = system.pipeline.submit_message(orjson.dumps(body), filer="ACME", actor="ACME-user")
    [item] = result.consignments
    with system.db.write() as conn:
        customs = [r for r in releases.of(conn, item.consignment_id) if r["agency"] == "customs"]
    if item.outcome in ("green", "blue"):
        assert [r["kind"] for r in customs] == ["released"] and customs[0]["at"] == T0 + timedelta(seconds=0)
        return
    assert customs == []
    form = {"method": "physical", "result": "seizure", "commodity": "cocaine", "quantity": "2", "unit": "kg",
            "concealment": "within_goods", "detection": "risk_profile", "offence": "smuggling"}  # fmt: skip
    outcomes.record(system.db, item.consignment_id, outcomes.parse(form), scope=INSPECTOR, at=T0 + timedelta(hours=3))
    with system.db.read() as conn:
        [row] = releases.of(conn, item.consignment_id)
        report = trs.report(conn, scope=ADMIN, since=T0, until=T0 + timedelta(days=1))
    assert row["kind"] == "refused"
    assert report["segments"][0]["released"] == 0


def test_pre_loading_air_cargo_is_measured_from_departure_with_its_referral(system, clock) -> None:
    """A pre-loading filing starts at its departure: lodgement to departure keeps its sign (a late filing is
    negative), and an RFI's time from decision to its closing is the referral's resolution."""
    from safelane import referrals
    from tests.factories import air_consignment

    departures = [T0 + timedelta(hours=6), T0 + timedelta(hours=1)]  # the second is filed 2 h after departure
    lodged = [T0, T0 + timedelta(hours=3)]
    ids = []
    for n, (at, departure) in enumerate(zip(lodged, departures, strict=True)):
        clock.now = at
        itinerary = {"place_of_loading": "HKHKG", "place_of_unloading": "DEFRA", "departure_at": departure.isoformat(),
                     "arrival_at": (departure + timedelta(hours=13)).isoformat()}  # fmt: skip
        body = filing(air_consignment(house_document=f"H-{n}", itinerary=itinerary), document_number=f"PL-{n}")
        [result] = system.pipeline.submit_message(orjson.dumps(body), filer="ACME", actor="ACME-user")
        [item] = result.consignments
        assert result.consignments[0].answer == "referral"
        ids.append((item.consignment_id, item.decision_id))
    officer = Scope.of("targeter", "officer")
    decision_id = ids[0][1]
    referrals.act(
        system.db,
        decision_id,
        "issue",
        scope=officer,
        at=T0 + timedelta(hours=1),
        note="end user unclear",
        data={"referral": "RFI"},
    )
    referrals.act(system.db, decision_id, "close", scope=officer, at=T0 + timedelta(hours=4, minutes=30))

    with system.db.read() as conn:
        rows = {r["consignment_id"]: r for r in trs.rows(conn, scope=ADMIN, since=T0, until=T0 + timedelta(days=1))}
        report = trs.report(conn, scope=ADMIN, since=T0, until=T0 + timedelta(days=1))
    first, second = rows[ids[0][0]], rows[ids[1][0]]
    assert first["kind"] == second["kind"] == "pre_loading"
    assert first["channel"] == "RFI" and second["channel"] == "ASSESSMENT_COMPLETE"
    assert first["lodgement_to_departure"] == 6 * 3600 and second["lodgement_to_departure"] == -2 * 3600
    assert first["referral_to_resolution"] == 4.5 * 3600 and second["referral_to_resolution"] is None
    assert first["arrival_source"] == "declared" and first["released_at"] is None
    air = next(r for r in report["segments"] if r["segment"] == "kind" and r["value"] == "pre_loading")
    assert air["consignments"] == 2 and air["released"] == 0
    assert air["lodgement_to_departure_p50_hours"] == -2.0  # nearest rank of (-2, 6)
    assert air["referral_to_resolution_p50_hours"] == 4.5


def test_a_consignment_decided_under_a_plan_counts_in_its_tier(system, clock) -> None:
    from safelane.resilience.disruption import Declaration
    from safelane.store import disruptions as disruption_store

    declaration = Declaration.from_dict({"kind": "port_closure", "scope": {"offices": ["NLRTM"]}}, now=T0)
    with system.db.write() as conn:
        disruption = disruption_store.declare(conn, declaration, at=T0, actor="sam")
    system.pipeline.disruptions_changed()
    clock.now = T0 + timedelta(hours=1)
    for office in ("NLRTM", "DEHAM"):
        body = filing(
            sea_consignment(house_document=f"HBL-{office}", itinerary__place_of_unloading=office),
            document_number=f"TIER-{office}",
        )
        system.pipeline.submit_message(orjson.dumps(body), filer="ACME", actor="ACME-user")
    with system.db.read() as conn:
        report = trs.report(conn, scope=ADMIN, since=T0, until=T0 + timedelta(days=1))
    by = {(r["segment"], r["value"]): r["consignments"] for r in report["segments"]}
    assert by[("tier", "3")] == 1 and by[("tier", "none")] == 1
    assert by[("disruption", disruption.disruption_id)] == 1

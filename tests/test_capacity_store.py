"""Selection under capacity through the pipeline on a real store: usage per day, settings changed at run time."""

from datetime import timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.selection import OfficeSettings
from safelane.store import Database
from safelane.store import offices as office_store
from safelane.store import profiles as profile_store
from safelane.store.schema import audit_events, decisions
from tests.factories import filing, sea_consignment

# Score-only profiles (the demo's all set floors): what capacity decides about.
SCORED = """id: {id}
version: 1
title: {id}
owner: test
rationale: score only, no floor
valid_from: 2026-01-01
when:
  mode: [sea]
  hs_prefix: ["{hs}"]
outcome:
  score: {score}
"""
SHIRTS, JERSEYS = {"goods__0__hs_code": "610910"}, {"goods__0__hs_code": "611020"}  # red by score 75 and 95


@pytest.fixture
def scored(system, clock):
    with system.db.write() as conn:
        for id_, hs, score in (("SHIRTS", "6109", 75), ("JERSEYS", "6110", 95)):
            profile_store.save(
                conn, SCORED.format(id=id_, hs=hs, score=score), actor="test", at=clock.now, activate=True
            )
    system.profiles.refresh()
    return system


def set_office(system, clock, office: str = "NLRTM", actor: str = "sven", **values) -> None:
    values = {"random_rate": 0.0, "explore_rate": 0.0, **values}
    with system.db.write() as conn:
        office_store.set(conn, OfficeSettings.from_dict(office, values), at=clock.now, actor=actor)
    system.pipeline.offices.refresh()


def submit(system, number: str, *consignments: dict) -> list:
    data = filing(*consignments, document_number=number, kind="pre_arrival")
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
    assert result.status == "accepted", result.problems
    return result.consignments


def shirt(ref: str, **changes) -> dict:
    return sea_consignment(
        master_document=ref,
        **{
            "goods__0__description": "T-shirts",
            **SHIRTS,
            "goods__0__value": {"amount": 100000, "currency": "USD"},
            **changes,
        },
    )  # 5 USD/kg: not undervalued apparel


def stored(db: Database, decision_id: str) -> dict:
    with db.read() as conn:
        return dict(conn.execute(sa.select(decisions).where(decisions.c.decision_id == decision_id)).mappings().one())


def test_capacity_is_used_across_batches_and_renewed_each_day(scored, clock):
    set_office(scored, clock, capacity={"physical": 2, "nii": 0})
    [first] = submit(scored, "D1", shirt("S1", **JERSEYS))
    assert first.outcome == "red"
    row = stored(scored.db, first.decision_id)
    assert (row["selection"], row["inspection"], row["office"], row["score"]) == ("risk", "physical", "NLRTM", 95)
    second, third = submit(scored, "D2", shirt("S2"), shirt("S3"))
    assert (second.outcome, third.outcome) == ("red", "blue")
    assert "physical inspection and non-intrusive inspection capacity at NLRTM reached" in third.basis
    assert "2 of 2 physical inspections today" in third.basis
    assert stored(scored.db, third.decision_id)["selection"] is None
    assert third.state == "closed"
    [fourth] = submit(scored, "D3", shirt("S4", **JERSEYS))
    assert fourth.outcome == "blue"  # the highest score too: today's capacity is gone

    [elsewhere] = submit(scored, "D4", shirt("S5", itinerary__place_of_unloading="DEHAM"))
    assert elsewhere.outcome == "red"  # another office, without settings: the built-in default is unlimited
    assert stored(scored.db, elsewhere.decision_id)["office"] == "DEHAM"

    clock.now += timedelta(days=1)
    [next_day] = submit(scored, "D5", shirt("S6"))
    assert next_day.outcome == "red"
    with scored.db.read() as conn:
        assert office_store.usage(conn, clock.now).total("NLRTM", "physical") == 1
        assert office_store.usage(conn, clock.now - timedelta(days=1)).total("NLRTM", "physical") == 2


def test_mandatory_selections_pass_without_capacity_and_are_counted(scored, clock):
    set_office(scored, clock, capacity={"physical": 0, "nii": 0})
    bananas, shirts = submit(scored, "B1", sea_consignment(master_document="BAN1"), shirt("S1"))
    assert (bananas.outcome, shirts.outcome) == ("red", "blue")
    row = stored(scored.db, bananas.decision_id)
    assert (row["selection"], row["inspection"], row["office"]) == ("mandatory", "physical", "NLRTM")
    with scored.db.read() as conn:
        assert office_store.usage(conn, clock.now).of("NLRTM", "physical", "mandatory") == 1


def test_settings_changed_at_run_time_take_effect_and_are_audited(scored, clock):
    set_office(scored, clock, "*", capacity={"physical": 0, "nii": 0})
    [before] = submit(scored, "C1", shirt("S1"))
    assert before.outcome == "blue"

    other = Database(scored.db.url)  # a supervisor's change from another process
    with other.write() as conn:
        office_store.set(conn, OfficeSettings("NLRTM", {"physical": 5}, 0.0, 0.0), at=clock.now, actor="sven")
    other.dispose()
    scored.pipeline.offices.check_every = 0.0  # what a second's wait does
    [after] = submit(scored, "C2", shirt("S2"))
    assert after.outcome == "red"

    with scored.db.read() as conn:
        events = (
            conn.execute(
                sa.select(audit_events)
                .where(audit_events.c.action == "office.settings_changed")
                .order_by(audit_events.c.event_id)
            )
            .mappings()
            .all()
        )
    assert [(e["actor"], e["subject"]) for e in events] == [("sven", "*"), ("sven", "NLRTM")]
    assert events[1]["detail"] == {
        "before": None,
        "after": {
            "capacity": {"physical": 5},
            "random_rate": 0.0,
            "explore_rate": 0.0,
            "random_inspection": "physical",
        },
    }
    set_office(scored, clock, "NLRTM", capacity={"physical": 6})
    with scored.db.read() as conn:
        last = (
            conn.execute(
                sa.select(audit_events.c.detail)
                .where(audit_events.c.action == "office.settings_changed")
                .order_by(audit_events.c.event_id.desc())
            )
            .scalars()
            .first()
        )
    assert last["before"]["capacity"] == {"physical": 5}
    assert last["after"]["capacity"] == {"physical": 6}


def test_random_sample_is_stored_as_random(scored, clock):
    set_office(scored, clock, "NLRTM", random_rate=1.0, capacity={"physical": 0})
    [sampled] = submit(scored, "R1", sea_consignment(master_document="PLAIN", itinerary__routing_countries=[]))
    assert sampled.outcome == "red"
    assert "random compliance sample" in sampled.basis
    row = stored(scored.db, sampled.decision_id)
    assert (row["selection"], row["inspection"], row["random"]) == ("random", "physical", True)


def test_usage_counts_only_current_decisions(scored, clock):
    set_office(scored, clock, capacity={"physical": 1, "nii": 0})
    [first] = submit(scored, "A1", shirt("S1"))
    assert first.outcome == "red"
    amended = filing(shirt("S1", goods__0__packages=7), document_number="A1", version=2, kind="pre_arrival")
    [result] = scored.pipeline.submit_message(orjson.dumps(amended), filer="ACME", actor="acme")
    assert result.consignments[0].outcome == "red"  # the selection carries over to the amendment
    with scored.db.read() as conn:
        assert office_store.usage(conn, clock.now).total("NLRTM", "physical") == 1

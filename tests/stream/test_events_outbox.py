"""Events out are written to the outbox in the transaction of the change, and match their shipped JSON Schemas."""

import json
from importlib.resources import files

import jsonschema
import orjson
import pytest
import sqlalchemy as sa

from safelane.referrals import act
from safelane.scope import Scope
from safelane.store import outbox
from safelane.store import releases as release_store
from safelane.store.schema import event_outbox
from safelane.stream import events
from tests.factories import air_consignment, filing, sea_consignment

SCHEMAS = {
    kind: json.loads((files("safelane.stream") / "schemas" / f"{kind}.v1.json").read_text())
    for kind in ("decision", "referral", "release")
}


def waiting(system) -> list[dict]:
    with system.db.read() as conn:
        rows = outbox.oldest(conn, 1000)
    found = []
    for row in rows:
        event = orjson.loads(row["payload"])
        kind = event["type"].split(".")[2]
        jsonschema.validate(event, SCHEMAS[kind], format_checker=jsonschema.FormatChecker())
        assert row["event_id"] == event["id"]
        found.append(event | {"_subject": row["subject"]})
    return found


def submit(system, data: dict):
    return system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="ACME-user")


def test_nothing_is_written_while_the_outbox_is_off(system):
    assert not system.db.outbox  # the embedded default: nobody relays, so nothing accumulates
    submit(system, filing(air_consignment(), sea_consignment(), kind="pre_arrival"))
    assert waiting(system) == []


def test_each_decision_and_release_at_decision_is_an_event_in_the_same_commit(system):
    system.db.outbox = True
    [result] = submit(system, filing(air_consignment(), sea_consignment(), kind="pre_arrival"))
    air, sea = result.consignments
    found = waiting(system)
    decided = [e for e in found if e["type"] == events.DECISION]
    assert [(e["id"], e["data"]["channel"]) for e in decided] == [(air.decision_id, "green"), (sea.decision_id, "red")]
    assert decided[1]["data"]["reasons"][0]["code"] == "SEA-BANANA-COCAINE"
    assert decided[1]["_subject"] == "safelane.decisions.NLRTM"
    [released] = [e for e in found if e["type"] == events.RELEASE]  # green needs no control: released at once
    assert (released["subject"], released["data"]["agency"]) == (air.consignment_id, "customs")
    [again] = submit(system, filing(air_consignment(), sea_consignment(), kind="pre_arrival"))
    assert again.status == "duplicate" and len(waiting(system)) == len(found)  # a replay changes nothing


def test_a_referral_change_is_an_event_and_a_rolled_back_change_leaves_none(system):
    system.db.outbox = True
    data = filing(air_consignment(consignee__name="Falcon Star General Trading LLC"), document_number="DOC-RFS")
    [result] = submit(system, data)
    [consignment] = result.consignments
    assert consignment.outcome == "RFS"
    before = len(waiting(system))
    scope = Scope.of("officer-1", "officer")
    act(system.db, consignment.decision_id, "screening", scope=scope, at=system.pipeline.clock(),
        data={"method": "XRY", "result": "clear"})  # fmt: skip
    [change] = waiting(system)[before:]
    assert change["type"] == events.REFERRAL
    assert (change["data"]["from"], change["data"]["to"]) == (
        {"outcome": "RFS", "state": "open"},
        {"outcome": "ASSESSMENT_COMPLETE", "state": "closed"},
    )
    with pytest.raises(RuntimeError), system.db.write() as conn:
        assert release_store.record(conn, consignment.consignment_id, "plant_health", system.pipeline.clock(), "ph")
        raise RuntimeError("the request failed after the release was written")
    assert len(waiting(system)) == before + 1  # neither the release nor its event was committed


def test_an_agency_release_is_an_event_on_its_office_subject(system):
    system.db.outbox = True
    [result] = submit(system, filing(sea_consignment(), kind="pre_arrival"))
    [consignment] = result.consignments
    with system.db.write() as conn:
        assert release_store.record(conn, consignment.consignment_id, "plant_health", system.pipeline.clock(), "ph")
        assert not release_store.record(conn, consignment.consignment_id, "plant_health", system.pipeline.clock(), "x")
    [release] = [e for e in waiting(system) if e["type"] == events.RELEASE]
    assert (release["_subject"], release["data"]["agency"]) == ("safelane.releases.NLRTM", "plant_health")
    with system.db.write() as conn:
        outbox.remove(conn, [r["seq"] for r in outbox.oldest(conn, 1000)])
        assert conn.execute(sa.select(sa.func.count()).select_from(event_outbox)).scalar_one() == 0


def test_subjects_name_the_office_or_unassigned():
    assert events.subject("referrals", "NLRTM") == "safelane.referrals.NLRTM"
    assert events.subject("releases", None) == "safelane.releases.unassigned"
    assert events.subject("decisions", "NL.RTM") == "safelane.decisions.unassigned"  # a dot would split the subject

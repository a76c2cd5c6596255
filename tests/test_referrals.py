"""The PLACI referral lifecycle: every change checked against state and role, and recorded with who and when."""

from datetime import timedelta

import orjson
import pytest

from safelane.referrals import ActionError, act
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from tests.factories import air_consignment, filing, sea_consignment

SCENARIOS = {
    "DNL": {
        "itinerary__place_of_loading": "YESAH",
        "goods__0__hs_code": "844399",
        "goods__0__description": "Toner cartridges",
    },
    "RFS": {"consignee__name": "Falcon Star General Trading LLC"},
    "RFI": {
        "itinerary__routing_countries": ["KP"],
        "goods__0__hs_code": "847130",
        "goods__0__description": "Laptop computers",
    },
}


def decision_for(system, outcome: str, filer: str = "ACME") -> str:
    data = filing(air_consignment(**SCENARIOS[outcome]), document_number=f"DOC-{outcome}")
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer=filer, actor="filer-user")
    [consignment] = result.consignments
    assert consignment.outcome == outcome
    return consignment.decision_id


def do(system, decision_id, action, role="officer", filer=None, **kw):
    scope = Scope.of(f"{role}-1", role, filer=filer)
    return act(system.db, decision_id, action, scope=scope, at=system.pipeline.clock(), **kw)


def test_rfi_answered_with_information_then_closed_by_an_officer(system, clock):
    decision_id = decision_for(system, "RFI")
    answered = do(
        system,
        decision_id,
        "information",
        role="filer",
        filer="ACME",
        data={"text": "End user is a hospital in Rotterdam; licence attached."},
    )
    assert (answered["outcome"], answered["state"]) == ("RFI", "answered")
    clock.now += timedelta(minutes=5)
    closed = do(system, decision_id, "close", note="end user verified")
    assert (closed["outcome"], closed["state"]) == ("ASSESSMENT_COMPLETE", "closed")
    with system.db.read() as conn:
        events = decision_store.events(conn, decision_id)
    assert [(e["action"], e["actor"], e["to_outcome"]) for e in events] == [
        ("decided", "safelane", "RFI"),
        ("information", "filer-1", "RFI"),
        ("close", "officer-1", "ASSESSMENT_COMPLETE"),
    ]
    assert events[2]["at"] - events[1]["at"] == timedelta(minutes=5)
    assert events[2]["at"].tzinfo is not None


@pytest.mark.parametrize(
    ("result", "outcome", "state"), [("clear", "ASSESSMENT_COMPLETE", "closed"), ("not_clear", "DNL", "open")]
)
def test_rfs_answered_by_a_screening_result(system, result, outcome, state):
    decision_id = decision_for(system, "RFS")
    done = do(system, decision_id, "screening", role="filer", filer="ACME", data={"method": "XRY", "result": result})
    assert (done["outcome"], done["state"]) == (outcome, state)


def test_dnl_stands_until_an_officer_lifts_it_with_a_reason(system):
    decision_id = decision_for(system, "DNL")
    with pytest.raises(ActionError) as denied:
        do(system, decision_id, "lift", role="filer", filer="ACME", note="please")
    assert denied.value.status == 403
    with pytest.raises(ActionError) as no_note:
        do(system, decision_id, "lift")
    assert no_note.value.status == 422
    assert no_note.value.location == "note"
    with pytest.raises(ActionError):
        do(system, decision_id, "close", note="done")  # a DNL is lifted, not closed
    lifted = do(system, decision_id, "lift", note="cartridges opened and inspected at origin; empty")
    assert (lifted["outcome"], lifted["state"]) == ("ASSESSMENT_COMPLETE", "closed")
    with pytest.raises(ActionError) as twice:
        do(system, decision_id, "lift", note="again")
    assert twice.value.status == 409


def test_wrong_state_wrong_data_and_other_filers(system):
    rfi = decision_for(system, "RFI")
    with pytest.raises(ActionError) as wrong_state:
        do(system, rfi, "screening", data={"method": "XRY", "result": "clear"})
    assert wrong_state.value.status == 409
    rfs = decision_for(system, "RFS", filer="ACME")
    with pytest.raises(ActionError) as bad_method:
        do(system, rfs, "screening", data={"method": "SNIFF", "result": "clear"})
    assert bad_method.value.location == "method"
    with pytest.raises(ActionError) as hidden:
        do(system, rfs, "screening", role="filer", filer="OTHER", data={"method": "XRY", "result": "clear"})
    assert hidden.value.status == 404
    with pytest.raises(ActionError) as unknown:
        do(system, rfs, "explode")
    assert unknown.value.status == 404


def test_officer_issues_a_referral_and_channels_close_after_control(system):
    [result] = system.pipeline.submit_message(orjson.dumps(filing(air_consignment())), filer="ACME", actor="f")
    decision_id = result.consignments[0].decision_id
    issued = do(system, decision_id, "issue", note="intelligence report 42", data={"referral": "RFS"})
    assert (issued["outcome"], issued["state"]) == ("RFS", "open")
    [sea] = system.pipeline.submit_message(
        orjson.dumps(filing(sea_consignment(), document_number="S")), filer="ACME", actor="f"
    )
    red = sea.consignments[0].decision_id
    with pytest.raises(ActionError):
        do(system, red, "issue", note="x", data={"referral": "DNL"})
    closed = do(system, red, "close", note="scanned, nothing found")
    assert (closed["outcome"], closed["state"]) == ("red", "closed")


def test_a_replay_gets_the_answer_as_first_given(system):
    decision_id = decision_for(system, "RFS")
    do(system, decision_id, "screening", role="filer", filer="ACME", data={"method": "XRY", "result": "clear"})
    data = filing(air_consignment(**SCENARIOS["RFS"]), document_number="DOC-RFS")
    [replay] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="filer-user")
    assert replay.status == "duplicate"
    assert (replay.consignments[0].outcome, replay.consignments[0].state) == ("RFS", "open")
    with system.db.read() as conn:
        assert decision_store.get(conn, decision_id)["outcome"] == "ASSESSMENT_COMPLETE"

"""The case file and the case work on it: what the consignment page reads, and notes, assignment, document
requests and channel changes with their checks."""

from datetime import timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.cases import case as case_file
from safelane.cases import notes
from safelane.referrals import ActionError, act
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store import users as user_store
from safelane.store.schema import audit_events
from tests.cases.test_queue import DNL, RFI, submit
from tests.factories import air_consignment, filing, sea_consignment
from tests.screening.conftest import import_list


@pytest.fixture
def officers(system, clock):
    with system.db.write() as conn:
        user_store.add(conn, "olga", "officer", office="NLRTM", at=clock.now)
        user_store.add(conn, "pieter", "officer", office="BEANR", at=clock.now)
        user_store.add(conn, "sam", "supervisor", at=clock.now)


def load(system, consignment_id, version=None):
    with system.db.read() as conn:
        return case_file.load(conn, consignment_id, version, assessors=system.assessors)


def test_the_case_file_in_plain_terms(system):
    consignment_id = submit(system, "A-DNL", air_consignment(**DNL, itinerary__routing_countries=["OM"]))
    case = load(system, consignment_id)
    assert case is not None
    assert case.office == "DEFRA"
    assert case.filer == "ACME"
    assert [(s.code, s.kind) for s in case.route] == [("YESAH", "loading"), ("OM", "routing"), ("DEFRA", "unloading")]
    assert "Yemen" in case.route[0].name
    assert case.route[1].name == "Oman (OM)"
    assert "Frankfurt" in case.route[2].name
    assert case.goods[0]["hs_code"] == "844399"
    assert case.goods[0]["hs_description"]
    assert case.parties[1]["role"] == "consignee"
    assert case.parties[1]["identifiers"][0]["scheme"] == "EORI"
    [profiles] = [g for g in case.groups if g.assessor == "profiles"]
    assert profiles.findings[0]["code"] == "AIR-TONER-YE"
    assert "Profile AIR-TONER-YE" in profiles.findings[0]["explanation"]
    assert [e["action"] for e in case.events] == ["decided"]
    assert case.raw is not None
    assert "YESAH" in case.raw  # the message as received
    assert case.deadline is not None
    assert case.is_current
    assert load(system, "C-nothing") is None
    assert load(system, consignment_id, version=7) is None


def test_versions_of_an_amended_filing(system):
    first = filing(air_consignment(**RFI), document_number="A-RFI")
    system.pipeline.submit_message(orjson.dumps(first), filer="ACME", actor="filer")
    amended = filing(
        air_consignment(goods__0__description="Laptops for a hospital"), document_number="A-RFI", version=2
    )
    [result] = system.pipeline.submit_message(orjson.dumps(amended), filer="ACME", actor="filer")
    consignment_id = result.consignments[0].consignment_id
    case = load(system, consignment_id)
    assert [v["version"] for v in case.versions] == [1, 2]
    assert case.shown["version"] == 2
    assert all(v["message_type"] == "safelane-json" for v in case.versions)
    old = load(system, consignment_id, version=1)
    assert old.shown["version"] == 1
    assert not old.is_current
    assert old.current["version"] == 2
    assert old.route[1].code == "KP"
    assert old.shown["outcome"] == "RFI"


def test_a_screening_hit_beside_the_listed_entry(system, clock):
    import_list(system.db, "ofac_sdn/sdn.csv", "ofac-sdn", clock.now)
    next(a for a in system.pipeline.engine.assessors if a.name == "screening").source.refresh()
    consignee = {"name": "National Bank of Cuba", "address": {"city": "Havana", "country": "CU"}}
    consignment_id = submit(system, "A-CUBA", air_consignment(consignee=consignee))
    [screening] = [g for g in load(system, consignment_id).groups if g.assessor == "screening"]
    hit = screening.findings[0]
    assert hit["filed_party"]["name"] == "National Bank of Cuba"
    assert hit["evidence"]["entry"] == "ofac-sdn-306"
    facts = dict(hit["entry_facts"])
    assert "BANCO NACIONAL DE CUBA" in facts["name"].upper()
    assert "NATIONAL BANK OF CUBA" in facts["alias"].upper()


def test_notes_assignment_and_document_requests(system, clock, officers):
    consignment_id = submit(system, "S-RED", sea_consignment())  # red at NLRTM
    who = {"at": clock.now}
    notes.add_note(
        system.db,
        consignment_id,
        "Container seal number differs from the manifest.",
        scope=Scope.of("olga", "officer", office="NLRTM"),
        **who,
    )
    notes.assign(system.db, consignment_id, "olga", scope=Scope.of("sam", "supervisor", office=None), **who)
    notes.request_documents(
        system.db,
        consignment_id,
        ["commercial_invoice", "packing_list"],
        "For the scan.",
        scope=Scope.of("olga", "officer", office="NLRTM"),
        **who,
    )
    case = load(system, consignment_id)
    assert [n["text"] for n in case.notes] == ["Container seal number differs from the manifest."]
    assert case.current["assigned_to"] == "olga"
    assert case.assignments[0]["data"] == {"to": "olga", "from": None}
    assert case.requests[0]["data"] == {"documents": ["commercial_invoice", "packing_list"]}
    assert [e["action"] for e in case.events] == ["decided", "assign", "request_documents"]
    assert case.events[-1]["to_outcome"] == "red"
    assert case.events[-1]["to_state"] == "open"  # nothing else moved
    with system.db.read() as conn:
        actions = set(
            conn.execute(sa.select(audit_events.c.action).where(audit_events.c.subject == consignment_id)).scalars()
        )
    assert actions == {"case.note", "case.assignment", "case.document_request"}


@pytest.mark.parametrize(
    ("call", "status", "location"),
    [
        (
            lambda db, c, w: notes.add_note(db, c, "  ", scope=Scope.of("olga", "officer", office="NLRTM"), **w),
            422,
            "text",
        ),
        (
            lambda db, c, w: notes.add_note(db, c, "x", scope=Scope.of("pieter", "officer", office="BEANR"), **w),
            404,
            "consignment_id",
        ),
        (lambda db, c, w: notes.add_note(db, c, "x", scope=Scope.of("acme", "filer", office=None), **w), 403, "action"),
        (
            lambda db, c, w: notes.assign(db, c, "pieter", scope=Scope.of("sam", "supervisor", office=None), **w),
            422,
            "officer",
        ),
        (
            lambda db, c, w: notes.assign(db, c, "nobody", scope=Scope.of("sam", "supervisor", office=None), **w),
            422,
            "officer",
        ),
        (
            lambda db, c, w: notes.request_documents(
                db, c, ["passport"], "x", scope=Scope.of("olga", "officer", office="NLRTM"), **w
            ),
            422,
            "documents",
        ),
        (
            lambda db, c, w: notes.request_documents(
                db, c, [], "x", scope=Scope.of("olga", "officer", office="NLRTM"), **w
            ),
            422,
            "documents",
        ),
        (
            lambda db, c, w: notes.add_note(db, "C-none", "x", scope=Scope.of("olga", "officer", office=None), **w),
            404,
            "consignment_id",
        ),
    ],
)
def test_case_work_is_checked(system, clock, officers, call, status, location):
    consignment_id = submit(system, "S-RED", sea_consignment())
    with pytest.raises(ActionError) as refused:
        call(system.db, consignment_id, {"at": clock.now})
    assert (refused.value.status, refused.value.location) == (status, location)
    assert load(system, consignment_id).notes == []


def test_channel_change_needs_a_reason_and_a_declaration(system, clock):
    red = submit(system, "S-RED", sea_consignment())
    decision_id = load(system, red).current["decision_id"]

    def change(channel, note="seal intact, scan clean", role="officer", office=None):
        return act(
            system.db,
            decision_id,
            "channel",
            scope=Scope.of("olga", role, office=office),
            at=clock.now,
            note=note,
            data={"channel": channel},
        )

    with pytest.raises(ActionError) as no_reason:
        change("green", note=None)
    assert (no_reason.value.status, no_reason.value.location) == (422, "note")
    with pytest.raises(ActionError) as same:
        change("red")
    assert same.value.location == "channel"
    with pytest.raises(ActionError) as unknown:
        change("purple")
    assert unknown.value.location == "channel"
    with pytest.raises(ActionError) as elsewhere:
        change("green", office="BEANR")
    assert elsewhere.value.status == 404  # another office's decision is answered as none
    with pytest.raises(ActionError) as filer:
        change("green", role="filer")
    assert filer.value.status == 403
    clock.now += timedelta(minutes=3)
    assert (change("yellow")["outcome"], change("green")["state"]) == ("yellow", "closed")
    with system.db.read() as conn:
        events = decision_store.events(conn, decision_id)
    assert [(e["action"], e["from_outcome"], e["to_outcome"], e["to_state"]) for e in events[1:]] == [
        ("channel", "red", "yellow", "open"),
        ("channel", "yellow", "green", "closed"),
    ]
    dnl = load(system, submit(system, "A-DNL", air_consignment(**DNL))).current["decision_id"]
    with pytest.raises(ActionError) as referral:
        act(
            system.db,
            dnl,
            "channel",
            scope=Scope.of("olga", "officer"),
            at=clock.now,
            note="x",
            data={"channel": "green"},
        )
    assert referral.value.status == 409


def test_officers_lift_any_standing_referral_and_do_not_issue_one_twice(system, clock):
    rfi = load(system, submit(system, "A-RFI", air_consignment(**RFI))).current["decision_id"]
    with pytest.raises(ActionError) as twice:
        act(
            system.db,
            rfi,
            "issue",
            scope=Scope.of("olga", "officer"),
            at=clock.now,
            note="again",
            data={"referral": "RFI"},
        )
    assert twice.value.status == 409
    lifted = act(
        system.db,
        rfi,
        "lift",
        scope=Scope.of("olga", "officer"),
        at=clock.now,
        note="end user confirmed by phone",
    )
    assert (lifted["outcome"], lifted["state"]) == ("ASSESSMENT_COMPLETE", "closed")
    reissued = act(
        system.db,
        rfi,
        "issue",
        scope=Scope.of("olga", "officer"),
        at=clock.now,
        note="new intelligence",
        data={"referral": "DNL"},
    )
    assert (reissued["outcome"], reissued["state"]) == ("DNL", "open")

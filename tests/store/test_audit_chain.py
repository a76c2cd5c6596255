"""The audit hash chain: a store built the way the demo builds one verifies, and every kind of tampering an
attacker with the database can do is caught with the row named (SQLite and PostgreSQL)."""

import itertools
from datetime import timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.referrals import act
from safelane.scope import Scope
from safelane.store import audit_chain as chain
from safelane.store.audit_verify import Anchor, snapshot, verify
from safelane.store.filings import add_audit
from safelane.store.schema import audit_chain, audit_events, decision_events
from tests.factories import air_consignment, filing, sea_consignment

DNL = {"itinerary__place_of_loading": "YESAH", "goods__0__hs_code": "844399"}


def populate(system, clock) -> str:
    """Filings (one DNL'd, lifted by an officer; one amended; one rejected), sign-in style audit events."""
    pipeline = system.pipeline
    [dnl] = pipeline.submit_message(
        orjson.dumps(filing(air_consignment(**DNL), document_number="D-1")), filer="ACME", actor="acme-1"
    )
    decision_id = dnl.consignments[0].decision_id
    clock.now += timedelta(minutes=3)
    batch = [filing(sea_consignment(), document_number=f"S-{i}") for i in range(3)]
    pipeline.submit_message(orjson.dumps(batch), filer="GLOBEX", actor="globex-1")
    clock.now += timedelta(minutes=3)
    pipeline.submit_message(
        orjson.dumps(filing(sea_consignment(), document_number="S-0", version=2)), filer="GLOBEX", actor="globex-1"
    )
    pipeline.reject("acme-1", [], 12)
    act(system.db, decision_id, "lift", scope=Scope.of("officer-1", "supervisor"), at=clock.now, note="cleared")
    with system.db.write() as conn:
        add_audit(conn, clock.now, "olga", "workbench.signed_in", None, {"score": 2.0, "share": 0.1, "big": 1e16})
    return decision_id


def check(db, **kw):
    with snapshot(db) as conn:
        return verify(conn, **kw)


def events(db) -> list[dict]:
    with db.read() as conn:
        rows = [dict(r, table="decision_events") for r in conn.execute(sa.select(decision_events)).mappings()]
        rows += [dict(r, table="audit_events") for r in conn.execute(sa.select(audit_events)).mappings()]
    return sorted(rows, key=lambda r: r["seq"])


def test_a_fresh_store_verifies_with_every_event_in_one_chain(system, clock):
    populate(system, clock)
    rows = events(system.db)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["table"] for r in rows} == {"decision_events", "audit_events"}
    assert rows[0]["prev_hash"] == chain.GENESIS
    assert all(b["prev_hash"] == a["chain_hash"] for a, b in itertools.pairwise(rows))
    report = check(system.db)
    assert report.ok, report.problem
    assert (report.checked, report.complete) == (len(rows), True)
    assert report.last == report.head == Anchor(len(rows), rows[-1]["chain_hash"])


def _lift_event(db, decision_id: str) -> dict:
    return next(r for r in events(db) if r.get("decision_id") == decision_id and r["action"] == "lift")


def test_an_edited_actor_is_named(system, clock):
    decision_id = populate(system, clock)
    lift = _lift_event(system.db, decision_id)
    with system.db.write() as conn:
        conn.execute(decision_events.update().where(decision_events.c.event_id == lift["event_id"]).values(actor="x"))
    problem = check(system.db).problem
    assert problem is not None
    assert (problem.kind, problem.table, problem.event_id, problem.seq) == (
        "edited",
        "decision_events",
        lift["event_id"],
        lift["seq"],
    )


def test_an_edited_json_detail_is_named(system, clock):
    populate(system, clock)
    last = events(system.db)[-1]
    with system.db.write() as conn:
        conn.execute(
            audit_events.update().where(audit_events.c.event_id == last["event_id"]).values(detail={"score": 3})
        )
    problem = check(system.db).problem
    assert problem is not None and (problem.kind, problem.event_id) == ("edited", last["event_id"])


def test_a_deleted_event_is_named(system, clock):
    decision_id = populate(system, clock)
    lift = _lift_event(system.db, decision_id)
    with system.db.write() as conn:
        conn.execute(decision_events.delete().where(decision_events.c.event_id == lift["event_id"]))
    problem = check(system.db).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == ("deleted", lift["seq"] + 1)
    assert f"sequence {lift['seq']} missing" in problem.message


def test_deleting_the_newest_events_is_caught_by_the_head(system, clock):
    populate(system, clock)
    last = events(system.db)[-1]
    with system.db.write() as conn:
        conn.execute(audit_events.delete().where(audit_events.c.event_id == last["event_id"]))
    problem = check(system.db).problem
    assert problem is not None and (problem.kind, problem.seq) == ("deleted", last["seq"])


def _forge(row: dict, prev_hash: str, seq: int, **changes) -> dict:
    forged = {**row, **changes, "seq": seq, "prev_hash": prev_hash}
    forged["chain_hash"] = chain.link(prev_hash, row["table"], forged)
    return {k: v for k, v in forged.items() if k != "table"}


@pytest.mark.parametrize("where", ["decision_events", "audit_events"])
def test_a_forged_event_is_named_even_with_a_correct_hash(system, clock, where):
    """The forger copies a row, links it properly after the row before, and takes the seq of a row of the other
    table (each table keeps its sequence numbers unique, but not across the two)."""
    populate(system, clock)
    rows = events(system.db)
    victim = next(r for r in rows[1:] if r["table"] != where)
    template = next(r for r in rows if r["table"] == where)
    forged = _forge(template, rows[victim["seq"] - 2]["chain_hash"], victim["seq"], event_id="FORGED", actor="x")
    with system.db.write() as conn:
        conn.execute(chain.TABLES[where].insert().values(forged))
    problem = check(system.db).problem
    assert problem is not None
    assert (problem.kind, problem.table, problem.event_id) == ("inserted", where, "FORGED")


def test_a_forged_event_renumbering_the_rest_is_named(system, clock):
    populate(system, clock)
    rows = events(system.db)
    target = rows[4]
    forged = _forge(target, rows[3]["chain_hash"], target["seq"], event_id="FORGED", actor="officer-2")
    with system.db.write() as conn:
        for row in reversed(rows[4:]):  # make room: every later row one further on
            table = chain.TABLES[row["table"]]
            conn.execute(table.update().where(table.c.event_id == row["event_id"]).values(seq=row["seq"] + 1))
        conn.execute(chain.TABLES[target["table"]].insert().values(forged))
        conn.execute(audit_chain.update().values(seq=len(rows) + 1))
    problem = check(system.db).problem
    assert problem is not None and (problem.kind, problem.event_id) == ("inserted", "FORGED")


def test_two_events_swapped_are_named_as_reordered(system, clock):
    populate(system, clock)
    rows = events(system.db)
    a, b = rows[5], rows[6]
    with system.db.write() as conn:
        for row, seq in ((a, -1), (b, a["seq"]), (a, b["seq"])):
            table = chain.TABLES[row["table"]]
            conn.execute(table.update().where(table.c.event_id == row["event_id"]).values(seq=seq))
    problem = check(system.db).problem
    assert problem is not None
    assert (problem.kind, problem.event_id, problem.seq) == ("reordered", b["event_id"], a["seq"])


def test_a_chain_rewritten_to_its_end_is_caught_only_against_an_anchor(system, clock):
    decision_id = populate(system, clock)
    anchor = check(system.db).head
    rows = events(system.db)
    lift = _lift_event(system.db, decision_id)
    with system.db.write() as conn:  # the attacker edits the actor and re-hashes everything after it
        prev = rows[lift["seq"] - 2]["chain_hash"]
        for row in rows[lift["seq"] - 1 :]:
            changes = {"actor": "officer-2"} if row["event_id"] == lift["event_id"] else {}
            new = _forge(row, prev, row["seq"], **changes)
            table = chain.TABLES[row["table"]]
            conn.execute(table.update().where(table.c.event_id == row["event_id"]).values(new))
            prev = new["chain_hash"]
        conn.execute(audit_chain.update().values(hash=prev))
    assert check(system.db).ok  # self-consistent: without an anchor nothing can tell
    problem = check(system.db, anchors={anchor.seq: anchor.hash}).problem
    assert problem is not None and (problem.kind, problem.seq) == ("rewritten", anchor.seq)


def test_an_incremental_walk_carries_on_from_a_verified_point(system, clock):
    populate(system, clock)
    first = check(system.db, limit=4)
    assert first.ok and (first.checked, first.complete, first.last.seq) == (4, False, 4)
    rest = check(system.db, start=first.last)
    assert rest.ok and rest.complete and rest.checked == rest.head.seq - 4
    rows = events(system.db)
    with system.db.write() as conn:  # a verified row edited and re-hashed: the next walk's start no longer holds
        table = chain.TABLES[rows[3]["table"]]
        conn.execute(table.update().where(table.c.event_id == rows[3]["event_id"]).values(chain_hash="0" * 64))
    problem = check(system.db, start=first.last).problem
    assert problem is not None and (problem.kind, problem.event_id) == ("rewritten", rows[3]["event_id"])


def test_events_outside_a_write_transaction_are_refused(system, clock):
    with system.db.read() as conn, pytest.raises(RuntimeError, match=r"Database\.write"):
        add_audit(conn, clock.now, "x", "y", None, None)


def test_a_failed_transaction_leaves_no_link(system, clock):
    populate(system, clock)
    head = check(system.db).head
    with pytest.raises(ZeroDivisionError), system.db.write() as conn:
        add_audit(conn, clock.now, "x", "y", None, None)
        _ = 1 / 0
    with system.db.write() as conn:
        add_audit(conn, clock.now, "x", "z", None, None)
    report = check(system.db)
    assert report.ok and report.head.seq == head.seq + 1


def test_a_row_moved_further_on_is_named_as_reordered(system, clock):
    populate(system, clock)
    rows = events(system.db)
    a, b, c = rows[4], rows[5], rows[6]
    with system.db.write() as conn:  # a, b, c become b, c, a
        for row, seq in ((a, -1), (b, a["seq"]), (c, b["seq"]), (a, c["seq"])):
            table = chain.TABLES[row["table"]]
            conn.execute(table.update().where(table.c.event_id == row["event_id"]).values(seq=seq))
    problem = check(system.db).problem
    assert problem is not None
    assert (problem.kind, problem.event_id, problem.seq) == ("reordered", b["event_id"], a["seq"])
    assert f"{a['table']} {a['event_id']}, which now stands at seq {c['seq']}" in problem.message

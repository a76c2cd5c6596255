"""`safelane audit verify` and `anchor` on a real store: what they print and their exit codes."""

import orjson
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import audit_chain as chain
from safelane.store.schema import audit_anchors, audit_chain, decision_events
from tests.store.test_audit_chain import _forge, events, populate

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_verify_passes_and_says_what_it_checked(system, clock):
    populate(system, clock)
    n = len(events(system.db))
    done = run("audit", "verify", "--database", system.db.url)
    assert done.exit_code == 0, done.output
    assert f"checked {n} events (sequence 1-{n} of {n}) and 0 anchors in" in done.stdout
    report = orjson.loads(run("audit", "verify", "--json", "--database", system.db.url).stdout)
    assert report["ok"] and report["checked"] == n and report["anchors_checked"] == 1  # the first run kept one
    assert report["seconds"] >= 0


def test_verify_names_an_edited_row_and_exits_1(system, clock):
    populate(system, clock)
    victim = next(r for r in events(system.db) if r["table"] == "decision_events" and r["action"] == "lift")
    with system.db.write() as conn:
        conn.execute(decision_events.update().where(decision_events.c.event_id == victim["event_id"]).values(note="?"))
    done = run("audit", "verify", "--database", system.db.url)
    assert done.exit_code == 1
    assert f"BROKEN at decision_events {victim['event_id']} (seq {victim['seq']}): edited" in done.stderr


def test_an_exported_anchor_catches_a_rewritten_chain(system, clock, tmp_path):
    populate(system, clock)
    exported = tmp_path / "anchors.jsonl"
    done = run("audit", "anchor", "--output", str(exported), "--database", system.db.url)
    assert done.exit_code == 0, done.output
    line = orjson.loads(exported.read_bytes())
    assert orjson.loads(done.stdout) == line and line["seq"] == len(events(system.db))
    rows = events(system.db)
    with system.db.write() as conn:  # rewrite every row's actor and hash, the head, and the kept anchors
        prev = chain.GENESIS
        for row in rows:
            new = _forge(row, prev, row["seq"], actor="nobody")
            table = chain.TABLES[row["table"]]
            conn.execute(table.update().where(table.c.event_id == row["event_id"]).values(new))
            prev = new["chain_hash"]
        conn.execute(audit_chain.update().values(hash=prev))
        conn.execute(audit_anchors.delete())
    assert run("audit", "verify", "--database", system.db.url).exit_code == 0  # nothing inside can tell
    caught = run("audit", "verify", "--anchor", str(exported), "--database", system.db.url)
    assert caught.exit_code == 1
    assert f"(seq {line['seq']}): rewritten" in caught.stderr


def test_anchor_refuses_a_broken_chain(system, clock):
    populate(system, clock)
    with system.db.write() as conn:
        for table in chain.TABLES.values():
            conn.execute(sa.delete(table).where(table.c.seq == 2))
    done = run("audit", "anchor", "--database", system.db.url)
    assert done.exit_code == 1 and "not anchored" in done.stderr and done.stdout == ""


def test_an_unreadable_anchor_file_exits_2(system, tmp_path):
    bad = tmp_path / "anchor.json"
    bad.write_text('{"seq": 3, "hash": "xyz"}\n')
    done = run("audit", "verify", "--anchor", str(bad), "--database", system.db.url)
    assert done.exit_code == 2 and f"{bad}:1: hash must be 64 lower-case hex digits" in done.stderr
    missing = run("audit", "verify", "--anchor", str(tmp_path / "none"), "--database", system.db.url)
    assert missing.exit_code == 2


def test_a_freshly_built_demo_verifies(tmp_path):
    from tests.cli.test_demo import _demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _demo(url).exit_code == 0
    report = orjson.loads(run("audit", "verify", "--json", "--database", url).stdout)
    assert report["ok"] and report["complete"]
    assert report["checked"] == report["head"]["seq"] > 1000  # a month of decisions, actions and audit events

"""Concurrent writers keep one valid chain: the server's threads, and two processes on one database."""

import itertools
import subprocess
import sys
import threading
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa

from safelane.store import Database
from safelane.store.audit_verify import snapshot, verify
from safelane.store.filings import add_audit
from safelane.store.schema import audit_events
from tests.factories import air_consignment, filing

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WRITER = """
import sys
from datetime import UTC, datetime
from safelane.store import Database
from safelane.store.filings import add_audit
db = Database(sys.argv[1])
n = int(sys.argv[2])
with db.read() as conn:
    pass
print("ready", flush=True)
sys.stdin.readline()
for i in range(n):
    if i == n // 2:
        print("half", flush=True)
    with db.write() as conn:
        add_audit(conn, datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "child", "test.child", str(i), {"i": i})
        add_audit(conn, datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "child", "test.child2", str(i), None)
db.dispose()
"""


def _audits(db: Database, actor: str, n: int) -> None:
    for i in range(n):
        with db.write() as conn:
            add_audit(conn, AT, actor, "test.event", str(i), {"i": i})


def _report(db: Database):
    with snapshot(db) as conn:
        return verify(conn)


def test_threads_filing_and_auditing_at_once_keep_a_valid_chain(system):
    def file(prefix: str) -> None:
        for i in range(8):
            body = orjson.dumps([filing(air_consignment(), document_number=f"{prefix}-{i}-{j}") for j in range(3)])
            system.pipeline.submit_message(body, filer=prefix, actor=f"{prefix}-user")

    before = _report(system.db).head.seq  # the fixture's profile events
    threads = [threading.Thread(target=file, args=(p,)) for p in ("ACME", "GLOBEX")]
    threads += [threading.Thread(target=_audits, args=(system.db, f"officer-{k}", 25)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = _report(system.db)
    assert report.ok, report.problem
    # 2 filers x 8 batches x 3 filings: one decided event and one accepted event each; 3 x 25 audit events
    assert report.head.seq == report.checked == before + 2 * 8 * 3 * 2 + 3 * 25


def test_two_processes_appending_at_once_keep_a_valid_chain(database_url):
    db = Database(database_url)
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, database_url, "150"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdin is not None and child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    _audits(db, "parent", 150)
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "half"  # the child is writing: from here on both write at once
    _audits(db, "parent", 150)
    assert child.wait(timeout=120) == 0
    child.stdout.close()
    child.stdin.close()
    report = _report(db)
    with db.read() as conn:
        actors = conn.execute(sa.select(audit_events.c.actor).order_by(audit_events.c.seq)).scalars().all()
    db.dispose()
    assert report.ok, report.problem
    assert report.head.seq == report.checked == 300 + 2 * 150
    switches = sum(a != b for a, b in itertools.pairwise(actors))
    assert switches > 1, "the two writers did not overlap: the test proved nothing"

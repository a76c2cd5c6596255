"""The forwarder on a real SQLite store held locked by another connection (an outage): the receipts it remembers
are bounded, and any process's spooled receipt is found on disk, so a filer may ask any serving process."""

import sqlite3
import time

import orjson

from safelane.resilience.forward import Forwarder
from safelane.settings import Settings
from safelane.system import build
from tests.factories import filing


def test_remembered_receipts_are_bounded_and_every_spooled_one_is_found_from_any_process(tmp_path):
    database, spool = tmp_path / "store.db", tmp_path / "spool"
    system = build(Settings(database_url=f"sqlite:///{database}", database_timeout=0.2))
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    mine = Forwarder(system.pipeline, system.db, spool, 1 << 20, remembered=3, probe_every=0.05)
    other = Forwarder(system.pipeline, system.db, spool, 1 << 20, remembered=3, probe_every=0.05)  # another process
    try:
        receipts = [
            mine.accept(orjson.dumps(filing(document_number=f"DOC-{i}")), filer="ACME", actor="acme", format=None)
            for i in range(10)
        ]
        assert mine.remembered == 3
        assert mine.pending(receipts[0].receipt_id) == (True, "ACME")  # forgotten in memory, found in the spool
        assert other.pending(receipts[5].receipt_id) == (True, "ACME")  # in another process's segment
        assert other.pending("R-never-spooled") == (False, None)
        assert (mine.remembered, other.remembered) == (3, 1)  # what it found is remembered, within the bound
        restarted = Forwarder(system.pipeline, system.db, spool, 1 << 20, remembered=3, probe_every=0.05)
        assert restarted.remembered == 3  # rebuilt from the spool on start, within the bound
        restarted.close()
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    deadline = time.monotonic() + 30  # a bound on the wait, not a measurement
    while not mine.spool.empty:
        assert time.monotonic() < deadline, "the spool was not forwarded"
        time.sleep(0.05)
    assert other.pending(receipts[0].receipt_id) == (False, None)  # forwarded: the store answers for it now
    mine.close()
    other.close()
    system.db.dispose()

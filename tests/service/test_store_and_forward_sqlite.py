"""Store-and-forward on the embedded SQLite store: another process holding the write lock is an outage too."""

import sqlite3
import time
from datetime import UTC, datetime

import httpx
import orjson
import pytest

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.system import build
from tests.factories import filing
from tests.service.served import served

WAIT = 30.0


@pytest.fixture
def served_store(tmp_path):
    database = tmp_path / "store.db"
    system = build(Settings(database_url=f"sqlite:///{database}", database_timeout=0.2, spool_dir=tmp_path / "spool"))
    with system.db.write() as conn:
        key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
    with served(create_app(system)) as base:
        yield base, key, database
    system.db.dispose()


def test_a_locked_store_spools_and_the_receipt_is_answered_once_the_lock_is_gone(served_store):
    base, key, database = served_store
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.post(f"{base}/v1/filings", content=orjson.dumps(filing()), headers=headers).status_code == 201
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        spooled = httpx.post(
            f"{base}/v1/filings", content=orjson.dumps(filing(document_number="DOC-2")), headers=headers, timeout=WAIT
        )
        assert spooled.status_code == 202
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    receipt = spooled.headers["location"]
    deadline = time.monotonic() + WAIT
    while (answer := httpx.get(f"{base}{receipt}", headers=headers, timeout=WAIT)).status_code == 202:
        assert time.monotonic() < deadline, "the spool was not forwarded"
        time.sleep(0.1)
    assert answer.status_code == 200
    assert [f["document_number"] for f in answer.json()["filings"]] == ["DOC-2"]


def test_without_a_spool_a_locked_store_still_answers_503(tmp_path):
    database = tmp_path / "store.db"
    system = build(Settings(database_url=f"sqlite:///{database}", database_timeout=0.2))
    with system.db.write() as conn:
        key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
    with served(create_app(system)) as base:
        lock = sqlite3.connect(database, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            response = httpx.post(
                f"{base}/v1/filings",
                content=orjson.dumps(filing()),
                headers={"Authorization": f"Bearer {key}"},
                timeout=WAIT,
            )
        finally:
            lock.execute("ROLLBACK")
            lock.close()
    system.db.dispose()
    assert (response.status_code, response.headers.get("retry-after")) == (503, "5")


def test_a_receipt_is_answered_pending_by_another_process_than_the_one_that_spooled_it(tmp_path):
    """Two apps on one store and one spool folder (each its own segment, as two `serve` processes): a filing
    spooled by one is answered 202 pending by the other, then with its decision once forwarded."""
    database = tmp_path / "store.db"
    systems = [
        build(Settings(database_url=f"sqlite:///{database}", database_timeout=0.2, spool_dir=tmp_path / "spool"))
        for _ in range(2)
    ]
    with systems[0].db.write() as conn:
        key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
    headers = {"Authorization": f"Bearer {key}"}
    with served(create_app(systems[0])) as spooling, served(create_app(systems[1])) as asked:
        for base in (spooling, asked):  # the key is known to both before the outage
            assert httpx.get(f"{base}/v1/receipts/R-none", headers=headers, timeout=WAIT).status_code == 404
        lock = sqlite3.connect(database, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            spooled = httpx.post(
                f"{spooling}/v1/filings", content=orjson.dumps(filing()), headers=headers, timeout=WAIT
            )
            assert spooled.status_code == 202
            pending = httpx.get(f"{asked}{spooled.headers['location']}", headers=headers, timeout=WAIT)
            assert (pending.status_code, pending.json()["status"]) == (202, "pending")
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        deadline = time.monotonic() + WAIT
        while (answer := httpx.get(f"{asked}{spooled.headers['location']}", headers=headers)).status_code == 202:
            assert time.monotonic() < deadline, "the spool was not forwarded"
            time.sleep(0.1)
        assert answer.status_code == 200 and answer.json()["filings"][0]["document_number"] == "DOC-1"
    for system in systems:
        system.db.dispose()

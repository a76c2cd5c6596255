"""Store-and-forward against a real PostgreSQL behind a proxy the test pauses: while the store is down filings are
spooled and answered 202 with a receipt; once it is back they are forwarded in order, each stored once, and the
receipt gives the decisions. The kill -9 cases run `safelane serve` as a process of its own."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.store.schema import decisions, filing_versions, filings, receipts
from safelane.system import build
from tests.conftest import POSTGRES_URL
from tests.factories import filing
from tests.service.served import served
from tests.service.tcp_proxy import Proxy, proxied_schema

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
]
WAIT = 90.0  # a bound on each wait, not a measurement (a server starts in 20 s on a loaded machine)


@dataclass
class Store:
    proxy: Proxy
    url: str  # the database URL through the proxy, in the test's own schema
    admin: sa.Engine
    schema: str
    key: str

    def count(self, table: sa.Table) -> int:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"SET search_path TO {self.schema}")
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    def versions(self, document: str) -> list[int]:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"SET search_path TO {self.schema}")
            query = (
                sa.select(filing_versions.c.version)
                .join(filings, filings.c.filing_id == filing_versions.c.filing_id)
                .where(filings.c.document_number == document)
                .order_by(filing_versions.c.version)
            )
            return list(conn.execute(query).scalars())


@pytest.fixture
def store() -> Iterator[Store]:
    assert POSTGRES_URL
    with proxied_schema(POSTGRES_URL) as (proxy, url, admin, schema):
        system = build(Settings(database_url=url))
        with system.db.write() as conn:
            key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
        system.db.dispose()
        yield Store(proxy, url, admin, schema, key)


def post(base: str, key: str, body: dict) -> httpx.Response:
    return httpx.post(
        f"{base}/v1/filings", content=orjson.dumps(body), timeout=WAIT, headers={"Authorization": f"Bearer {key}"}
    )


def until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT} s: {what}")


@pytest.fixture
def server(store, tmp_path) -> Iterator[str]:
    system = build(Settings(database_url=store.url, database_timeout=1.0, spool_dir=tmp_path / "spool"))
    try:
        with served(create_app(system)) as base:
            assert post(base, store.key, filing(document_number="DOC-WARM")).status_code == 201  # the key is known
            yield base
    finally:
        system.db.dispose()


def test_while_the_store_is_down_a_filing_is_spooled_and_answered_202_with_a_receipt(store, server):
    store.proxy.refuse()
    response = post(server, store.key, filing(document_number="DOC-OUT"))
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["filings"]) == ("pending", [{"document_number": "DOC-OUT", "version": 1}])
    assert response.headers["location"] == f"/v1/receipts/{body['receipt_id']}"


def test_an_invalid_filing_is_still_refused_with_its_location_while_the_store_is_down(store, server):
    store.proxy.refuse()
    response = post(server, store.key, filing(document_number="DOC-BAD", consignments__0__mode="rocket"))
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"].startswith("consignments[0]")


def test_once_the_store_is_back_the_spool_is_forwarded_and_the_receipt_gives_the_decision(store, server):
    before = store.count(filings)
    store.proxy.refuse()
    receipt = post(server, store.key, filing(document_number="DOC-LATER")).json()["receipt_id"]
    headers = {"Authorization": f"Bearer {store.key}"}
    assert httpx.get(f"{server}/v1/receipts/{receipt}", headers=headers, timeout=WAIT).status_code == 202
    store.proxy.resume()
    answered = until(
        lambda: (
            (r := httpx.get(f"{server}/v1/receipts/{receipt}", headers=headers, timeout=WAIT)).status_code == 200 and r
        ),
        "the receipt is answered",
    )
    [stored] = answered.json()["filings"]
    assert (stored["status"], stored["document_number"]) == ("accepted", "DOC-LATER")
    assert stored["consignments"][0]["decision_id"]  # decided, with the decision the filer can act on
    assert store.count(filings) == before + 1


def test_spooled_versions_are_forwarded_in_order_and_new_filings_wait_behind_them(store, server):
    store.proxy.refuse()
    assert post(server, store.key, filing(document_number="DOC-V")).status_code == 202
    assert post(server, store.key, filing(document_number="DOC-V", version=2)).status_code == 202
    store.proxy.resume()
    third = post(server, store.key, filing(document_number="DOC-V", version=3))  # may still be spooled: in order
    assert third.status_code in (201, 202)
    until(lambda: store.versions("DOC-V") == [1, 2, 3], "three versions stored in order")


def test_a_receipt_is_the_filers_own(store, server):
    store.proxy.refuse()
    receipt = post(server, store.key, filing(document_number="DOC-MINE")).json()["receipt_id"]
    store.proxy.resume()
    with build(Settings(database_url=store.url)).db.write() as conn:
        other = user_store.add(conn, "rival", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="RIVAL")
    until(lambda: store.count(receipts) == 1, "the receipt is recorded")
    response = httpx.get(f"{server}/v1/receipts/{receipt}", headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


# -- kill -9: the server as a process of its own ----------------------------------------------------------


def start_server(store: Store, spool: Path, port: int, max_bytes: int = 1 << 30) -> subprocess.Popen:
    env = os.environ | {
        "SAFELANE_DATABASE_URL": store.url,
        "SAFELANE_SPOOL_DIR": str(spool),
        "SAFELANE_SPOOL_MAX_BYTES": str(max_bytes),
        "SAFELANE_DATABASE_TIMEOUT": "1",
        "SAFELANE_SPOOL_BATCH": "5",  # twelve transactions for the 60 filings: a kill lands between two
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "safelane.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{base}/metrics", timeout=1).status_code < 500
        except httpx.HTTPError:
            return False

    until(up, "the server answers")
    return process


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nothing_acknowledged_is_lost_when_the_server_is_killed_while_spooling_or_replaying(store, tmp_path):
    spool, port = tmp_path / "spool", free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_server(store, spool, port)
    assert post(base, store.key, filing(document_number="DOC-WARM")).status_code == 201
    store.proxy.refuse()
    acknowledged = [
        f"DOC-K{i}" for i in range(60) if post(base, store.key, filing(document_number=f"DOC-K{i}")).status_code == 202
    ]
    process.send_signal(signal.SIGKILL)  # killed with the whole spool waiting
    process.wait(timeout=10)
    store.proxy.resume()
    process = start_server(store, spool, port)  # replays on start ...
    until(lambda: store.count(filings) > 10, "the replay has begun")
    store.proxy.pause()  # ... stalls part way, a transaction in flight ...
    partial = store.count(filings)
    process.send_signal(signal.SIGKILL)  # ... and is killed there
    process.wait(timeout=10)
    store.proxy.resume()
    assert partial < 1 + len(acknowledged)
    process = start_server(store, spool, port)
    try:
        until(lambda: store.count(filings) == 1 + len(acknowledged), "every acknowledged filing is stored")
        until(lambda: store.count(receipts) == len(acknowledged), "every receipt is recorded")
        assert len(acknowledged) == 60
        assert store.count(decisions) == 1 + len(acknowledged)  # each decided once
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_two_servers_spool_into_one_directory_and_one_replay_merges_them_exactly_once(store, tmp_path):
    """Two `serve` processes spool concurrently into one directory, versions of one document alternating between
    them; one is killed with its segment waiting, the other killed part way through the merged replay; a third
    process finishes it: every acknowledged filing stored and decided once, each document's versions in order."""
    spool, ports = tmp_path / "spool", [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = [start_server(store, spool, port) for port in ports]
    for i, base in enumerate(bases):
        assert post(base, store.key, filing(document_number=f"DOC-WARM{i}")).status_code == 201
    store.proxy.refuse()
    acknowledged = 0
    for version in range(1, 31):  # DOC-A's versions go to the first server and the second in turn, DOC-B's too
        for document, base in (("DOC-A", bases[version % 2]), ("DOC-B", bases[(version + 1) % 2])):
            body = filing(document_number=document, version=version)
            acknowledged += post(base, store.key, body).status_code == 202
    assert acknowledged == 60
    assert len(list((spool / "segments").glob("*.log"))) == 2
    processes[0].send_signal(signal.SIGKILL)  # gone with its segment waiting
    processes[0].wait(timeout=10)
    store.proxy.resume()
    until(lambda: store.count(filing_versions) > 2 + 10, "the second server's replay has begun")
    store.proxy.pause()
    processes[1].send_signal(signal.SIGKILL)  # killed part way through the merged replay
    processes[1].wait(timeout=10)
    store.proxy.resume()
    assert store.count(filing_versions) < 2 + 60
    process = start_server(store, spool, ports[0])
    try:
        until(lambda: store.count(filing_versions) == 2 + 60, "every acknowledged version is stored")
        until(lambda: store.count(receipts) == 60, "every receipt is recorded")
        assert store.versions("DOC-A") == store.versions("DOC-B") == list(range(1, 31))
        assert store.count(decisions) == 2 + 60  # each decided once
        until(lambda: len(list((spool / "segments").glob("*.log"))) == 1, "the dead servers' segments are removed")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_any_server_answers_a_receipt_the_other_spooled_and_the_size_limit_holds_for_the_whole_folder(store, tmp_path):
    """Two `serve` processes on one spool folder with a limit that a handful of filings fill: a receipt spooled
    by one is answered pending by the other, both answer 503 spool_full once the folder's total would pass the
    limit (not each its own segment's), and the receipt is answered by the other once forwarded."""
    spool, ports, limit = tmp_path / "spool", [free_port(), free_port()], 16_000
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = [start_server(store, spool, port, max_bytes=limit) for port in ports]
    headers = {"Authorization": f"Bearer {store.key}"}
    try:
        for i, base in enumerate(bases):
            assert post(base, store.key, filing(document_number=f"DOC-WARM{i}")).status_code == 201
        store.proxy.refuse()
        spooled = post(bases[0], store.key, filing(document_number="DOC-R"))
        assert spooled.status_code == 202
        pending = httpx.get(f"{bases[1]}{spooled.headers['location']}", headers=headers, timeout=WAIT)
        assert (pending.status_code, pending.json()["status"]) == (202, "pending")
        answers = [post(bases[i % 2], store.key, filing(document_number=f"DOC-F{i}")) for i in range(40)]
        codes = [answer.status_code for answer in answers]
        first_full = codes.index(503)
        assert set(codes[:first_full]) == {202} and codes[first_full + 2 :] == [503] * (38 - first_full)
        full = [answer for answer in answers if answer.status_code == 503]
        assert {(a.json()["problems"][0]["code"], a.headers["retry-after"]) for a in full} == {("spool_full", "60")}
        held = sum(log.stat().st_size for log in (spool / "segments").glob("*.log"))
        assert limit - held < held / (first_full + 1)  # the folder is full: less room left than one filing takes
        assert held <= limit
        store.proxy.resume()
        answered = until(
            lambda: (
                (r := httpx.get(f"{bases[1]}{spooled.headers['location']}", headers=headers, timeout=WAIT)).status_code
                == 200
                and r
            ),
            "the other server answers the receipt",
        )
        assert answered.json()["filings"][0]["document_number"] == "DOC-R"
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)

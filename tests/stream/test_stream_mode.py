"""Stream mode end to end on the machine's NATS JetStream and PostgreSQL: `serve --stream` answers 202 once
JetStream holds the filing, workers assess it through the one pipeline, decisions go out as CloudEvents,
and a worker killed with SIGKILL mid-batch loses nothing and decides nothing twice."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import orjson
import pytest
import sqlalchemy as sa

from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.store.schema import decisions, filings, receipts
from safelane.system import build
from tests.conftest import POSTGRES_URL
from tests.factories import filing

NATS_URL = os.environ.get("SAFELANE_TEST_NATS_URL", "nats://127.0.0.1:4222")
SAMPLE_KEY = "stream-test-key"  # every worker draws the random sample with the same key
WAIT = 60.0  # a bound on each wait, not a measurement


def _nats_answers() -> bool:
    host, port = NATS_URL.removeprefix("nats://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
    pytest.mark.skipif(not _nats_answers(), reason=f"no NATS server answers at {NATS_URL}"),
]


async def _purge() -> None:
    """Each test starts from empty streams and no consumer (the server is shared with other runs)."""
    import nats
    from nats.js.errors import NotFoundError

    from safelane.stream import subjects

    nc = await nats.connect(NATS_URL)
    js = nc.jetstream()
    for name in (subjects.FILINGS, subjects.DEAD, subjects.EVENTS):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)
    await nc.close()


async def _events() -> list[dict]:
    import nats

    from safelane.stream import subjects

    nc = await nats.connect(NATS_URL)
    js = nc.jetstream()
    subscription = await js.pull_subscribe("safelane.decisions.>", stream=subjects.EVENTS)
    found: list[dict] = []
    while True:
        try:
            batch = await subscription.fetch(500, timeout=1)
        except Exception:
            break
        for message in batch:
            found.append(orjson.loads(message.data) | {"_subject": message.subject})
            await message.ack()
    await nc.close()
    return found


class Store:
    def __init__(self) -> None:
        assert POSTGRES_URL
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin = sa.create_engine(POSTGRES_URL)
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {self.schema}")
        url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={self.schema}"})
        self.url = url.render_as_string(hide_password=False)
        system = build(Settings(database_url=self.url))
        with system.db.write() as conn:
            self.key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
        system.db.dispose()

    def count(self, table: sa.Table) -> int:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"SET search_path TO {self.schema}")
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {self.schema} CASCADE")
        self.admin.dispose()


@pytest.fixture
def store() -> Iterator[Store]:
    asyncio.run(_purge())
    made = Store()
    yield made
    made.drop()
    asyncio.run(_purge())


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {WAIT} s: {what}")


def _start(store: Store, *args: str) -> subprocess.Popen:
    env = os.environ | {
        "SAFELANE_DATABASE_URL": store.url,
        "SAFELANE_NATS_URL": NATS_URL,
        "SAFELANE_STREAM_ACK_WAIT": "3",
        "SAFELANE_SAMPLE_KEY": SAMPLE_KEY,  # a killed worker's batch is handed on after 3 s
    }
    return subprocess.Popen(
        [sys.executable, "-m", "safelane.cli.main", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr:
        process.stderr.close()


@pytest.fixture
def api(store: Store) -> Iterator[str]:
    port = _port()
    server = _start(store, "serve", "--stream", "--port", str(port))
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{base}/metrics", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _until(up, "serve --stream answers")
        yield base
    finally:
        _stop(server)


def _post(base: str, key: str, document: str) -> httpx.Response:
    body = orjson.dumps(filing(document_number=document))
    return httpx.post(f"{base}/v1/filings", content=body, headers={"Authorization": f"Bearer {key}"}, timeout=WAIT)


def test_a_filing_is_acknowledged_once_jetstream_holds_it_and_assessed_by_a_worker(store, api):
    response = _post(api, store.key, "DOC-S1")
    assert response.status_code == 202
    receipt = response.headers["location"]
    headers = {"Authorization": f"Bearer {store.key}"}
    assert httpx.get(f"{api}{receipt}", headers=headers, timeout=WAIT).status_code == 202  # waits in the stream
    assert store.count(filings) == 0  # nothing is assessed without a worker
    worker = _start(store, "worker", "--batch", "50")
    try:
        answer = _until(
            lambda: (r := httpx.get(f"{api}{receipt}", headers=headers, timeout=WAIT)).status_code == 200 and r,
            "the worker's answer",
        )
    finally:
        _stop(worker)
    [stored] = answer.json()["filings"]
    assert (stored["status"], stored["document_number"]) == ("accepted", "DOC-S1")
    [event] = asyncio.run(_events())
    assert (event["type"], event["id"]) == ("org.safelane.decision.v1", stored["consignments"][0]["decision_id"])
    assert event["_subject"].startswith("safelane.decisions.")


def test_an_invalid_filing_is_refused_at_once_and_never_queued(store, api):
    body = orjson.dumps(filing(document_number="DOC-BAD", consignments__0__mode="rocket"))
    response = httpx.post(f"{api}/v1/filings", content=body, headers={"Authorization": f"Bearer {store.key}"})
    assert response.status_code == 422


def test_a_worker_killed_mid_batch_loses_nothing_and_decides_nothing_twice(store, api):
    documents = [f"DOC-K{i}" for i in range(120)]
    assert {_post(api, store.key, d).status_code for d in documents} == {202}
    worker = _start(store, "worker", "--batch", "10")
    _until(lambda: store.count(filings) >= 20, "the first batches are stored")
    worker.send_signal(signal.SIGKILL)  # mid-stream: some batches committed, others fetched and not acknowledged
    worker.wait(timeout=10)
    worker.stderr.close()
    survivors = [_start(store, "worker", "--batch", "25") for _ in range(2)]  # two workers share the rest
    try:
        _until(lambda: store.count(receipts) == len(documents), "every receipt is answered")
    finally:
        for survivor in survivors:
            _stop(survivor)
    assert store.count(filings) == len(documents)
    assert store.count(decisions) == len(documents)  # each consignment decided once

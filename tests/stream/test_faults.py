"""Faults in stream mode against real servers: a NATS restart (our own nats-server, killed with SIGKILL and
started again on the same storage) and a PostgreSQL restart (every connection cut through a local TCP proxy).
Neither loses an acknowledged filing or an event, and nothing is decided twice. (A worker killed with SIGKILL
mid-batch is tests/stream/test_stream_mode.py.)"""

import asyncio
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa

from safelane.settings import Settings
from safelane.store import releases as release_store
from safelane.store.schema import decisions, event_outbox, filings, receipts
from safelane.system import build
from tests.conftest import POSTGRES_URL
from tests.factories import filing, sea_consignment
from tests.service.tcp_proxy import Proxy
from tests.stream.processes import (
    NATS_URL,
    WAIT,
    Store,
    events,
    free_port,
    nats_answers,
    purge,
    serving,
    start,
    stop,
    until,
)

NATS_SERVER = shutil.which("nats-server")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
]


class NatsServer:
    """A JetStream server of our own, so the test can kill it without disturbing anyone else's."""

    def __init__(self, storage: Path):
        self.storage, self.port = storage, free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert NATS_SERVER
        command = [NATS_SERVER, "-js", "-sd", str(self.storage), "-a", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        until(lambda: nats_answers(self.url), "nats-server answers")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def own_nats(tmp_path) -> Iterator[NatsServer]:
    if not NATS_SERVER:
        pytest.skip("no nats-server on PATH to start and restart")
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


@pytest.fixture
def store() -> Iterator[Store]:
    made = Store()
    yield made
    made.drop()


def _post(base: str, key: str, document: str) -> httpx.Response:
    body = orjson.dumps(filing(sea_consignment(), document_number=document, kind="pre_arrival"))
    return httpx.post(f"{base}/v1/filings", content=body, headers={"Authorization": f"Bearer {key}"}, timeout=WAIT)


def _waiting_events(store: Store) -> int:
    return store.count(event_outbox)


def _stored(store: Store) -> tuple[set[str], list[str]]:
    """The stored document numbers and every decision id (a consignment decided twice would show twice)."""
    with store.admin.connect() as conn:
        conn.exec_driver_sql(f"SET search_path TO {store.schema}")
        documents = set(conn.execute(sa.select(filings.c.document_number)).scalars())
        decided = list(conn.execute(sa.select(decisions.c.decision_id)).scalars())
    return documents, decided


def test_a_nats_restart_loses_no_acknowledged_filing_and_no_event(store, own_nats):
    acknowledged: list[str] = []
    with serving(store, own_nats.url) as api:
        worker = start(store, "worker", "--batch", "10", nats_url=own_nats.url)
        try:
            for i in range(40):
                assert _post(api, store.key, f"DOC-N{i}").status_code == 202
                acknowledged.append(f"DOC-N{i}")
            until(lambda: store.count(filings) >= 10, "the first batches are stored")
            own_nats.kill()  # SIGKILL: what JetStream acknowledged is in its storage directory
            started = time.monotonic()
            during = _post(api, store.key, "DOC-DURING")
            assert during.status_code == 503 and time.monotonic() - started < 10  # fast, and nothing promised
            own_nats.start()
            until(lambda: _post(api, store.key, "DOC-AFTER").status_code == 202, "the API node has reconnected")
            acknowledged.append("DOC-AFTER")
            for i in range(20):
                assert _post(api, store.key, f"DOC-M{i}").status_code == 202
                acknowledged.append(f"DOC-M{i}")
            until(lambda: set(acknowledged) <= _stored(store)[0], "every acknowledged filing is stored")
            until(lambda: _waiting_events(store) == 0, "the relay has published every event")
        finally:
            stop(worker)
    documents, decided = _stored(store)
    assert len(decided) == len(set(decided)) == len(documents)  # one consignment each, decided once
    published = asyncio.run(events(own_nats.url))
    assert sorted(e["id"] for e in published) == sorted(decided)  # every decision out, once


def test_a_postgres_restart_loses_nothing_and_relays_every_event(store):
    if not nats_answers():
        pytest.skip(f"no NATS server answers at {NATS_URL}")
    asyncio.run(purge())
    real = sa.make_url(store.url)
    with Proxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        through = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        documents = [f"DOC-P{i}" for i in range(60)]
        with serving(store) as api:
            assert {_post(api, store.key, d).status_code for d in documents} == {202}
            worker = start(store, "worker", "--batch", "10", database_url=through)
            try:
                until(lambda: store.count(filings) >= 10, "the first batches are stored")
                proxy.refuse()  # PostgreSQL restarting: every connection drops, new ones are refused
                time.sleep(3)
                proxy.resume()
                until(lambda: store.count(receipts) == len(documents), "every receipt is answered")
                system = build(Settings(database_url=store.url, events_outbox=True))  # an agency's own process
                at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
                with system.db.write() as conn:
                    consignment_id = conn.execute(sa.select(decisions.c.consignment_id).limit(1)).scalar_one()
                    assert release_store.record(conn, consignment_id, "plant_health", at, "ph-officer")
                system.db.dispose()
                until(lambda: _waiting_events(store) == 0, "the relay has published every event")
            finally:
                stop(worker)
    stored, decided = _stored(store)
    assert stored == set(documents) and len(decided) == len(set(decided)) == len(documents)
    published = asyncio.run(events())
    assert sorted(e["id"] for e in published) == sorted(decided)
    releases = asyncio.run(events(subject="safelane.releases.>"))  # customs' at decision, and the agency's
    [release] = [e for e in releases if e["data"]["agency"] == "plant_health"]
    assert (release["type"], release["subject"]) == ("org.safelane.release.v1", consignment_id)
    assert len({e["id"] for e in releases}) == len(releases)
    asyncio.run(purge())


def test_an_events_stream_of_an_earlier_release_gains_the_new_subjects_and_keeps_its_settings(own_nats):
    import nats
    from nats.js.api import StreamConfig

    from safelane.stream import subjects

    async def check() -> list[str]:
        nc = await nats.connect(own_nats.url)
        js = nc.jetstream()
        await js.add_stream(StreamConfig(name=subjects.EVENTS, subjects=["safelane.decisions.>"], max_age=3600.0))
        await subjects.ensure(js)
        info = await js.stream_info(subjects.EVENTS)
        await nc.close()
        assert info.config.max_age == 3600.0  # an operator's setting survives the upgrade
        return sorted(info.config.subjects or [])

    assert asyncio.run(check()) == ["safelane.decisions.>", "safelane.referrals.>", "safelane.releases.>"]

"""Relays of two processes over one SQLite file (an API node and a worker, or two workers) take turns: each event
is published once (counted on a core NATS subscription, which JetStream's duplicate window does not filter)."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safelane.store import Database, outbox
from safelane.stream import subjects
from tests.stream.processes import NATS_URL, WAIT, nats_answers, purge
from tests.stream.test_relay import Heard

pytestmark = pytest.mark.skipif(not nats_answers(), reason=f"no NATS server answers at {NATS_URL}")
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
EVENTS = 1000

# One relay process: says it is ready, waits for the go on stdin (so both start together), relays in small
# batches until the outbox is empty, and prints how many events it published.
RELAY = """
import asyncio, os, sys
import nats
from safelane.store import Database, outbox
from safelane.stream.relay import Relay

async def main():
    nc = await nats.connect(os.environ["SAFELANE_NATS_URL"])
    db = Database(os.environ["SAFELANE_DATABASE_URL"])
    relay, js = Relay(db, batch=20), nc.jetstream()
    print("ready", flush=True)
    sys.stdin.readline()
    while True:
        sent = await relay.once(js)
        with db.read() as conn:
            if not outbox.waiting(conn):
                break
        if not sent:
            await asyncio.sleep(0.005)
    print(relay.published, flush=True)
    await nc.close()
    db.dispose()

asyncio.run(main())
"""


def test_two_relay_processes_on_one_sqlite_file_publish_each_event_once(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    db = Database(url, outbox=True)
    db.migrate()
    with db.write() as conn:
        outbox.add(
            conn, AT, [(f"evt-{n:05d}", "safelane.decisions.NLRTM", b'{"id": "evt-%05d"}' % n) for n in range(EVENTS)]
        )
    asyncio.run(purge())
    env = os.environ | {"SAFELANE_DATABASE_URL": url, "SAFELANE_NATS_URL": NATS_URL}
    relays = [
        subprocess.Popen(
            [sys.executable, "-c", RELAY], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]

    async def run() -> tuple[Heard, list[int], int]:
        nc, js, heard = await Heard.connected()
        for relay in relays:
            assert relay.stdout is not None
            assert await asyncio.wait_for(asyncio.to_thread(relay.stdout.readline), WAIT) == "ready\n"
        for relay in relays:
            assert relay.stdin is not None
            relay.stdin.write("go\n")
            relay.stdin.flush()
        published = [int(await asyncio.wait_for(asyncio.to_thread(r.stdout.readline), WAIT)) for r in relays]  # type: ignore[union-attr]
        await nc.flush()
        await asyncio.sleep(0.2)  # the last publishes reach this subscriber
        stored = (await js.stream_info(subjects.EVENTS)).state.messages
        await nc.close()
        return heard, published, stored

    try:
        heard, published, stored = asyncio.run(run())
    finally:
        for relay in relays:
            relay.kill()
            relay.communicate()
        asyncio.run(purge())
    assert sorted(heard.ids) == [f"evt-{n:05d}" for n in range(EVENTS)]  # each once, none twice
    assert sum(published) == EVENTS == stored
    with db.read() as conn:
        assert outbox.waiting(conn) == 0
    db.dispose()

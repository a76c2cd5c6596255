"""The outbox relay on the machine's PostgreSQL and NATS: relays sharing one outbox publish each event once
(counted on a core NATS subscription, which JetStream's duplicate window does not filter), and a relay
killed after publishing but before its commit loses nothing."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import nats
import orjson
import pytest

from safelane.store import Database, outbox
from safelane.store.schema import event_outbox
from safelane.stream import subjects
from safelane.stream.relay import Relay
from tests.conftest import POSTGRES_URL
from tests.stream.processes import NATS_URL, WAIT, Store, nats_answers, purge

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
    pytest.mark.skipif(not nats_answers(), reason=f"no NATS server answers at {NATS_URL}"),
]
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
EVENTS = 1200

# A relay in its own process whose JetStream publishes for real and then never returns: it holds its claim
# (an open transaction) until the test kills it.
STALLING_RELAY = """
import asyncio, os, sys
import nats
from safelane.store import Database
from safelane.stream.relay import Relay

class Stalling:
    def __init__(self, js):
        self.js, self.acks = js, 0
    async def publish(self, *args, **kwargs):
        await self.js.publish(*args, **kwargs)
        self.acks += 1
        if self.acks == int(sys.argv[1]):
            print("stored", flush=True)
        await asyncio.Event().wait()

async def main():
    nc = await nats.connect(os.environ["SAFELANE_NATS_URL"])
    await Relay(Database(os.environ["SAFELANE_DATABASE_URL"]), batch=int(sys.argv[1])).once(Stalling(nc.jetstream()))

asyncio.run(main())
"""


@pytest.fixture
def store() -> Iterator[Store]:
    asyncio.run(purge())
    made = Store()
    db = Database(made.url, outbox=True)
    with db.write() as conn:
        events = [
            (f"evt-{n:05d}", "safelane.decisions.NLRTM", orjson.dumps({"id": f"evt-{n:05d}"})) for n in range(EVENTS)
        ]
        outbox.add(conn, AT, events)
    db.dispose()
    yield made
    made.drop()
    asyncio.run(purge())


class Heard:
    """Every event on a core NATS subscription, duplicates included."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def listen(self, nc: nats.NATS) -> None:
        async def note(message) -> None:
            self.ids.append(orjson.loads(message.data)["id"])

        await nc.subscribe("safelane.decisions.>", cb=note)
        await nc.flush()

    @classmethod
    async def connected(cls) -> tuple[nats.NATS, Any, "Heard"]:
        """A connection to the test server, its JetStream with the streams made, and a listener on it."""
        nc = await nats.connect(NATS_URL)
        js = nc.jetstream()
        await subjects.ensure(js)
        heard = cls()
        await heard.listen(nc)
        return nc, js, heard


async def _drain(relays: list[Relay], js, store: Store) -> None:
    """Run the relays side by side until the outbox is empty."""

    async def relay(one: Relay) -> None:
        while store.count(event_outbox):
            await one.once(js)

    await asyncio.wait_for(asyncio.gather(*(relay(r) for r in relays)), timeout=WAIT)


async def _stored(js) -> int:
    return (await js.stream_info(subjects.EVENTS)).state.messages


def test_two_relays_over_one_outbox_publish_each_event_once(store: Store):
    async def run() -> tuple[Heard, list[int], int]:
        nc, js, heard = await Heard.connected()
        dbs = [Database(store.url), Database(store.url)]
        relays = [Relay(db, batch=100) for db in dbs]
        await _drain(relays, js, store)
        await nc.flush()
        stored = await _stored(js)
        await nc.close()
        for db in dbs:
            db.dispose()
        return heard, [r.published for r in relays], stored

    heard, published, stored = asyncio.run(run())
    assert sorted(heard.ids) == [f"evt-{n:05d}" for n in range(EVENTS)]  # each once, none twice
    assert sum(published) == EVENTS == stored
    assert store.count(event_outbox) == 0


def test_a_relay_killed_mid_batch_loses_nothing(store: Store):
    env = os.environ | {"SAFELANE_DATABASE_URL": store.url, "SAFELANE_NATS_URL": NATS_URL}
    batch = 500
    stalled = subprocess.Popen(
        [sys.executable, "-c", STALLING_RELAY, str(batch)], env=env, stdout=subprocess.PIPE, text=True
    )

    async def run() -> tuple[int, int, int, Heard]:
        nc = await nats.connect(NATS_URL)
        js = nc.jetstream()
        await subjects.ensure(js)
        try:
            assert stalled.stdout is not None
            line = await asyncio.wait_for(asyncio.to_thread(stalled.stdout.readline), timeout=WAIT)
            assert line == "stored\n"  # JetStream holds the whole batch; the relay has not committed
            db = Database(store.url)
            other = Relay(db, batch=EVENTS)
            skipped = await other.once(js)  # takes the rows the stalled relay has not claimed
            waiting = store.count(event_outbox)  # its claimed batch is still in the outbox
            stalled.send_signal(signal.SIGKILL)
            stalled.wait(timeout=WAIT)
            heard = Heard()
            await heard.listen(nc)
            await _drain([other], js, store)
            await nc.flush()
            stored = await _stored(js)
            db.dispose()
            return skipped, waiting, stored, heard
        finally:
            await nc.close()

    try:
        skipped, waiting, stored, heard = asyncio.run(run())
    finally:
        if stalled.poll() is None:
            stalled.kill()
            stalled.wait()
        if stalled.stdout:
            stalled.stdout.close()
    assert (skipped, waiting) == (EVENTS - batch, batch)
    assert sorted(heard.ids) == [f"evt-{n:05d}" for n in range(batch)]  # the killed relay's batch, again
    assert stored == EVENTS  # JetStream's duplicate window kept one copy of each
    assert store.count(event_outbox) == 0

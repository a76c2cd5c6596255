"""The outbox relay: publish the events the store wrote with each change to JetStream, then forget them.

Every worker and stream-mode API node runs one. On PostgreSQL it claims the oldest outbox rows no other relay
holds (`FOR UPDATE SKIP LOCKED`), publishes each to its subject on `SAFELANE_EVENTS` with `Nats-Msg-Id` = the
event id, and deletes the rows JetStream confirmed in the claiming transaction, so each row is published by one
relay. Only a crash between the publish and the commit publishes an event twice; JetStream's duplicate window
(two minutes) keeps it once. While NATS or the store is away the rows wait; nothing is lost.

SQLite has no row locks, and holding its one write lock across the publish would stall every other write; there
the relays of all processes on the database file take turns under an OS lock beside it (`<file>.relay.lock`):
a relay reads, publishes and deletes a batch holding it, so the next one never sees those rows, and a relay
that dies leaves it free (the kernel releases it) and its rows waiting.
"""

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from nats.errors import Error as NatsError
from nats.js import JetStreamContext

from safelane.locks import turn
from safelane.store import Database, outbox
from safelane.store.database import OUTAGES
from safelane.stream import subjects

log = logging.getLogger("safelane.relay")
PUBLISH_TIMEOUT = 5.0
IDLE, BACKOFF_MAX = 0.2, 10.0
T = TypeVar("T")


class Relay:
    def __init__(self, db: Database, *, batch: int = 500):
        self.db, self.batch = db, batch
        self.published = 0
        self.wake = asyncio.Event()  # set after a commit that wrote events: relay them now, not at the next poll

    async def run(self, js: JetStreamContext, stop: asyncio.Event) -> None:
        delay = IDLE
        while not stop.is_set():
            try:
                sent = await self.once(js)
                delay = IDLE
            except OUTAGES as error:
                log.warning("relay_store_unavailable", extra={"fields": {"error": type(error).__name__}})
                sent, delay = 0, min(delay * 2, BACKOFF_MAX)
            except Exception:  # a defect: say so and keep relaying; the rows wait in the outbox
                log.exception("relay_failed")
                sent, delay = 0, min(delay * 2, BACKOFF_MAX)
            if sent < self.batch:  # caught up: wait for the next commit, a stop, or the poll
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(self.wake, stop), timeout=delay)

    async def once(self, js: JetStreamContext) -> int:
        """Relay one batch; returns how many events JetStream confirmed."""
        if self.db.dialect == "postgresql":
            stored, failed = await self._claimed(js)
        else:
            with self._turn() as mine:
                if not mine:  # another relay on this file is publishing: its rows are not ours to send
                    return 0
                rows = await _in_thread(self._oldest)
                stored, failed = await _publish(js, rows)
                if stored:
                    await _in_thread(self._remove, stored)
        self.published += len(stored)
        if failed:
            if not all(isinstance(r, NatsError | TimeoutError) for r in failed):
                raise next(r for r in failed if not isinstance(r, NatsError | TimeoutError))
            log.warning("relay_nats_unavailable", extra={"fields": {"error": type(failed[0]).__name__}})
            await asyncio.sleep(1.0)  # the client reconnects on its own; the rows wait in the outbox
        return len(stored)

    async def _claimed(self, js: JetStreamContext) -> tuple[list[int], list[BaseException]]:
        """Claim rows (locked, skipped by other relays), publish them and delete the stored ones in one
        transaction: the rows go only once JetStream has them, and a relay that dies holding them
        (its connection closes, the transaction rolls back) leaves them to the next relay."""
        held = contextlib.ExitStack()
        conn = await _in_thread(held.enter_context, self.db.write())
        try:
            rows = await _in_thread(outbox.claim, conn, self.batch)
            stored, failed = await _publish(js, rows)
            if stored:
                await _in_thread(outbox.remove, conn, stored)
        except BaseException:
            await _in_thread(held.__exit__, *sys.exc_info())  # rolls back: the rows wait for the next batch
            raise
        await _in_thread(held.close)  # commits
        return stored, failed

    @contextlib.contextmanager
    def _turn(self) -> Iterator[bool]:
        """SQLite: whether this relay holds the database file's relay lock, for one batch (never waits)."""
        database = self.db.engine.url.database
        if not database or database == ":memory:":  # no other process can open this database
            yield True
            return
        with Path(f"{database}.relay.lock").expanduser().open("a") as lock, turn(lock) as mine:
            yield mine

    def _oldest(self) -> list[dict]:
        with self.db.read() as conn:
            return outbox.oldest(conn, self.batch)

    def _remove(self, seqs: list[int]) -> None:
        with self.db.write() as conn:
            outbox.remove(conn, seqs)


async def _publish(js: JetStreamContext, rows: list[dict]) -> tuple[list[int], list[BaseException]]:
    """Publish rows at once; the seqs JetStream confirmed, and the errors of the others."""
    results = await asyncio.gather(
        *(
            js.publish(
                row["subject"],
                row["payload"],
                timeout=PUBLISH_TIMEOUT,
                stream=subjects.EVENTS,
                headers={"Nats-Msg-Id": row["event_id"]},
            )
            for row in rows
        ),
        return_exceptions=True,
    )
    pairs = zip(rows, results, strict=True)
    stored = [row["seq"] for row, result in pairs if not isinstance(result, BaseException)]
    return stored, [r for r in results if isinstance(r, BaseException)]


async def _in_thread(call: Callable[..., T], *args: Any) -> T:
    """Run a blocking store call off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, call, *args)


async def _first(*flags: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(f.wait()) for f in flags]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()

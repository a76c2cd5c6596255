"""`safelane worker`: pull accepted filings from JetStream, run the one pipeline, acknowledge after the commit.

Any number of workers, on any machine, share one durable pull consumer: JetStream hands each message
to one of them. A worker fetches a batch, forwards it (deferred.forward: assess, decide, store with
group commit, record the receipts, and write an outbox event per decision and release in that same
transaction), and only then acknowledges. The worker's relay (stream.relay) publishes the outbox to
`SAFELANE_EVENTS`, so an event is never lost between the commit and NATS.

A worker killed mid-batch leaves its messages unacknowledged; JetStream redelivers them after
`SAFELANE_STREAM_ACK_WAIT`, and the pipeline answers what was already stored as a duplicate, so nothing is
decided twice. A redelivered message is forwarded alone, so one message that kills workers cannot take its batch
with it; after `max_deliver` deliveries it goes to the dead-letter stream with the reason. While the store
is down or slow the batch is handed back with a growing delay (back-off), not dropped.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from safelane import deferred
from safelane.deferred import Envelope
from safelane.store.database import OUTAGES
from safelane.stream import subjects
from safelane.stream.relay import Relay
from safelane.system import StoredSystem

log = logging.getLogger("safelane.worker")
CONSUMER = "safelane-workers"
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0


class Worker:
    def __init__(self, system: StoredSystem, url: str, *, batch: int = 200, max_deliver: int = 5):
        self.system, self.url, self.batch, self.max_deliver = system, url, batch, max_deliver
        self.backoff = BACKOFF_FIRST
        self.forwarded = 0
        self.relay = Relay(system.db)
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self, on_ready: Callable[[], Awaitable[None]] | None = None) -> None:
        import nats

        nc = await nats.connect(self.url, name="safelane-worker", max_reconnect_attempts=-1, connect_timeout=5)
        js = nc.jetstream()
        await subjects.ensure(js)
        config = ConsumerConfig(
            durable_name=CONSUMER,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.system.settings.stream_ack_wait,
            max_ack_pending=-1,
        )
        subscription = await js.pull_subscribe(
            "safelane.filings.>", durable=CONSUMER, stream=subjects.FILINGS, config=config
        )
        log.info("worker_ready", extra={"fields": {"nats": self.url, "batch": self.batch}})
        if on_ready is not None:
            await on_ready()
        relaying = asyncio.create_task(self.relay.run(js, self._stop))
        try:
            while not self._stop.is_set():
                try:
                    messages = await subscription.fetch(self.batch, timeout=1.0)
                except (NatsTimeout, TimeoutError):
                    continue
                except NatsError as error:  # reconnecting: the client retries on its own
                    log.warning("nats_unavailable", extra={"fields": {"error": type(error).__name__}})
                    await asyncio.sleep(1.0)
                    continue
                try:
                    fresh = [m for m in messages if m.metadata.num_delivered == 1]
                    again = [m for m in messages if m.metadata.num_delivered > 1]
                    if fresh:
                        await self._handle(js, fresh)
                    for message in again:  # alone: a message that kills workers must not take a batch with it
                        await self._handle(js, [message])
                except NatsError as error:  # NATS went away mid-batch: what is not acknowledged comes back
                    log.warning("nats_unavailable", extra={"fields": {"error": type(error).__name__}})
                    await asyncio.sleep(1.0)
        finally:
            self._stop.set()
            with contextlib.suppress(Exception):  # the relay's own failure was logged; its rows wait
                await relaying
            await nc.drain()

    async def _handle(self, js, messages: list[Msg]) -> None:
        envelopes: list[Envelope] = []
        kept: list[Msg] = []
        for message in messages:
            if message.metadata.num_delivered > self.max_deliver:
                await self._dead(js, message, f"delivered {message.metadata.num_delivered} times without an ack")
            else:
                try:
                    envelopes.append(Envelope.loads(message.data))
                    kept.append(message)
                except (ValueError, KeyError) as error:  # not ours: nothing to forward, keep it for a person
                    await self._dead(js, message, f"not a safelane envelope: {error!r}")
        if not envelopes:
            return
        loop = asyncio.get_running_loop()
        try:
            answers = await loop.run_in_executor(
                None, deferred.forward, self.system.pipeline, self.system.db, envelopes
            )
        except OUTAGES as error:
            log.warning(
                "store_unavailable_backing_off",
                extra={"fields": {"error": type(error).__name__, "delay": self.backoff}},
            )
            for message in kept:
                await message.nak(delay=self.backoff)
            await asyncio.sleep(self.backoff)
            self.backoff = min(self.backoff * 2, BACKOFF_MAX)
            return
        self.backoff = BACKOFF_FIRST
        self.relay.wake.set()
        for message, answer in zip(kept, answers, strict=True):
            if answer["status"] == "failed":
                await self._dead(js, message, answer.get("error", "failed"))
            else:
                await message.ack()
        self.forwarded += len(kept)

    async def _dead(self, js, message: Msg, reason: str) -> None:
        receipt = message.subject.rsplit(".", 1)[-1]
        await js.publish(
            subjects.dead(receipt), message.data, stream=subjects.DEAD, headers={"Safelane-Reason": reason[:500]}
        )
        await message.ack()
        log.error("dead_lettered", extra={"fields": {"receipt": receipt, "reason": reason[:500]}})


def run(system: StoredSystem, url: str, *, batch: int, max_deliver: int) -> int:
    """Run until SIGINT or SIGTERM; returns how many messages this worker forwarded."""
    worker = Worker(system, url, batch=batch, max_deliver=max_deliver)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, worker.stop)
        await worker.run()

    asyncio.run(main())
    return worker.forwarded

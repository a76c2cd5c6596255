"""The API side of stream mode: an accepted message is acknowledged once JetStream has stored it.

An API node also relays the outbox: officers' releases and referral changes made through it go out as events even
while no worker runs (docs/events.md). Several relays are safe: JetStream keeps each event id once."""

import asyncio
import contextlib

import orjson
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError

from safelane.deferred import Envelope
from safelane.store import Database
from safelane.stream import subjects
from safelane.stream.relay import Relay

PUBLISH_TIMEOUT = 2.0  # seconds: JetStream stores in milliseconds; longer means it is not answering


class StreamUnavailable(Exception):
    """JetStream did not confirm storing the message: answer 503, nothing was accepted."""


class Intake:
    """One NATS connection per API process, in its event loop."""

    def __init__(self, url: str, db: Database | None = None):
        self.url = url
        self.nc: Client | None = None
        self.relay = Relay(db) if db is not None else None
        self._stop = asyncio.Event()
        self._relaying: asyncio.Task | None = None

    async def start(self) -> None:
        import nats

        self.nc = await nats.connect(self.url, name="safelane-api", max_reconnect_attempts=-1, connect_timeout=5)
        await subjects.ensure(self.nc.jetstream())
        if self.relay is not None:
            self._relaying = asyncio.create_task(self.relay.run(self.nc.jetstream(), self._stop))

    async def accept(self, envelope: Envelope) -> None:
        """Publish and wait for JetStream's acknowledgement (the message is on the stream's disk)."""
        assert self.nc is not None
        try:
            await self.nc.jetstream().publish(
                subjects.filing(envelope.receipt_id),
                envelope.dumps(),
                timeout=PUBLISH_TIMEOUT,
                stream=subjects.FILINGS,
                headers={"Nats-Msg-Id": envelope.receipt_id},
            )
        except (NatsError, TimeoutError) as error:
            raise StreamUnavailable(f"JetStream did not store the message: {type(error).__name__}") from error

    async def pending(self, receipt_id: str) -> tuple[bool, str | None]:
        """Whether a receipt still waits in the stream, and whose it is."""
        assert self.nc is not None
        try:
            message = await self.nc.jetstream().get_last_msg(subjects.FILINGS, subjects.filing(receipt_id))
        except NotFoundError:
            return False, None
        except (NatsError, TimeoutError) as error:
            raise StreamUnavailable(str(error)) from error
        return True, orjson.loads(message.data or b"{}").get("filer")

    async def close(self) -> None:
        self._stop.set()
        if self._relaying is not None:
            with contextlib.suppress(Exception):  # the relay's own failure was logged; its rows wait in the outbox
                await self._relaying
        if self.nc is not None:
            await self.nc.drain()

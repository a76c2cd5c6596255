"""The API side of stream mode: an accepted message is acknowledged once JetStream has stored it."""

import orjson
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError

from safelane.deferred import Envelope
from safelane.stream import subjects

PUBLISH_TIMEOUT = 2.0  # seconds: JetStream stores in milliseconds; longer means it is not answering


class StreamUnavailable(Exception):
    """JetStream did not confirm storing the message: answer 503, nothing was accepted."""


class Intake:
    """One NATS connection per API process, in its event loop."""

    def __init__(self, url: str):
        self.url = url
        self.nc: Client | None = None

    async def start(self) -> None:
        import nats

        self.nc = await nats.connect(self.url, name="safelane-api", max_reconnect_attempts=-1, connect_timeout=5)
        await subjects.ensure(self.nc.jetstream())

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
        if self.nc is not None:
            await self.nc.drain()

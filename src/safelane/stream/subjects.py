"""The JetStream streams and subjects safelane uses, created the same way by every process that needs them.

- `SAFELANE_FILINGS` (work queue, file storage): `safelane.filings.<receipt>`, one accepted message per
  subject, so any API node can tell whether a receipt still waits; a message leaves the stream when a
  worker acknowledges it, after its commit.
- `SAFELANE_DEAD` (limits, 30 days): `safelane.dead.<receipt>`, messages set aside with the reason.
- `SAFELANE_EVENTS` (limits, 7 days): `safelane.decisions.<office>`, a CloudEvents envelope per decision
  (schema in docs/events.md), for other agencies, the Single Window and data warehouses.
"""

import re

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

FILINGS, DEAD, EVENTS = "SAFELANE_FILINGS", "SAFELANE_DEAD", "SAFELANE_EVENTS"
DAY = 86_400.0
CONFIGS = (
    StreamConfig(
        name=FILINGS,
        subjects=["safelane.filings.>"],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        duplicate_window=120.0,  # a publish retried within two minutes (same receipt) is stored once
    ),
    StreamConfig(name=DEAD, subjects=["safelane.dead.>"], storage=StorageType.FILE, max_age=30 * DAY),
    StreamConfig(
        name=EVENTS,
        subjects=["safelane.decisions.>"],
        storage=StorageType.FILE,
        max_age=7 * DAY,
        duplicate_window=120.0,  # a decision published again after a redelivery is kept once
    ),
)


def filing(receipt_id: str) -> str:
    return f"safelane.filings.{receipt_id}"


def dead(receipt_id: str) -> str:
    return f"safelane.dead.{receipt_id}"


def decisions(office: str | None) -> str:
    """`safelane.decisions.<office>`; an office code is letters and digits, anything else reads `unassigned`."""
    return f"safelane.decisions.{office if office and re.fullmatch(r'[A-Za-z0-9_-]+', office) else 'unassigned'}"


async def ensure(js: JetStreamContext) -> None:
    """Create the streams that are missing (idempotent; an existing stream keeps its settings)."""
    for config in CONFIGS:
        assert config.name is not None
        try:
            await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(config)

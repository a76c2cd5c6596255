"""The JetStream streams and subjects safelane uses, created the same way by every process that needs them.

- `SAFELANE_FILINGS` (work queue, file storage): `safelane.filings.<receipt>`, one accepted message per
  subject, so any API node can tell whether a receipt still waits; a message leaves the stream when a
  worker acknowledges it, after its commit.
- `SAFELANE_DEAD` (limits, 30 days): `safelane.dead.<receipt>`, messages set aside with the reason.
- `SAFELANE_EVENTS` (limits, 7 days): `safelane.decisions.<office>`, `safelane.referrals.<office>` and
  `safelane.releases.<office>`, a CloudEvents envelope per decision, referral change and release (schemas in
  docs/events.md), for other agencies, the Single Window and data warehouses.
"""

import dataclasses

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from safelane.stream import events

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
        subjects=[f"safelane.{kind}.>" for kind in events.KINDS],
        storage=StorageType.FILE,
        max_age=7 * DAY,
        duplicate_window=120.0,  # an event the relay publishes again (a crash before it forgot it) is kept once
    ),
)


def filing(receipt_id: str) -> str:
    return f"safelane.filings.{receipt_id}"


def dead(receipt_id: str) -> str:
    return f"safelane.dead.{receipt_id}"


def decisions(office: str | None) -> str:
    """`safelane.decisions.<office>` (see events.subject)."""
    return events.subject("decisions", office)


async def ensure(js: JetStreamContext) -> None:
    """Create the streams that are missing (idempotent; an existing stream keeps its settings, and gains the
    subjects of a newer release, so a cluster's replicas and limits set by hand survive an upgrade)."""
    for config in CONFIGS:
        assert config.name is not None
        try:
            info = await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(config)
            continue
        have = list(info.config.subjects or [])
        wanted = [s for s in config.subjects or [] if s not in have]
        if wanted:
            await js.update_stream(dataclasses.replace(info.config, subjects=have + wanted))

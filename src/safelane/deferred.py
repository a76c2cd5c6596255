"""Deferred assessment: filings acknowledged before the store took them, and forwarded to it later.

Two paths accept a filing first and assess it afterwards: the spool while the store is down
(resilience/forward.py) and the JetStream work queue in stream mode (stream/). Both validate the message,
wrap it with who sent it and when in one envelope, answer `202` with a receipt, and later hand a batch of
envelopes to `forward`, which runs the one pipeline, records each receipt's answer, and leaves it to the
caller to mark the batch done (checkpoint, ack) only after that. A batch forwarded twice (after a crash)
is answered as duplicates by the pipeline and keeps the receipts' first answers: nothing is stored twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from safelane.domain import InvalidMessage
from safelane.ids import new_id
from safelane.pipeline import Pipeline
from safelane.store import Database
from safelane.store import receipts as receipt_store
from safelane.store.database import OUTAGES

log = logging.getLogger("safelane.deferred")


@dataclass(frozen=True)
class Envelope:
    """One accepted message waiting for the store."""

    receipt_id: str
    filer: str | None
    actor: str
    format: str | None
    received_at: datetime
    body: bytes

    @classmethod
    def new(cls, body: bytes, *, filer: str | None, actor: str, format: str | None, at: datetime) -> "Envelope":
        return cls(new_id("R"), filer, actor, format, at, body)

    def dumps(self) -> bytes:
        return orjson.dumps(
            {
                "receipt": self.receipt_id,
                "filer": self.filer,
                "actor": self.actor,
                "format": self.format,
                "received_at": self.received_at.isoformat(),
                "body": self.body.decode("latin-1"),  # bytes as code points 0-255: lossless, and JSON-safe
            }
        )

    @staticmethod
    def prefix(receipt_id: str) -> bytes:
        """How `dumps` of this receipt's envelope begins: what finds it in the spool's bytes."""
        return b'{"receipt":' + orjson.dumps(receipt_id) + b","

    @classmethod
    def loads(cls, data: bytes) -> "Envelope":
        record = orjson.loads(data)
        return cls(
            record["receipt"],
            record["filer"],
            record["actor"],
            record["format"],
            datetime.fromisoformat(record["received_at"]),
            record["body"].encode("latin-1"),
        )


def forward(pipeline: Pipeline, db: Database, envelopes: list[Envelope]) -> list[dict[str, Any]]:
    """Assess and store a batch, record each receipt's answer, and return the answers in order.

    A store outage raises (nothing of the batch counts as forwarded: the caller keeps it for later). An
    envelope the pipeline fails on otherwise is answered `failed`, and listed in the answers for the caller
    to set aside; the rest of the batch goes on.
    """
    answers: list[dict[str, Any]] = [{} for _ in envelopes]
    messages, placed = [], []
    for i, envelope in enumerate(envelopes):
        try:
            batch = pipeline.parse(envelope.body, filer=envelope.filer, format=envelope.format, actor=envelope.actor)
        except InvalidMessage as error:  # valid when accepted; only a changed reader could refuse it now
            answers[i] = {"status": "rejected", "problems": [p.as_dict() for p in error.problems]}
            continue
        # when the filer gave no filing time: the time it reached us, not the time the store took it
        batch = [f if f.filed_at else f.model_copy(update={"filed_at": envelope.received_at}) for f in batch]
        messages.append((batch, envelope.actor, envelope.body if len(batch) == 1 else None))
        placed.append(i)
    outcomes = pipeline.submit_each(messages) if messages else []
    for i, outcome in zip(placed, outcomes, strict=True):
        if isinstance(outcome, OUTAGES):
            raise outcome
        if isinstance(outcome, BaseException):
            answers[i] = {"status": "failed", "reason": type(outcome).__name__, "error": repr(outcome)}
            log.error("deferred_failed", extra={"fields": {"receipt": envelopes[i].receipt_id, "error": repr(outcome)}})
        else:
            answers[i] = {"status": "assessed", "filings": [r.as_dict() for r in outcome]}
    now = pipeline.clock()
    public = [{k: v for k, v in answer.items() if k != "error"} for answer in answers]
    with db.write() as conn:
        receipt_store.record(
            conn,
            [
                receipt_store.Receipt(e.receipt_id, e.filer, e.received_at, a)
                for e, a in zip(envelopes, public, strict=True)
            ],
            now,
        )
    return answers

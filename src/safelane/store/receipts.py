"""Receipts of spooled filings: what the store answered once a filing accepted during an outage reached it."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from safelane.store.schema import receipts


class Receipt(NamedTuple):
    receipt_id: str
    filer: str | None
    received_at: datetime
    answer: Any


def record(conn: sa.Connection, answers: Sequence[Receipt], at: datetime) -> None:
    """Keep each receipt's first answer: a replay after a crash finds the filing stored and must not rewrite it.

    A worker's or the spool's whole batch in one lookup and one multi-row insert, not two round trips each."""
    ids = [a.receipt_id for a in answers]
    seen = set(conn.execute(sa.select(receipts.c.receipt_id).where(receipts.c.receipt_id.in_(ids))).scalars())
    rows = []
    for a in answers:
        if a.receipt_id not in seen:
            seen.add(a.receipt_id)
            rows.append(
                {
                    "receipt_id": a.receipt_id,
                    "filer": a.filer,
                    "received_at": a.received_at,
                    "forwarded_at": at,
                    "answer": a.answer,
                }
            )
    if rows:
        conn.execute(receipts.insert(), rows)


def get(conn: sa.Connection, receipt_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(receipts).where(receipts.c.receipt_id == receipt_id)).mappings().first()
    return dict(row) if row else None

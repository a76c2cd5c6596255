"""Receipts of spooled filings: what the store answered once a filing accepted during an outage reached it."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import receipts


def record(
    conn: sa.Connection, receipt_id: str, filer: str | None, received_at: datetime, at: datetime, answer: Any
) -> None:
    """Keep the first answer: a replay after a crash finds the filing stored and must not rewrite it."""
    if conn.execute(sa.select(receipts.c.receipt_id).where(receipts.c.receipt_id == receipt_id)).first():
        return
    conn.execute(
        receipts.insert().values(
            receipt_id=receipt_id, filer=filer, received_at=received_at, forwarded_at=at, answer=answer
        )
    )


def get(conn: sa.Connection, receipt_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(receipts).where(receipts.c.receipt_id == receipt_id)).mappings().first()
    return dict(row) if row else None

"""Capacity as a database reservation: workers in several processes never give out the same places.

Allocation reads today's usage and hands out what is left. Read outside the write transaction, two workers
can both see the last place free and both take it (an office over capacity by a batch). `reserve` is called
first in the write transaction: it locks one row per (office, UTC day) of the batch, in a fixed order (no
deadlock), and only then counts today's usage, so a concurrent batch for the same office waits until this one
commits and then counts what it took. Decisions stay the one record of usage; the row is only the lock (and
counts batches). On PostgreSQL the lock is `SELECT ... FOR UPDATE`; SQLite serialises writers anyway.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from safelane.selection import Usage
from safelane.store import offices as office_store
from safelane.store.schema import capacity_reservations

NO_OFFICE = ""  # the row that locks consignments no office is named for


def reserve(conn: sa.Connection, offices: Iterable[str | None], at: datetime) -> Usage:
    """Lock the offices' capacity for the UTC day of `at` until the transaction ends; today's usage under it."""
    day = office_store.day_of(at)[0].date()
    keys = sorted({office or NO_OFFICE for office in offices})
    if not keys:
        return Usage()
    rows = [{"office": k, "day": day, "batches": 0} for k in keys]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(capacity_reservations).values(rows).on_conflict_do_nothing())
    table = capacity_reservations
    locked = (
        sa.select(table.c.office)
        .where(table.c.day == day, table.c.office.in_(keys))
        .order_by(table.c.office)
        .with_for_update()
    )
    conn.execute(locked).all()
    conn.execute(table.update().where(table.c.day == day, table.c.office.in_(keys)).values(batches=table.c.batches + 1))
    return office_store.usage(conn, at)

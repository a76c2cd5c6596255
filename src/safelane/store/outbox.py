"""The event outbox: events written in the transaction of the change they describe, relayed to JetStream later.

Writing the event with the change means a committed decision, referral change or release always has its
event, and a rolled-back one never does, whatever happens to NATS or the process in between. The relay
(safelane.stream.relay) claims the oldest rows, publishes them with `Nats-Msg-Id` = the event id and deletes
them once JetStream has stored them. The outbox is on only where something relays it (`Database.outbox`, set by
stream mode or `SAFELANE_EVENTS_OUTBOX=1`); an embedded single process writes nothing here.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import event_outbox

OPTION = "safelane_outbox"  # the execution option Database.write sets on its connection


def enabled(conn: sa.Connection) -> bool:
    return bool(conn.get_execution_options().get(OPTION))


def add(conn: sa.Connection, at: datetime, events: Sequence[tuple[str, str, bytes]]) -> None:
    """Queue `(event_id, subject, payload)` events in the caller's transaction, when the outbox is on."""
    if not events or not enabled(conn):
        return
    conn.execute(
        event_outbox.insert(),
        [{"event_id": i, "subject": s, "payload": p, "created_at": at} for i, s, p in events],
    )


def oldest(conn: sa.Connection, limit: int) -> list[dict[str, Any]]:
    """The events waiting longest, in the order they were written."""
    rows = conn.execute(sa.select(event_outbox).order_by(event_outbox.c.seq).limit(limit)).mappings()
    return [dict(r) for r in rows]


def claim(conn: sa.Connection, limit: int) -> list[dict[str, Any]]:
    """The oldest events no other relay holds, locked until the caller's transaction ends.

    On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several relays share the outbox and publish each row once;
    SQLite (one writer, so one relay in practice) renders no lock and this is `oldest`.
    """
    query = sa.select(event_outbox).order_by(event_outbox.c.seq).limit(limit)
    rows = conn.execute(query.with_for_update(skip_locked=True)).mappings()
    return [dict(r) for r in rows]


def remove(conn: sa.Connection, seqs: Sequence[int]) -> None:
    """Forget events JetStream has stored (removing one twice, by two relays, is harmless)."""
    for start in range(0, len(seqs), 500):
        conn.execute(event_outbox.delete().where(event_outbox.c.seq.in_(seqs[start : start + 500])))


def waiting(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(event_outbox)).scalar_one()

"""The audit hash chain: every audit and decision event linked to the one before it.

One chain over both event tables, not one per table: a filing's `decided` events and its
`filing.accepted` event are written together, and one sequence keeps their order, one head is locked
to append, and one anchor (sequence and hash) vouches for everything before it.

Each row stores `seq` (1, 2, ... across both tables), `prev_hash` (the previous row's `chain_hash`,
GENESIS for the first) and `chain_hash` = SHA-256 of `prev_hash` and the row's canonical content. Editing
a row breaks its own hash; deleting, inserting or reordering rows breaks the links; rewriting the whole
chain is caught against an anchor exported before (`safelane audit anchor`).

Events are queued on the write transaction (`append`) and chained when it commits (`flush`, called by
`Database.write`): the head row is locked (FOR UPDATE on PostgreSQL; SQLite's write transactions are
serialised already) as the transaction's last step, so concurrent writers queue for a moment, never
deadlock, and a pipeline batch is one head update and one insert per table however many events it holds.

The encoding is a stored format: changing `CONTENT` or `encode` breaks every stored chain and needs a
migration that re-chains it.
"""

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.store import bulk
from safelane.store.schema import audit_chain, audit_events, decision_events

GENESIS = "0" * 64
CHAIN = "events"
TABLES: dict[str, sa.Table] = {t.name: t for t in (decision_events, audit_events)}
CONTENT: dict[str, tuple[str, ...]] = {  # what each row's hash covers, in this order
    "decision_events": (
        "event_id",
        "decision_id",
        "at",
        "actor",
        "action",
        "from_outcome",
        "to_outcome",
        "from_state",
        "to_state",
        "note",
        "data",
    ),
    "audit_events": ("event_id", "at", "actor", "action", "subject", "detail"),
}
JSON_COLUMNS = frozenset({"data", "detail"})
_PENDING = "safelane_audit_pending"


def _number(value: Any) -> Any:
    """JSON as both engines give it back: PostgreSQL's JSONB returns 1e16 as an integer, so integral floats are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_number(v) for v in value]
    return value


def _canonical(name: str, value: Any, *, stored: bool) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name in JSON_COLUMNS and value is not None:
        return _number(value if stored else orjson.loads(orjson.dumps(value)))  # as the store will return it
    return value


def encode(table: str, row: Mapping[str, Any], *, stored: bool = True) -> bytes:
    """The row's content as canonical bytes; `stored=False` for a row not yet written (its JSON as it will read)."""
    values = [_canonical(name, row[name], stored=stored) for name in CONTENT[table]]
    return orjson.dumps([table, values], option=orjson.OPT_SORT_KEYS)


def link(prev_hash: str, table: str, row: Mapping[str, Any], *, stored: bool = True) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + encode(table, row, stored=stored)).hexdigest()


def begin(conn: sa.Connection) -> None:
    """Make this write transaction one that chains the events appended to it (Database.write calls it)."""
    conn.info[_PENDING] = []


def end(conn: sa.Connection) -> None:
    conn.info.pop(_PENDING, None)


def append(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Queue event rows (every column but the chain's) to be chained and written when the transaction commits."""
    pending: list[tuple[sa.Table, dict[str, Any]]] | None = conn.info.get(_PENDING)
    if pending is None:
        raise RuntimeError("audit events are chained when a Database.write() transaction commits; write them in one")
    if table.name not in TABLES:
        raise ValueError(f"{table.name} is not in the audit chain")
    pending += [(table, row) for row in rows]


def head(conn: sa.Connection, *, for_update: bool = False) -> tuple[int, str]:
    """The newest row's sequence number and hash (0 and GENESIS for an empty chain)."""
    query = sa.select(audit_chain.c.seq, audit_chain.c.hash).where(audit_chain.c.chain == CHAIN)
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:  # migration 0007 writes it; a head deleted by hand is caught by verify, not hidden here
        raise LookupError("the audit chain has no head row (table audit_chain)")
    return int(row.seq), row.hash


def flush(conn: sa.Connection) -> int:
    """Chain and insert the queued events, as the transaction's last step; returns how many."""
    pending: list[tuple[sa.Table, dict[str, Any]]] = conn.info.get(_PENDING) or []
    if not pending:
        return 0
    conn.info[_PENDING] = []
    seq, prev = head(conn, for_update=True)
    by_table: dict[sa.Table, list[dict[str, Any]]] = {t: [] for t in TABLES.values()}
    for table, row in pending:
        seq += 1
        chained = link(prev, table.name, row, stored=False)
        by_table[table].append({**row, "seq": seq, "prev_hash": prev, "chain_hash": chained})
        prev = chained
    for table, rows in by_table.items():
        bulk.insert(conn, table, rows)
    conn.execute(audit_chain.update().where(audit_chain.c.chain == CHAIN).values(seq=seq, hash=prev))
    return len(pending)

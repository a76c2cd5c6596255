"""Walk the audit hash chain and name the first row that breaks it, and how.

A row is checked three ways: its hash against its content and stored link (edited?), its sequence number
against the one before (deleted? inserted?), and its link against the row before (reordered, inserted,
deleted and renumbered). The row after it, looked at once, tells the cases apart: a forged row is one the
next row skips, a swapped pair is one where the next row is the one this row was chained after. Anchors
(sequence and hash of a head seen before) catch a chain rewritten from some row to the end.
"""

import heapq
import itertools
import time
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from safelane.store import audit_chain as chain

if TYPE_CHECKING:
    from safelane.store.database import Database


@contextmanager
def snapshot(db: "Database") -> Iterator[sa.Connection]:
    """A read that sees the head and every row as of one moment (PostgreSQL: REPEATABLE READ; SQLite's WAL
    reads are snapshots already), so rows committed during a long walk neither appear nor go missing."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


@dataclass(frozen=True)
class Break:
    """The first row that does not hold: where it is and what is wrong with it."""

    kind: str  # edited | deleted | inserted | reordered | rewritten
    table: str | None
    event_id: str | None
    seq: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    start: int  # the walk began after this sequence number
    checked: int = 0
    last: Anchor = field(default_factory=lambda: Anchor(0, chain.GENESIS))  # the last row found good
    head: Anchor = field(default_factory=lambda: Anchor(0, chain.GENESIS))  # the chain head as stored
    anchors: int = 0  # anchors compared on the way
    complete: bool = False  # the walk reached the head
    problem: Break | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "start": self.start,
            "checked": self.checked,
            "verified_to": asdict(self.last),
            "head": asdict(self.head),
            "anchors_checked": self.anchors,
            "complete": self.complete,
            "problem": self.problem.as_dict() if self.problem else None,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class _Row:
    table: str
    seq: int
    prev_hash: str
    chain_hash: str
    content: Mapping[str, Any]

    @property
    def event_id(self) -> str:
        return str(self.content["event_id"])

    def intact(self) -> bool:
        return chain.link(self.prev_hash, self.table, self.content) == self.chain_hash

    def name(self) -> str:
        return f"{self.table} {self.event_id} (seq {self.seq})"


def _stream(conn: sa.Connection, name: str, after: int, limit: int | None) -> Generator[_Row]:
    table = chain.TABLES[name]
    columns = [table.c[c] for c in chain.CONTENT[name]]
    query = sa.select(table.c.seq, table.c.prev_hash, table.c.chain_hash, *columns).where(table.c.seq > after)
    query = query.order_by(table.c.seq)
    if limit is not None:  # a bounded step (the health watch) reads its rows at once: no server-side cursor is
        query = query.limit(limit + 1)  # left open when an outage interrupts the background thread mid-step
    result = conn.execute(query, execution_options={} if limit is not None else {"yield_per": 2000})
    try:
        for row in result.mappings():
            yield _Row(name, int(row["seq"]), row["prev_hash"], row["chain_hash"], dict(row))
    finally:
        result.close()  # a walk that stops at a break leaves no server-side cursor open


def _at(conn: sa.Connection, seq: int) -> list[_Row]:
    found = []
    for name in chain.TABLES:
        rows = _stream(conn, name, seq - 1, 1)
        found += list(itertools.islice(rows, 1))
        rows.close()
    return [r for r in found if r.seq == seq]


def _judge(row: _Row, before: Anchor, previous: _Row | None, following: _Row | None) -> Break | None:
    """What is wrong with `row`, given the good row before it and a look at the next one."""
    if previous is not None and row.seq == previous.seq:
        successor = following.prev_hash if following is not None else None
        forged = previous if successor == row.chain_hash and row.intact() else row
        return Break(
            "inserted", forged.table, forged.event_id, forged.seq, f"a second row claims sequence {row.seq}: forged"
        )
    if row.seq > before.seq + 1:
        missing = f"{before.seq + 1}" if row.seq == before.seq + 2 else f"{before.seq + 1}-{row.seq - 1}"
        return Break("deleted", row.table, row.event_id, row.seq, f"sequence {missing} missing before {row.name()}")
    intact, linked = row.intact(), row.prev_hash == before.hash
    if intact and linked:
        return None
    if intact and previous is not None and row.prev_hash == previous.prev_hash:
        return Break(
            "inserted",
            previous.table,
            previous.event_id,
            previous.seq,
            f"{previous.name()} is not in the chain: forged ({row.name()} was chained directly before it)",
        )
    if intact and following is not None and following.chain_hash == row.prev_hash:
        return Break(
            "reordered", row.table, row.event_id, row.seq, f"{row.name()} was chained after {following.name()}"
        )
    if following is not None and following.prev_hash == before.hash and following.intact():
        return Break("inserted", row.table, row.event_id, row.seq, f"{row.name()} is not in the chain: forged")
    if not intact:
        return Break("edited", row.table, row.event_id, row.seq, f"{row.name()} no longer matches its hash")
    return None  # intact but not linked: `_unlinked` looks for the row it was chained after


def _unlinked(conn: sa.Connection, row: _Row, before: Anchor) -> Break:
    """An intact row that does not follow the row before it: where is the row it was chained after?
    (A search by hash over both tables, made only once a break is found.)"""
    for name, table in chain.TABLES.items():
        found = conn.execute(
            sa.select(table.c.seq, table.c.event_id).where(table.c.chain_hash == row.prev_hash).limit(1)
        ).first()
        if found is not None:
            return Break(
                "reordered",
                row.table,
                row.event_id,
                row.seq,
                f"{row.name()} was chained after {name} {found.event_id}, which now stands at seq {found.seq}",
            )
    return Break(
        "edited",
        row.table,
        row.event_id,
        row.seq,
        f"{row.name()} does not follow the row before it (seq {before.seq}): that row was rewritten with a new "
        "hash, or rows between them were deleted and the rest renumbered",
    )


def verify(
    conn: sa.Connection,
    *,
    start: Anchor | None = None,
    anchors: Mapping[int, str] | None = None,
    limit: int | None = None,
) -> Report:
    """Walk the chain after `start` (default: from its first row) for at most `limit` rows.

    `anchors` (sequence -> hash) are heads seen before; the row at each must still carry that hash. A walk from
    `start` first checks that the row at `start` still has its hash. Run it in a `snapshot`.
    """
    started = time.perf_counter()
    start = start or Anchor(0, chain.GENESIS)
    anchors = dict(anchors or {})
    report = Report(start.seq, last=start)
    try:
        report.head = Anchor(*chain.head(conn))
    except LookupError:
        report.problem = Break("deleted", "audit_chain", None, 0, "the chain's head row is gone")
    report.problem = report.problem or _check_start(conn, start)
    if report.problem is None:
        report.problem = _walk(conn, report, anchors, limit)
    if report.problem is None and report.complete:
        report.problem = _check_end(report, anchors)
    report.seconds = time.perf_counter() - started
    return report


def _check_start(conn: sa.Connection, start: Anchor) -> Break | None:
    if start.seq == 0:
        return None
    found = _at(conn, start.seq)
    if not found:
        return Break("deleted", None, None, start.seq, f"the row at sequence {start.seq}, verified before, is gone")
    if found[0].chain_hash != start.hash:
        return Break(
            "rewritten",
            found[0].table,
            found[0].event_id,
            start.seq,
            f"{found[0].name()} has another hash than when verified",
        )
    return None


def _walk(conn: sa.Connection, report: Report, anchors: Mapping[int, str], limit: int | None) -> Break | None:
    streams = [_stream(conn, name, report.start, limit) for name in chain.TABLES]
    try:
        return _walk_rows(conn, report, heapq.merge(*streams, key=lambda r: r.seq), anchors, limit)
    finally:
        for stream in streams:
            stream.close()


def _walk_rows(
    conn: sa.Connection, report: Report, rows: Iterator[_Row], anchors: Mapping[int, str], limit: int | None
) -> Break | None:
    previous: _Row | None = None
    current = next(rows, None)
    while current is not None:
        if limit is not None and report.checked >= limit:
            return None
        following = next(rows, None)
        problem = _judge(current, report.last, previous, following)
        if problem is None and current.prev_hash != report.last.hash:
            problem = _unlinked(conn, current, report.last)
        if problem is None and current.seq > report.head.seq:  # in one snapshot the head is the newest row
            problem = Break(
                "inserted", current.table, current.event_id, current.seq, f"{current.name()} is past the head"
            )
        if problem is not None:
            return problem
        expected = anchors.get(current.seq)
        if expected is not None:
            report.anchors += 1
            if expected != current.chain_hash:
                return Break(
                    "rewritten",
                    current.table,
                    current.event_id,
                    current.seq,
                    f"{current.name()} is not the row the anchor of sequence {current.seq} vouched for: "
                    "the chain was rewritten from here or before",
                )
        report.checked += 1
        report.last = Anchor(current.seq, current.chain_hash)
        previous, current = current, following
    report.complete = True
    return None


def _check_end(report: Report, anchors: Mapping[int, str]) -> Break | None:
    last, head = report.last, report.head
    beyond = [seq for seq in anchors if seq > last.seq]
    if head.seq > last.seq or beyond:
        end = max([head.seq, *beyond])
        return Break("deleted", None, None, last.seq + 1, f"the chain ends at {last.seq}; rows up to {end} are gone")
    if head.hash != last.hash:
        return Break("edited", None, None, head.seq, "the chain head does not match its newest row")
    return None

"""What the valuation check reads of the store: the goods of accepted consignments, read only, in row order.

Row ids sort by the millisecond they were made (`safelane.ids`), so "rows newer than the last one seen" is a
primary-key range. A row is made before its transaction commits, so a slow transaction can commit a row older
than one already read; callers count the rows of a recent margin (the key only, counted by the database) and list
its ids only when that count is more than they have seen, then fetch the rows they have not seen.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import consignments, filings

CHUNK = 5000


@dataclass(frozen=True)
class DeclaredRow:
    """One stored consignment's goods as the valuation check needs them."""

    row_id: str
    consignment_id: str
    version: int
    filed_at: datetime
    goods: list[dict[str, Any]]
    consignor: dict[str, Any] | None


def _columns() -> list[Any]:
    data = consignments.c.data
    return [
        consignments.c.row_id,
        consignments.c.consignment_id,
        consignments.c.version,
        consignments.c.filed_at,
        data["goods"].label("goods"),
        data["consignor"].label("consignor"),
    ]


def _rows(result: sa.Result[Any]) -> list[DeclaredRow]:
    return [DeclaredRow(r.row_id, r.consignment_id, r.version, r.filed_at, r.goods or [], r.consignor) for r in result]


def current(conn: sa.Connection) -> Iterator[list[DeclaredRow]]:
    """The current version of every consignment of an active filing, in chunks, in row order."""
    after = ""
    while True:
        query = (
            sa.select(*_columns())
            .join(filings, filings.c.filing_id == consignments.c.filing_id)
            .where(consignments.c.current.is_(True), filings.c.status == "active", consignments.c.row_id > after)
            .order_by(consignments.c.row_id)
            .limit(CHUNK)
        )
        chunk = _rows(conn.execute(query))
        if not chunk:
            return
        yield chunk
        after = chunk[-1].row_id


def newest_id(conn: sa.Connection) -> str | None:
    return conn.execute(sa.select(sa.func.max(consignments.c.row_id))).scalar()


def ids_since(conn: sa.Connection, since: str) -> list[str]:
    """Ids of the rows from `since` on (a row id or a prefix of one), in order."""
    query = sa.select(consignments.c.row_id).where(consignments.c.row_id >= since).order_by(consignments.c.row_id)
    return list(conn.execute(query).scalars())


def count_between(conn: sa.Connection, since: str, until: str) -> int:
    """How many rows have ids from `since` (a row id or a prefix of one) to `until`, both included."""
    row_id = consignments.c.row_id
    return conn.execute(sa.select(sa.func.count()).where(row_id >= since, row_id <= until)).scalar_one()


def ids_after(conn: sa.Connection, after: str) -> list[str]:
    """Ids of the rows newer than `after`, in order."""
    query = sa.select(consignments.c.row_id).where(consignments.c.row_id > after).order_by(consignments.c.row_id)
    return list(conn.execute(query).scalars())


def by_ids(conn: sa.Connection, row_ids: Collection[str]) -> list[DeclaredRow]:
    """These rows, in row order."""
    found: list[DeclaredRow] = []
    ordered = sorted(row_ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        query = sa.select(*_columns()).where(consignments.c.row_id.in_(chunk)).order_by(consignments.c.row_id)
        found += _rows(conn.execute(query))
    return found


def replaced(conn: sa.Connection, amended: dict[str, int], unseen: Collection[str]) -> list[DeclaredRow]:
    """For each consignment id -> version, the newest row of that consignment with a lower version among those
    already seen (row ids not in `unseen`): the one an amendment replaces."""
    found: list[DeclaredRow] = []
    ids = sorted(amended)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = sa.select(*_columns()).where(consignments.c.consignment_id.in_(chunk)).order_by(consignments.c.row_id)
        newest: dict[str, DeclaredRow] = {}
        for row in _rows(conn.execute(query)):
            best = newest.get(row.consignment_id)
            seen = row.row_id not in unseen
            if seen and row.version < amended[row.consignment_id] and (best is None or row.version > best.version):
                newest[row.consignment_id] = row
        found += newest.values()
    return found

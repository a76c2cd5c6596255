"""Bulk inserts through the driver's executemany, with values rendered once per column type.

SQLAlchemy Core spends most of an insert's time on per-row parameter processing (a bind processor per
value, a parameter dict per row). The batch writer knows its columns, so it renders each value the way
the column's type would (times as the dialect keeps them, JSON as orjson text) and hands plain tuples
to the driver: the same stored bytes, a fraction of the cost.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.store.schema import UTCDateTime

Render = Callable[[Any], Any]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()  # None is JSON null, as SQLAlchemy's JSON type stores it


@lru_cache(maxsize=4096)  # a batch repeats its receiving time in every row
def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; safelane keeps UTC with its zone")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")  # SQLAlchemy's SQLite text


def _postgres_time(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given to the store; safelane keeps UTC with its zone")
    return value


def _renderer(column: sa.Column, dialect: str) -> Render | None:
    if isinstance(column.type, UTCDateTime):
        return _sqlite_time if dialect == "sqlite" else _postgres_time
    if isinstance(column.type, sa.JSON):
        return _json
    return None


@cache
def _statement(table: sa.Table, dialect: sa.Dialect) -> tuple[str, tuple[str, ...], tuple[tuple[int, Render], ...]]:
    """The insert's SQL, its parameters in order, and which of them need rendering (by position)."""
    names = [c.name for c in table.columns]
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    order = tuple(compiled.positiontup or names)  # positional paramstyles name their order
    renders = ((i, _renderer(table.c[name], dialect.name)) for i, name in enumerate(order))
    return str(compiled), order, tuple((i, r) for i, r in renders if r is not None)


def insert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts with every column of the table) in one executemany."""
    _insert(conn, table, rows, by_name=True)


def insert_tuples(conn: sa.Connection, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as tuples in the table's column order (no dict made per row) in one executemany."""
    _insert(conn, table, rows, by_name=False)


def _insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Any], *, by_name: bool) -> None:
    if not rows:
        return
    sql, order, renders = _statement(table, conn.dialect)
    names = [c.name for c in table.columns]
    values = itemgetter(*order) if by_name else itemgetter(*(names.index(name) for name in order))
    params: list[Any] = []
    for row in rows:
        rendered = list(values(row))
        for i, render in renders:
            rendered[i] = render(rendered[i])
        params.append(tuple(rendered))
    if conn.dialect.paramstyle not in ("qmark", "numeric", "format"):
        params = [dict(zip(order, p, strict=True)) for p in params]
    conn.exec_driver_sql(sql, params)

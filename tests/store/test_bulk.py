"""The batch writer's driver-level inserts store exactly what SQLAlchemy's own insert stores."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from safelane.store import Database, bulk
from safelane.store.schema import filing_versions, filings


def _rows(suffix: str) -> dict[sa.Table, list[dict]]:
    at = datetime(2026, 11, 20, 9, 30, 1, 250, tzinfo=timezone(timedelta(hours=2)))
    return {
        filings: [
            {
                "filing_id": f"F{suffix}",
                "filer": "ACME",
                "document_number": f"D{suffix}",
                "kind": "pre_loading",
                "status": "active",
                "current_version": 1,
                "created_at": at,
                "updated_at": at,
            }
        ],
        filing_versions: [
            {
                "version_id": f"V{suffix}",
                "filing_id": f"F{suffix}",
                "version": 1,
                "message_type": "safelane-json",
                "received_at": at,
                "filed_at": datetime(2026, 11, 20, tzinfo=UTC),
                "content_hash": "h",
                "filing": {"b": [1, 2.5], "a": "é"},
                "raw": b"\x00raw",
            }
        ],
    }


def _stored(conn: sa.Connection, table: sa.Table, key: str) -> list[tuple]:
    # read as text, so a difference in how a value is kept shows (not only in what it decodes to)
    columns = [sa.cast(c, sa.Text).label(c.name) if c.name != "raw" else c for c in table.columns if c.name != key]
    return [tuple(r) for r in conn.execute(sa.select(*columns).order_by(table.c[key]))]


def test_bulk_insert_stores_what_sqlalchemy_stores(db: Database):
    db.migrate()
    with db.write() as conn:
        for table, rows in _rows("1").items():
            conn.execute(table.insert(), rows)
        for table, rows in _rows("2").items():
            bulk.insert(conn, table, rows)
    with db.read() as conn:
        for table, key in ((filings, "filing_id"), (filing_versions, "version_id")):
            first, second = _stored(conn, table, key)
            assert [v for v in first if v not in ("F1", "D1")] == [v for v in second if v not in ("F2", "D2")]


def test_bulk_insert_refuses_a_naive_time(db: Database):
    db.migrate()
    row = {**_rows("3")[filings][0], "created_at": datetime(2026, 11, 20)}
    with pytest.raises(ValueError, match="naive"), db.write() as conn:
        bulk.insert(conn, filings, [row])


def test_tuples_in_column_order_store_what_dicts_store(db: Database):
    db.migrate()
    rows = _rows("1")[filings] + _rows("2")[filings]
    names = [c.name for c in filings.columns]
    with db.write() as conn:
        bulk.insert(conn, filings, rows[:1])
        bulk.insert_tuples(conn, filings, [tuple(rows[1][name] for name in names)])
    with db.read() as conn:
        first, second = _stored(conn, filings, "filing_id")
    assert [v for v in first if v not in ("D1",)] == [v for v in second if v not in ("D2",)]


def test_an_index_row_is_the_splitting_index_columns_in_order():
    from safelane.store.parcels import IndexedParcel
    from safelane.store.schema import ecommerce_parcels

    assert IndexedParcel._fields == tuple(c.name for c in ecommerce_parcels.columns)  # `insert_tuples` relies on it

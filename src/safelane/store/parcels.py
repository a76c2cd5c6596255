"""The e-commerce splitting index: low-value parcels by consignee key, read per batch, written with the filing.

Only the e-commerce assessor uses it: it reads the window of a whole batch in one query
and replaces a consignment's rows when the pipeline stores its filing (`EcommerceAssessor.record`), so every
process filing into the same store sees the same index.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from safelane.store import bulk
from safelane.store.schema import ecommerce_parcels

_CHUNK = 10_000  # consignments per delete (SQLite allows 32,766 parameters)


class IndexedParcel(NamedTuple):
    """One index row (a tuple: made for every key of every low-value parcel, so it must be cheap to make)."""

    consignment_id: str
    match_key: str
    key_kind: str
    destination: str
    filed_at: datetime
    value: float  # in the currency of the destination's limit, at the rate of its filing day
    currency: str
    reference: str


_t = ecommerce_parcels.c
_IN_TIME = (_t.filed_at >= sa.bindparam("since"), _t.filed_at <= sa.bindparam("until"))
# the keys travel as one parameter (a JSON array for SQLite, an array for PostgreSQL): a statement compiled once,
# where a list of keys would render a placeholder per key at every batch
_WINDOW = {
    "sqlite": sa.select(ecommerce_parcels).where(
        _t.match_key.in_(sa.select(sa.column("value")).select_from(sa.func.json_each(sa.bindparam("keys")))), *_IN_TIME
    ),
    "postgresql": sa.select(ecommerce_parcels).where(
        _t.match_key == sa.any_(sa.bindparam("keys", type_=postgresql.ARRAY(sa.String))), *_IN_TIME
    ),
}


def window(conn: sa.Connection, keys: Iterable[str], since: datetime, until: datetime) -> list[IndexedParcel]:
    """Parcels sharing any of these keys filed between `since` and `until` (inclusive), in one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    given = orjson.dumps(wanted).decode() if conn.dialect.name == "sqlite" else wanted
    rows = conn.execute(_WINDOW[conn.dialect.name], {"keys": given, "since": since, "until": until})
    return [IndexedParcel(*row) for row in rows]  # the table's columns are its fields, in order


def replace(conn: sa.Connection, consignment_ids: Sequence[str], parcels: Sequence[IndexedParcel]) -> None:
    """These consignments' rows become `parcels` (an amendment replaces what its earlier version held)."""
    ids = sorted(set(consignment_ids))
    for start in range(0, len(ids), _CHUNK):
        conn.execute(
            ecommerce_parcels.delete().where(ecommerce_parcels.c.consignment_id.in_(ids[start : start + _CHUNK]))
        )
    unique = {(p.consignment_id, p.match_key): p for p in parcels}
    bulk.insert_tuples(conn, ecommerce_parcels, list(unique.values()))  # its fields are the table's columns

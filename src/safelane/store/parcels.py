"""The e-commerce splitting index: low-value parcels by consignee key, read per batch, written with the filing.

Only the e-commerce assessor uses it: it reads the window of a whole batch in one query (per 10,000 keys)
and replaces a consignment's rows when the pipeline stores its filing (`EcommerceAssessor.record`), so every
process filing into the same store sees the same index.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from safelane.store import bulk
from safelane.store.schema import ecommerce_parcels

_CHUNK = 10_000  # keys per query: a batch of a few thousand parcels reads its window in one (SQLite allows 32,766)


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

    def as_row(self) -> dict[str, object]:
        return self._asdict()


def window(conn: sa.Connection, keys: Iterable[str], since: datetime, until: datetime) -> list[IndexedParcel]:
    """Parcels sharing any of these keys filed between `since` and `until` (inclusive)."""
    wanted = sorted(set(keys))
    found: list[IndexedParcel] = []
    t = ecommerce_parcels.c
    for start in range(0, len(wanted), _CHUNK):
        rows = conn.execute(
            sa.select(
                t.consignment_id, t.match_key, t.key_kind, t.destination, t.filed_at, t.value, t.currency, t.reference
            ).where(t.match_key.in_(wanted[start : start + _CHUNK]), t.filed_at >= since, t.filed_at <= until)
        )
        found += [IndexedParcel(*row) for row in rows]
    return found


def replace(conn: sa.Connection, consignment_ids: Sequence[str], parcels: Sequence[IndexedParcel]) -> None:
    """These consignments' rows become `parcels` (an amendment replaces what its earlier version held)."""
    ids = sorted(set(consignment_ids))
    for start in range(0, len(ids), _CHUNK):
        conn.execute(
            ecommerce_parcels.delete().where(ecommerce_parcels.c.consignment_id.in_(ids[start : start + _CHUNK]))
        )
    unique = {(p.consignment_id, p.match_key): p for p in parcels}
    bulk.insert(conn, ecommerce_parcels, [p.as_row() for p in unique.values()])

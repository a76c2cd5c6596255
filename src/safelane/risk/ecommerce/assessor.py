"""The e-commerce assessor: splitting, mis-declaration and seller registration on low-value parcels.

It reads the splitting index for the whole batch in one query and never writes during `assess`; the
pipeline calls `record` inside the transaction that stores the batch, so the index is durable with the
filings and shared by every process on the store (docs/e-commerce.md).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from safelane.domain import Finding, Lodgement
from safelane.risk.ecommerce.misdeclaration import Vocabulary, goods_findings
from safelane.risk.ecommerce.parcel import Parcels
from safelane.risk.ecommerce.splitting import indexed, split_findings
from safelane.risk.ecommerce.tables import Tables, load
from safelane.store import Database
from safelane.store import parcels as parcel_store
from safelane.store.parcels import IndexedParcel

if TYPE_CHECKING:
    from safelane.store.filings import Assessed

ECOMMERCE = "ecommerce"
TABLES = "SAFELANE_ECOMMERCE_TABLES"
WINDOW_DAYS = "SAFELANE_ECOMMERCE_WINDOW_DAYS"
DEFAULT_WINDOW_DAYS = 30

Window = Callable[[Iterable[str], datetime, datetime], list[IndexedParcel]]


def stored_window(db: Database) -> Window:
    def read(keys: Iterable[str], since: datetime, until: datetime) -> list[IndexedParcel]:
        with db.read() as conn:
            return parcel_store.window(conn, keys, since, until)

    return read


class EcommerceAssessor:
    name = ECOMMERCE

    def __init__(self, tables: Tables, window: Window | None = None, window_days: int = DEFAULT_WINDOW_DAYS):
        """`window` reads the splitting index (None: no store, so only parcels within one batch are compared)."""
        self.tables = tables
        self.vocabulary = Vocabulary(tables)
        self.parcels = Parcels(tables)
        self.window = window
        self.span = timedelta(days=window_days)
        # the index rows of the last batch assessed, by consignment: `record` keeps them without working them
        # out again (checked against the very lodgement, so a batch assessed but not stored changes nothing)
        self._rows: dict[str, tuple[Lodgement, Sequence[IndexedParcel]]] = {}

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        parcels = [self.parcels(lo) for lo in lodgements]
        found = [goods_findings(self.name, p, self.vocabulary) for p in parcels]
        low = [p for p in parcels if p.keys]
        stored: list[IndexedParcel] = []
        if low and self.window is not None:
            keys = {key for p in low for key in p.keys}
            times = [p.lodgement.filed_at for p in low]
            stored = self.window(keys, min(times) - self.span, max(times) + self.span)
        splits, rows = split_findings(self.name, parcels, stored, self.span)
        for bucket, split in zip(found, splits, strict=True):
            if split is not None:
                bucket.append(split)
        self._rows = {lo.consignment_id: (lo, own) for lo, own in zip(lodgements, rows, strict=True)}
        return found

    def record(self, conn: sa.Connection, stored: "Sequence[Assessed]") -> None:
        """Keep the batch's low-value parcels in the splitting index, in the transaction that stores them."""
        rows = [row for item in stored for row in self._rows_of(item.lodgement)]
        amended = [item.lodgement.consignment_id for item in stored if item.lodgement.version > 1]
        parcel_store.replace(conn, amended, rows)

    def _rows_of(self, lodgement: Lodgement) -> Sequence[IndexedParcel]:
        known = self._rows.get(lodgement.consignment_id)
        return known[1] if known is not None and known[0] is lodgement else indexed(self.parcels(lodgement))

    def versions(self) -> Mapping[str, str]:
        return {ECOMMERCE: self.tables.version}


def build(options: Mapping[str, str], db: Database | None) -> EcommerceAssessor:
    folder = options.get(TABLES)
    days = options.get(WINDOW_DAYS, str(DEFAULT_WINDOW_DAYS))
    if not days.isdigit() or not 1 <= int(days) <= 366:
        raise ValueError(f"{WINDOW_DAYS} must be a whole number of days from 1 to 366, got {days!r}")
    return EcommerceAssessor(
        load(Path(folder) if folder else None), stored_window(db) if db is not None else None, int(days)
    )

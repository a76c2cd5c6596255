"""Licences repository: the licences an administration loads, and the book the strategic assessor checks against.

A file is loaded in one transaction after every row was checked, so a bad line leaves the table as it was.
Loading adds new references and replaces those it gives again; `replace=True` makes the file the whole table.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from safelane.risk.strategic.licences import Licence, LicenceBook
from safelane.store.database import Database
from safelane.store.filings import add_audit
from safelane.store.refreshing import Refreshing
from safelane.store.schema import licences


def load(
    conn: sa.Connection, found: Sequence[Licence], *, source: str, actor: str, at: datetime, replace: bool = False
) -> dict[str, int]:
    """Store the licences; returns how many were added and replaced (and removed, with replace)."""
    references = [lic.reference for lic in found]
    removed = 0
    if replace:
        removed = conn.execute(licences.delete().where(licences.c.reference.not_in(references))).rowcount or 0
    known = set(conn.execute(sa.select(licences.c.reference).where(licences.c.reference.in_(references))).scalars())
    if known:
        conn.execute(licences.delete().where(licences.c.reference.in_(known)))
    if found:
        conn.execute(
            licences.insert(),
            [
                {
                    "reference": lic.reference,
                    "list": lic.list,
                    "holder": lic.holder,
                    "holder_identifier": lic.holder_identifier,
                    "hs_prefix": lic.hs_prefix,
                    "valid_from": lic.valid_from,
                    "valid_to": lic.valid_to,
                    "source": source[:255],
                    "loaded_at": at,
                    "loaded_by": actor,
                }
                for lic in found
            ],
        )
    counts = {"added": len(found) - len(known), "replaced": len(known), "removed": removed}
    add_audit(conn, at, actor, "licences.loaded", source[:200], counts)
    return counts


def all_licences(conn: sa.Connection) -> list[Licence]:
    rows = conn.execute(sa.select(licences).order_by(licences.c.reference))
    return [
        Licence(r.reference, r.list, r.holder, r.valid_from, r.valid_to, r.holder_identifier, r.hs_prefix) for r in rows
    ]


def marker(conn: sa.Connection) -> tuple[int, object]:
    """Changes whenever a load changes the table (count and latest load time)."""
    row = conn.execute(sa.select(sa.func.count(), sa.func.max(licences.c.loaded_at)).select_from(licences)).one()
    return int(row[0]), row[1]


def book(conn: sa.Connection) -> LicenceBook:
    count, latest = marker(conn)
    stamp = latest.strftime("%Y%m%dT%H%M%S") if isinstance(latest, datetime) else "none"
    return LicenceBook(all_licences(conn), f"{count}@{stamp}")


class StoredLicences(Refreshing[LicenceBook]):
    """The licences in the database as a book, rebuilt when a load changes them."""

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, marker, book, LicenceBook([]), check_every)

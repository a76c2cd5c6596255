"""The agency scope index: (consignment, agency) pairs that `Scope.clause` tests for an agency officer.

Written in the transaction that stores the consignment's assessment (safelane.store.filings.save), so a
consignment is never stored without its agencies, on SQLite and PostgreSQL alike. A pair stays once written:
an agency that once had a consignment in scope keeps reading it (an amendment does not hide its history).
"""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from safelane.agencies.competence import agencies_of
from safelane.store import bulk
from safelane.store.schema import agency_requirements, agency_scope, assessments, consignments

_CHUNK = 400


def new_rows(conn: sa.Connection, found: Mapping[str, Mapping[str, str]], *, amended: bool) -> list[dict[str, Any]]:
    """The rows to insert for `found` (consignment id -> agency -> basis); with `amended`, pairs already stored
    are left out (one query per 400 consignments, only for amendments: new consignments have new ids)."""
    known: set[tuple[str, str]] = set()
    if amended:
        ids = sorted(found)
        for start in range(0, len(ids), _CHUNK):
            query = sa.select(agency_scope.c.consignment_id, agency_scope.c.agency).where(
                agency_scope.c.consignment_id.in_(ids[start : start + _CHUNK])
            )
            known |= {(r.consignment_id, r.agency) for r in conn.execute(query)}
    return [
        {"consignment_id": cid, "agency": agency, "basis": basis}
        for cid, agencies in found.items()
        for agency, basis in agencies.items()
        if (cid, agency) not in known
    ]


def add(conn: sa.Connection, consignment_id: str, agencies: Mapping[str, str]) -> None:
    """Put one consignment in these agencies' scope (agency -> basis), leaving pairs already there."""
    bulk.insert(conn, agency_scope, new_rows(conn, {consignment_id: agencies}, amended=True))


def of(conn: sa.Connection, consignment_id: str) -> frozenset[str]:
    """The agencies whose scope one consignment is in."""
    query = sa.select(agency_scope.c.agency).where(agency_scope.c.consignment_id == consignment_id)
    return frozenset(conn.execute(query).scalars())


def reindex(conn: sa.Connection, batch_size: int = 2000) -> int:
    """Index every stored consignment again under the register in force (after the register changed, or at
    upgrade): pairs are added, none removed. Returns how many pairs were added."""
    found: dict[str, dict[str, str]] = {}
    for held in conn.execute(sa.select(agency_requirements.c.consignment_id, agency_requirements.c.agency)):
        found.setdefault(held.consignment_id, {})[held.agency] = "requirement"
    query = sa.select(consignments.c.consignment_id, consignments.c.data, assessments.c.findings).join(
        assessments, assessments.c.row_id == consignments.c.row_id
    )
    with conn.execute(query, execution_options={"yield_per": batch_size}) as result:  # closes the server cursor
        for chunk in result.partitions(batch_size):
            for row in chunk:
                agencies = agencies_of((row.data or {}).get("goods") or (), row.findings or ())
                mine = found.setdefault(row.consignment_id, {})
                for agency, basis in agencies.items():
                    mine.setdefault(agency, basis)
    added = new_rows(conn, {k: v for k, v in found.items() if v}, amended=True)
    bulk.insert(conn, agency_scope, added)
    return len(added)

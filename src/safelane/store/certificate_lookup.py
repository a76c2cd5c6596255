"""The late-certificate lookup index: the keys by which a certificate that arrives after the decision finds its
consignment, one row per consignment version and key.

The keys are the ePhyto assessor's own link (safelane.store.certificates.certificates_for_many): each document
reference the filing quotes, compacted as certificate numbers are (`reference`), and consignor with consignee
normalised (`parties`). They are written with the consignment row in filings.save, so a lookup reads a few
index entries instead of every open consignment of the last 30 days. Only a consignment a late certificate can
still change is indexed (`worth_indexing`: its decision open, or an agency holding it); the rest, most of the
traffic (green, blue, ASSESSMENT_COMPLETE with nothing held), costs the filing nothing. A closed decision never
reopens: an amendment is a new row, indexed in its turn.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from safelane.domain.assessment import AgencyRequirement
from safelane.ephyto.matching import number_key, parties_key
from safelane.store import bulk
from safelane.store.schema import certificate_lookup, consignments

REFERENCE, PARTIES = "reference", "parties"


def keys(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, key) of a consignment as stored (its `data`): its quoted document numbers and its parties."""
    found = {
        (REFERENCE, ref) for d in data.get("documents") or () if (ref := number_key((d or {}).get("reference") or ""))
    }
    names = parties_key((data.get("consignor") or {}).get("name"), (data.get("consignee") or {}).get("name"))
    if names is not None:
        found.add((PARTIES, names))
    return sorted(found)


def worth_indexing(state: str, requirements: Iterable[AgencyRequirement]) -> bool:
    """Whether a late certificate can still change this decision (what `open_with_certificate` looks for)."""
    return state != "closed" or any(r.action != "release" for r in requirements)


def rows(row_id: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"row_id": row_id, "kind": kind, "key": key} for kind, key in keys(data)]


def wanted(number: str, consignor: str | None, consignee: str | None) -> sa.ColumnElement[bool]:
    """The index entries a certificate with this number and these parties may be linked by."""
    by_number = sa.and_(certificate_lookup.c.kind == REFERENCE, certificate_lookup.c.key == number_key(number))
    names = parties_key(consignor, consignee)
    if names is None:
        return by_number
    return sa.or_(by_number, sa.and_(certificate_lookup.c.kind == PARTIES, certificate_lookup.c.key == names))


def reindex(conn: sa.Connection, batch_size: int = 2000) -> int:
    """Index every current consignment version not yet indexed (at upgrade); returns the rows added."""
    indexed = sa.select(certificate_lookup.c.row_id)
    query = sa.select(consignments.c.row_id, consignments.c.data).where(
        consignments.c.current.is_(True), consignments.c.row_id.not_in(indexed)
    )
    added = 0
    with conn.execute(query, execution_options={"yield_per": batch_size}) as result:  # closes the server cursor
        for chunk in result.partitions(batch_size):
            made = [r for row in chunk for r in rows(row.row_id, row.data or {})]
            bulk.insert(conn, certificate_lookup, made)
            added += len(made)
    return added

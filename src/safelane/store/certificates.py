"""ePhyto certificates in the store: keep one as received, find those a consignment travels with.

A certificate is kept under its NPPO number and issuing country (two NPPOs may print the same number; a
certificate that names no country is kept under ""). The same content again is a replay (nothing changes); new
content under the same key is the NPPO's update (a withdrawal, a corrected status) and replaces the row. A
certificate that names the one it replaces (note ADRPN) marks that one, of the same country, `replaced`.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain import Consignment, Problem
from safelane.ephyto.certificate import Certificate
from safelane.ephyto.matching import compact, number_key, parties_key
from safelane.store.filings import add_audit
from safelane.store.schema import certificates as table


@dataclass(frozen=True)
class Stored:
    certificate: Certificate
    warnings: list[dict[str, str]]
    received_at: datetime
    replaced_by: str | None = None
    matched_by: str | None = None  # "reference" (the filing quotes its number) or "parties"

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.certificate.as_dict(),
            "replaced_by": self.replaced_by,
            "warnings": self.warnings,
            "received_at": self.received_at.isoformat(),
            **({"matched_by": self.matched_by} if self.matched_by else {}),
        }


def _stored(row: Any, matched_by: str | None = None) -> Stored:
    certificate = Certificate.from_dict(row.data)
    if row.status != certificate.status:  # replaced after it arrived
        certificate = replace(certificate, status=row.status)
    return Stored(certificate, row.warnings, row.received_at, row.replaced_by, matched_by)


def save(
    conn: sa.Connection, certificate: Certificate, warnings: list[Problem], xml: bytes, *, at: datetime, actor: str
) -> tuple[Stored, bool]:
    """Keep the certificate; (stored, True) when new or changed, (stored, False) for a replay of the same XML."""
    digest = hashlib.sha256(xml).hexdigest()
    country = certificate.issuing_country or ""
    key = sa.and_(table.c.certificate_id == certificate.certificate_id, table.c.issuing_country == country)
    found = conn.execute(sa.select(table).where(key)).first()
    if found is not None and found.sha256 == digest:
        return _stored(found), False
    replaced_by = found.replaced_by if found is not None else None
    status = "replaced" if replaced_by and certificate.status == "issued" else certificate.status
    row = {
        "number_key": number_key(certificate.certificate_id),
        "status": status,
        "replaces": certificate.replaces,
        "replaced_by": replaced_by,
        "parties_key": parties_key(
            certificate.consignor.name if certificate.consignor else None,
            certificate.consignee.name if certificate.consignee else None,
        ),
        "sha256": digest,
        "data": certificate.as_dict(),
        "warnings": [w.as_dict() for w in warnings],
        "xml": xml.decode("utf-8", errors="replace"),
        "received_at": at,
        "received_by": actor,
    }
    if found is None:
        conn.execute(table.insert().values(certificate_id=certificate.certificate_id, issuing_country=country, **row))
    else:
        conn.execute(table.update().where(key).values(**row))
    if certificate.replaces and certificate.status == "issued":
        conn.execute(
            table.update()
            .where(
                table.c.certificate_id == certificate.replaces,
                table.c.issuing_country == country,
                table.c.status == "issued",
            )
            .values(status="replaced", replaced_by=certificate.certificate_id)
        )
    detail = {
        "status": status,
        "sha256": digest,
        "warnings": len(warnings),
        "replaces": certificate.replaces,
        "updated": found is not None,
        "issuing_country": country,
    }
    add_audit(conn, at, actor, "certificate.received", certificate.certificate_id, detail)
    stored = conn.execute(sa.select(table).where(key)).one()
    return _stored(stored), True


def get(conn: sa.Connection, certificate_id: str, country: str | None = None) -> list[Stored]:
    """The certificates of this number (of `country` only, when given), by issuing country."""
    query = sa.select(table).where(table.c.certificate_id == certificate_id).order_by(table.c.issuing_country)
    if country is not None:
        query = query.where(table.c.issuing_country == country)
    return [_stored(row) for row in conn.execute(query)]


def references(consignment: Consignment) -> list[str]:
    """The document references the filing declares, compacted: any of them may be a certificate number."""
    return sorted({number_key(d.reference) for d in consignment.documents if compact(d.reference)})


def certificates_for_many(conn: sa.Connection, consignments: Sequence[Consignment]) -> list[list[Stored]]:
    """The certificates of each consignment, in two queries for the batch: those whose number the filing's
    documents quote; for a consignment quoting none of the stored ones, those with its consignor and consignee."""
    refs = {ref for c in consignments for ref in references(c)}
    by_ref: dict[str, list[Any]] = {}
    if refs:
        for row in conn.execute(sa.select(table).where(table.c.number_key.in_(sorted(refs)))):
            by_ref.setdefault(row.number_key, []).append(row)
    keys = [
        parties_key(c.consignor.name if c.consignor else None, c.consignee.name if c.consignee else None)
        for c in consignments
    ]
    wanted = {k for c, k in zip(consignments, keys, strict=True) if k and not any(r in by_ref for r in references(c))}
    by_parties: dict[str, list[Any]] = {}
    if wanted:
        query = sa.select(table).where(table.c.parties_key.in_(sorted(wanted))).order_by(table.c.certificate_id)
        for row in conn.execute(query):
            by_parties.setdefault(row.parties_key, []).append(row)
    found: list[list[Stored]] = []
    for consignment, key in zip(consignments, keys, strict=True):
        quoted = _of_origin(
            consignment, [_stored(row, "reference") for ref in references(consignment) for row in by_ref.get(ref, [])]
        )
        found.append(quoted or [_stored(row, "parties") for row in by_parties.get(key or "", [])])
    return found


def _of_origin(consignment: Consignment, quoted: list[Stored]) -> list[Stored]:
    """Of several certificates under a quoted number, those issued by a country the goods come from or are
    loaded in (the same number from another NPPO is another certificate); all when none is."""
    if len({s.certificate.issuing_country for s in quoted}) < 2:
        return quoted
    origins = {g.origin_country for g in consignment.goods if g.origin_country}
    if consignment.itinerary.loading_country:
        origins.add(consignment.itinerary.loading_country)
    return [s for s in quoted if s.certificate.issuing_country in origins] or quoted


def certificates_for(conn: sa.Connection, consignment: Consignment) -> list[Stored]:
    """The stored certificates the consignment travels with (for re-assessment when a certificate arrives late)."""
    return certificates_for_many(conn, [consignment])[0]

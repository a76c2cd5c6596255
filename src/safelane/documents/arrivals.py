"""What arrives late and matters to a decision: a certificate or a requested document re-assesses its consignment.

Called after the certificate or document is stored (its own transaction: durable first), through
`Pipeline.reassess`, the one assess → decide → store path. A replay stores nothing and so re-assesses nothing.
"""

import sqlalchemy as sa

from safelane.ephyto.certificate import Certificate
from safelane.ephyto.reader import Read
from safelane.pipeline import Pipeline
from safelane.results import ConsignmentResult
from safelane.store import certificates as certificate_store
from safelane.store import reassessments as reassessment_store
from safelane.store.certificates import Stored, certificates_for_many


def keep_certificate(pipeline: Pipeline, found: Read, xml: bytes, *, actor: str) -> tuple[Stored, bool]:
    """Store a certificate as read (committed when this returns); (stored, False) for a replay of the same XML.
    Two arrivals of one new number at once (the API and the Hub intake): the second finds the first's row."""
    db = pipeline.store
    if db is None:
        raise RuntimeError("certificates are kept in the store; this pipeline has none")
    for attempt in (1, 2):
        try:
            with db.write() as conn:
                return certificate_store.save(
                    conn, found.certificate, found.warnings, xml, at=pipeline.clock(), actor=actor
                )
        except sa.exc.IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def certificate_received(pipeline: Pipeline, certificate: Certificate, *, actor: str) -> list[ConsignmentResult]:
    """Re-assess the open consignments this certificate belongs to (the ePhyto assessor's own link: the number
    a filing quotes, else consignor and consignee)."""
    db = pipeline.store
    if db is None:
        return []
    consignor = certificate.consignor.name if certificate.consignor else None
    consignee = certificate.consignee.name if certificate.consignee else None
    with db.read() as conn:
        since = reassessment_store.window(pipeline.clock())
        candidates = reassessment_store.open_with_certificate(
            conn, certificate.certificate_id, consignor, consignee, since=since
        )
        if not candidates:
            return []
        found = reassessment_store.current(conn, candidates)
        linked = certificates_for_many(conn, [c.lodgement.consignment for c in found])
    ids = [
        c.lodgement.consignment_id
        for c, stored in zip(found, linked, strict=True)
        if any(_same(s.certificate, certificate) for s in stored)
    ]
    return pipeline.reassess(ids, reason=f"certificate {certificate.certificate_id} received", actor=actor)


def _same(one: Certificate, other: Certificate) -> bool:
    return one.certificate_id == other.certificate_id and one.issuing_country == other.issuing_country


def document_received(
    pipeline: Pipeline, consignment_id: str, document_type: str, document_id: str, *, actor: str
) -> list[ConsignmentResult]:
    """Re-assess the consignment when an agency's "documents" requirement on its current decision asked for this
    document type (customs' own document requests are answered by attaching; they do not change a decision)."""
    db = pipeline.store
    if db is None:
        return []
    with db.read() as conn:
        found = reassessment_store.current(conn, [consignment_id])
    asked = {d for c in found for r in c.requirements if r["action"] == "documents" for d in r["documents"]}
    if document_type not in asked:
        return []
    return pipeline.reassess([consignment_id], reason=f"document {document_type} received ({document_id})", actor=actor)

"""The ePhyto check: compare each consignment with the stored certificates it travels with.

Findings belong to plant health (`Finding.agency`): a mismatch is theirs to act on, so it scores and names each
field, and floors nothing for customs. A consignment with no stored certificate gets no finding here: whether
its goods need one is the plant-health agency's own rule. A certificate that arrives after the decision changes
nothing by itself; the documents flow re-assesses with `safelane.store.certificates.certificates_for`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from safelane.domain import Finding, Lodgement
from safelane.ephyto import PLANT_HEALTH
from safelane.ephyto.matching import compare
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.store import Database
from safelane.store.certificates import Stored, certificates_for_many

EPHYTO = "ephyto"
MISMATCH, MATCH = "EPHYTO-MISMATCH", "EPHYTO-MATCH"
MISMATCH_SCORE = 40.0
RULES_VERSION = "1"


def finding(consignment_lodgement: Lodgement, stored: Stored) -> Finding:
    certificate = stored.certificate
    mismatches = compare(certificate, consignment_lodgement.consignment)
    evidence: dict[str, Any] = {
        "certificate_id": certificate.certificate_id,
        "issuing_country": certificate.issuing_country or "",
        "status": certificate.status,
        "matched_by": stored.matched_by or "",
        "schema_warnings": len(stored.warnings),
    }
    if not mismatches:  # holds nothing by itself: it releases what asked for this certificate (requirements.py)
        return Finding(
            EPHYTO,
            MATCH,
            0.0,
            f"Phytosanitary certificate {certificate.certificate_id} matches the consignment.",
            {**evidence, "requirement": "release"},
            agency=PLANT_HEALTH,
        )
    evidence["mismatches"] = [{"field": m.field, "filed": m.filed, "certified": m.certified} for m in mismatches]
    return Finding(
        EPHYTO,
        MISMATCH,
        MISMATCH_SCORE,
        f"Phytosanitary certificate {certificate.certificate_id} disagrees with the filing: "
        + "; ".join(m.sentence() for m in mismatches)
        + ".",
        evidence,
        agency=PLANT_HEALTH,
    )


class CertificateAssessor:
    name = EPHYTO

    def __init__(self, db: Database):
        self.db = db
        self._used = False

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        with self.db.read() as conn:
            found = certificates_for_many(conn, [lodgement.consignment for lodgement in lodgements])
        self._used = any(found)
        return [[finding(lodgement, s) for s in stored] for lodgement, stored in zip(lodgements, found, strict=True)]

    def versions(self) -> Mapping[str, str]:
        return {EPHYTO: RULES_VERSION} if self._used else {}


def _build(context: AssessorContext) -> CertificateAssessor | None:
    """Over the stored certificates: nothing to compare without a database."""
    return CertificateAssessor(context.db) if context.db is not None else None


SPEC = AssessorSpec(EPHYTO, "Phytosanitary certificates (ePhyto)", _build, order=70, evidence="findings/ephyto.html")

"""The demo's filers answer plant health's requests for a phytosanitary certificate, as paperless documents.

About three in five send the certificate (a PDF, document type N851) some hours after the request: that closes
the request and re-assesses the consignment, and plant health's requirement becomes a release. The others never
answer, so their requests stay open in the agency's queue. Which ones answer is drawn from the seed and the
consignment, so the same seed and now give the same demo.
"""

import io
import random
from collections import Counter
from datetime import datetime, timedelta

import pikepdf
import sqlalchemy as sa

from safelane.demo.timeline import _fixed
from safelane.documents import arrivals
from safelane.documents import attach as attaching
from safelane.documents.stores import DatabaseDocuments
from safelane.pipeline import Pipeline
from safelane.scope import Scope
from safelane.store import Database
from safelane.store.schema import agency_requirements, decisions, documents

ANSWERED = 0.6  # the share of requests a filer answers
DELAY = timedelta(hours=3)  # from the request to the filer's document
DOCUMENT = "N851"  # the phytosanitary certificate (WCO Data Model / TARIC code)
MAX_BYTES = 10_000_000


def certificate_pdf() -> bytes:
    """A one-page PDF standing in for a scanned certificate (the demo checks it as any upload is checked)."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    document.save(out, static_id=True)  # no random file identifier: the same bytes every run
    return out.getvalue()


def _requests(db: Database, until: datetime) -> list[tuple[str, str, datetime]]:
    """(consignment, filer, decided at) of current decisions by `until` whose plant-health requirement asks for
    the certificate and that no attached certificate answers yet."""
    answered = sa.select(documents.c.consignment_id).where(documents.c.document_type == DOCUMENT)
    query = (
        sa.select(decisions.c.consignment_id, decisions.c.filer, decisions.c.decided_at)
        .join(agency_requirements, agency_requirements.c.decision_id == decisions.c.decision_id)
        .where(
            decisions.c.current.is_(True),
            decisions.c.decided_at <= until,
            agency_requirements.c.agency == "plant_health",
            agency_requirements.c.action == "documents",
            decisions.c.consignment_id.not_in(answered),
        )
        .order_by(decisions.c.decided_at, decisions.c.consignment_id)
    )
    with db.read() as conn:
        return [(r.consignment_id, r.filer, r.decided_at) for r in conn.execute(query)]


def answer(db: Database, pipeline: Pipeline, *, now: datetime, seed: int) -> Counter[str]:
    """Have the filers answer the requests whose answer time has come by `now`; how many were answered."""
    done: Counter[str] = Counter()
    pdf = certificate_pdf()
    clock = pipeline.clock
    try:
        for consignment_id, filer, decided_at in _requests(db, now - DELAY):
            if random.Random(f"safelane-demo-documents:{seed}:{consignment_id}").random() >= ANSWERED:
                continue  # this filer never answers: the same draw every pass
            at = decided_at + DELAY
            attached = attaching.attach(
                db,
                DatabaseDocuments(),
                consignment_id,
                pdf,
                "application/pdf",
                document_type=DOCUMENT,
                filename="phytosanitary-certificate.pdf",
                scope=Scope.of(filer, "filer", filer=filer),
                at=at,
                max_bytes=MAX_BYTES,
            )
            pipeline.clock = _fixed(at)  # the re-assessment happens when the document arrived
            arrivals.document_received(
                pipeline, consignment_id, DOCUMENT, attached.document["document_id"], actor=filer
            )
            done["certificate requests answered"] += 1
    finally:
        pipeline.clock = clock
    return done

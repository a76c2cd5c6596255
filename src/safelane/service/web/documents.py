"""The consignment page's documents: what the filer attached, the ePhyto certificates it travels with, and the
download of a document through the officer's own scope (the same check as the API's).

The page includes `consignment_documents.html`; `papers` gives it its rows. An agency officer is given only the
document types its need-to-know allows (safelane.agencies.need_to_know.opens) and no ePhyto certificates unless
it may open phytosanitary certificates. A download outside the officer's scope, of a type its agency may not
open, or of another consignment's document, is "no such document" (404), as for one that does not exist.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.agencies import need_to_know
from safelane.cases.case import CaseFile
from safelane.documents import attach as attaching
from safelane.documents.stores import stores
from safelane.domain import Consignment
from safelane.ephyto.matching import compare
from safelane.scope import Scope
from safelane.service.api import get_system
from safelane.service.web.render import not_found
from safelane.service.web.signin import OfficerDep
from safelane.store import certificates as certificate_store
from safelane.store import documents as document_store
from safelane.system import StoredSystem

router = APIRouter()
PHYTO = "N851"  # the document code of a phytosanitary certificate: who may open one may read the ePhytos


def papers(system: StoredSystem, case: CaseFile, scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """The documents attached to the consignment that `scope` may open (oldest first) and the certificates
    matched to its shown version, each with its disagreements (none: it matches)."""
    consignment = Consignment.model_validate(case.shown["data"])
    with system.db.read() as conn:
        rows = attaching.listed(conn, case.consignment_id, scope)
        found = certificate_store.certificates_for(conn, consignment) if need_to_know.opens(scope, PHYTO) else []
    documents = [
        {**document_store.shown(r), "href": f"/consignments/{case.consignment_id}/documents/{r['document_id']}"}
        for r in rows
    ]
    certificates = [
        {
            "certificate_id": s.certificate.certificate_id,
            "issuing_country": s.certificate.issuing_country or "",
            "status": s.certificate.status,
            "matched_by": s.matched_by or "",
            "warnings": len(s.warnings),
            "mismatches": [m.sentence() for m in compare(s.certificate, consignment)],
        }
        for s in found
    ]
    return {"documents": documents, "certificates": certificates}


@router.get("/consignments/{consignment_id}/documents/{document_id}")
def download(request: Request, consignment_id: str, document_id: str, officer: OfficerDep) -> Response:
    """The document's bytes as checked, for an officer who sees its consignment."""
    system = get_system(request)
    missing = f"There is no document {document_id} on consignment {consignment_id}."
    try:
        row, data = attaching.read(system.db, stores(system.settings.documents_dir), document_id, officer.scope)
    except attaching.NotVisible:
        return not_found(request, officer, missing)
    except LookupError as error:
        return Response(str(error), status_code=503, media_type="text/plain")
    if row["consignment_id"] != consignment_id:
        return not_found(request, officer, missing)
    detail = attaching.viewed(row, "workbench", officer.role)
    request.app.state.reads.record(officer.name, "document.read", document_id, detail)
    return Response(
        data,
        media_type=row["media_type"],
        headers={
            "ETag": f'"{row["sha256"]}"',
            "Content-Disposition": f'attachment; filename="{row["filename"] or document_id}"',
            "X-Content-Type-Options": "nosniff",
        },
    )

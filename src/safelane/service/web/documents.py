"""The consignment page's documents: what the filer attached, the ePhyto certificates it travels with, and the
download of a document through the officer's own scope (the same check as the API's).

The page includes `consignment_documents.html`; `papers` gives it its rows. A download outside the officer's
scope, or of another consignment's document, is "no such document" (404), as for one that does not exist.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.cases.case import CaseFile
from safelane.documents import attach as attaching
from safelane.documents.stores import stores
from safelane.domain import Consignment
from safelane.ephyto.matching import compare
from safelane.service.api import get_system
from safelane.service.web.render import not_found
from safelane.service.web.signin import OfficerDep
from safelane.store import certificates as certificate_store
from safelane.store import documents as document_store
from safelane.system import StoredSystem

router = APIRouter()


def papers(system: StoredSystem, case: CaseFile) -> dict[str, list[dict[str, Any]]]:
    """The documents attached to the consignment (oldest first) and the certificates matched to its shown
    version, each with its disagreements (none: it matches)."""
    consignment = Consignment.model_validate(case.shown["data"])
    with system.db.read() as conn:
        rows = document_store.of_consignment(conn, case.consignment_id)
        found = certificate_store.certificates_for(conn, consignment)
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
    if officer.is_agency:  # attached documents are customs' on the workbench (the page does not list them)
        return not_found(request, officer, missing)
    try:
        row, data = attaching.read(system.db, stores(system.settings.documents_dir), document_id, officer.scope)
    except attaching.NotVisible:
        return not_found(request, officer, missing)
    except LookupError as error:
        return Response(str(error), status_code=503, media_type="text/plain")
    if row["consignment_id"] != consignment_id:
        return not_found(request, officer, missing)
    request.app.state.reads.record(officer.name, "document.read", document_id, {"via": "workbench"})
    return Response(
        data,
        media_type=row["media_type"],
        headers={
            "ETag": f'"{row["sha256"]}"',
            "Content-Disposition": f'attachment; filename="{row["filename"] or document_id}"',
            "X-Content-Type-Options": "nosniff",
        },
    )

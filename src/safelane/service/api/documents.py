"""Paperless documents over the API: a filer attaches PDFs, signed XML and images to its consignments.

The body is the file itself, with its Content-Type (no multipart: one request, one document); the query says
which document it is (`type`: a document request's vocabulary or an agency's document code) and, optionally,
its file name. The filer of the consignment and customs read the documents, and an agency officer those of the
types its need-to-know allows (agencies.yaml `documents:`) on a consignment in its scope; anyone else gets 404, as
for a consignment that does not exist. Every listing and every download is an audit event (who, which, how).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from safelane.documents import arrivals
from safelane.documents import attach as attaching
from safelane.documents.checks import MEDIA_TYPES, DocumentRefused
from safelane.documents.stores import store_for, stores
from safelane.domain import Problem
from safelane.service.api import JsonResponse, SystemDep, not_found
from safelane.service.auth import CurrentUser
from safelane.service.errors import ApiError
from safelane.store import documents as document_store

router = APIRouter(tags=["documents"])

DOCUMENT_TYPE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
FILENAME = r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,119}$"
NOT_YOURS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such consignment or document (or not yours, or another office's)"},
}
ATTACHING: dict[int | str, dict[str, Any]] = {
    200: {"description": "The same bytes were attached to this consignment before: the stored document"},
    400: {"description": "The client went away before the body was complete"},
    **NOT_YOURS,
    413: {"description": "Larger than the document size limit (SAFELANE_DOCUMENT_MAX_BYTES)"},
    415: {"description": f"Content-Type is not one of {', '.join(MEDIA_TYPES)}"},
    422: {"description": "The file is malformed, encrypted, damaged or unsigned; the problem says which"},
}
BODY = {
    "requestBody": {
        "required": True,
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MEDIA_TYPES},
    }
}


async def _read(request: Request, limit: int) -> bytes:
    too_large = ApiError(413, [Problem("body", "too_large", f"a document has at most {limit:,} bytes")])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large
    except ClientDisconnect:
        raise ApiError(
            400, [Problem("body", "incomplete", "the client went away before the file was complete")]
        ) from None
    return bytes(body)


@router.post(
    "/v1/consignments/{consignment_id}/documents",
    status_code=201,
    responses=ATTACHING,
    openapi_extra=BODY,
)
async def attach(
    consignment_id: str,
    request: Request,
    user: CurrentUser,
    system: SystemDep,
    type: Annotated[
        str, Query(pattern=DOCUMENT_TYPE, description="which document: commercial_invoice, N851, ...")
    ] = "other",
    filename: Annotated[str | None, Query(pattern=FILENAME, description="the file's name, as shown")] = None,
) -> JsonResponse:
    """Attach one document (the body, with its Content-Type) to a consignment. It answers the consignment's
    open RFI and counts against the documents customs or an agency asked for; `outstanding` lists what is still
    missing. 201 when stored (durable before the answer), 200 when the same bytes were attached before."""
    limit = system.settings.document_max_bytes
    data = await _read(request, limit)
    try:
        done = await run_in_threadpool(
            attaching.attach,
            system.db,
            store_for(system.settings.documents_dir),
            consignment_id,
            data,
            request.headers.get("content-type"),
            document_type=type,
            filename=filename,
            scope=user.scope,
            at=system.pipeline.clock(),
            max_bytes=limit,
        )
    except DocumentRefused as error:
        raise ApiError(error.status, [error.problem]) from None
    except attaching.NotVisible:
        raise not_found("consignment", consignment_id, "consignment_id") from None
    # a document an agency asked for re-assesses the consignment (its requirement may release); again on a replay,
    # which changes nothing unless the first re-assessment failed after the document was stored
    document = done.document
    await run_in_threadpool(
        arrivals.document_received,
        system.pipeline,
        consignment_id,
        document["document_type"],
        document["document_id"],
        actor=user.name,
    )
    with system.db.read() as conn:
        missing = attaching.outstanding(conn, consignment_id)
    return JsonResponse({"document": done.document, "outstanding": missing}, status_code=201 if done.created else 200)


@router.get("/v1/consignments/{consignment_id}/documents", responses=NOT_YOURS)
def listing(consignment_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """The consignment's documents, oldest first, and the requested document types still outstanding (for an
    agency officer: of the types its agency may open)."""
    with system.db.read() as conn:
        try:
            rows = attaching.listed(conn, consignment_id, user.scope)
        except attaching.NotVisible:
            raise not_found("consignment", consignment_id, "consignment_id") from None
        missing = attaching.outstanding(conn, consignment_id, user.scope)
    shown = [r["document_id"] for r in rows]
    request.app.state.reads.record(
        user.name, "documents.listed", consignment_id, {"via": "api", "role": user.role, "documents": shown}
    )
    return JsonResponse(
        {
            "consignment_id": consignment_id,
            "documents": [document_store.shown(r) for r in rows],
            "outstanding": missing,
        }
    )


@router.get(
    "/v1/documents/{document_id}",
    responses={
        200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MEDIA_TYPES}},
        **NOT_YOURS,
        503: {"description": "The document store does not hold the bytes (a file store not mounted)"},
    },
    response_class=Response,
)
def download(document_id: str, request: Request, user: CurrentUser, system: SystemDep) -> Response:
    """The document's bytes with the type it was checked as; its SHA-256 in the ETag."""
    try:
        row, data = attaching.read(system.db, stores(system.settings.documents_dir), document_id, user.scope)
    except attaching.NotVisible:
        raise not_found("document", document_id, "document_id") from None
    except LookupError as error:
        raise ApiError(503, [Problem("document_id", "unavailable", str(error))]) from None
    request.app.state.reads.record(user.name, "document.read", document_id, attaching.viewed(row, "api", user.role))
    name = row["filename"] or f"{document_id}"
    return Response(
        data,
        media_type=row["media_type"],
        headers={
            "ETag": f'"{row["sha256"]}"',
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )

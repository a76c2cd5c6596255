"""ePhyto certificates over the API: an NPPO's phytosanitary certificate in, and read back by its number.

Officers post what their plant-health colleagues or the Hub client received (customs officers now; the
plant-health agency's own users with the agency register, docs/ephyto.md). Certificates are national documents
addressed to the importing country, not to one office, so every officer may read one; which consignment it
belongs to is decided at assessment, under the consignment's own scope.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from safelane.documents import arrivals
from safelane.domain import InvalidMessage, Problem
from safelane.ephyto.reader import read
from safelane.service.api import JsonResponse, SystemDep
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.store import certificates as store
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/certificates", tags=["certificates"])

BODY = {
    "requestBody": {
        "required": True,
        "description": "An UN/CEFACT SPSCertificate:17 document, or an IPPC ePhyto Hub Envelope carrying one",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}
OFFICERS: dict[int | str, dict[str, Any]] = {403: {"description": "Only officers handle certificates"}}
ANSWERS: dict[int | str, dict[str, Any]] = {
    **OFFICERS,
    200: {"description": "The same certificate XML was already stored: the stored certificate, unchanged"},
    201: {"description": "Stored (new, or the NPPO's update of the number); `warnings` lists schema errors"},
    413: {"description": "The body is larger than the configured limit"},
    422: {"description": "Not a readable certificate: `problems` locates each defect; nothing kept"},
}
CertificateId = Annotated[str, Path(min_length=1, max_length=70)]


def _officer(user: User) -> None:
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "certificates are for officers")])


def _save(system: StoredSystem, user: User, body: bytes) -> tuple[dict[str, Any], bool]:
    try:
        found = read(body)
    except InvalidMessage as error:
        raise ApiError(422, error.problems) from None
    stored, changed = arrivals.keep_certificate(system.pipeline, found, body, actor=user.name)
    # the consignments it belongs to are re-assessed; a replay changes nothing there, unless a re-assessment
    # failed after the certificate was stored, which the sender's retry thus completes
    arrivals.certificate_received(system.pipeline, stored.certificate, actor=user.name)
    return stored.as_dict(), changed


@router.post("", status_code=201, responses=ANSWERS, openapi_extra=BODY)
async def post_certificate(request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Store one ePhyto certificate. A schema error is a warning (listed, certificate kept); only a certificate
    that cannot be read (not XML, no number, type, status or consignment) is refused with located problems."""
    _officer(user)
    body = await request.body()
    if len(body) > system.settings.max_body_bytes:
        raise ApiError(413, [Problem("body", "too_large", f"at most {system.settings.max_body_bytes} bytes")])
    found, changed = await run_in_threadpool(_save, system, user, body)
    return JsonResponse(found, status_code=201 if changed else 200)


READING: dict[int | str, dict[str, Any]] = {
    **OFFICERS,
    404: {"description": "No certificate of this number (and issuing country, when given)"},
    409: {"description": "Several NPPOs issued this number: name the issuing `country`"},
}


@router.get("/{certificate_id}", responses=READING)
def get_certificate(
    certificate_id: CertificateId,
    user: CurrentUser,
    system: SystemDep,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Z]{2}$", description="the issuing country (ISO 3166-1 alpha-2)")
    ] = None,
) -> JsonResponse:
    """The certificate as read (status, parties, commodities, transport), its schema warnings and replacement.
    A certificate is identified by its number and issuing country; the number alone does when it is unique."""
    _officer(user)
    with system.db.read() as conn:
        found = store.get(conn, certificate_id, country)
    if not found:
        raise ApiError(404, [Problem("path.certificate_id", "not_found", f"no certificate {certificate_id!r}")])
    if len(found) > 1:
        countries = ", ".join(s.certificate.issuing_country or "" for s in found)
        message = f"certificate {certificate_id!r} was issued by several countries ({countries}): name the country"
        raise ApiError(409, [Problem("query.country", "ambiguous", message)])
    return JsonResponse(found[0].as_dict())

"""Filings: submit, amend, withdraw, list and read. Every write goes through the pipeline.

The body is the message itself, in any standard of `formats.registry` (recognised by content), so
it is read raw, with the size limit enforced while reading: a chunked upload is never buffered
past `max_body_bytes`. The pipeline commits before it returns, so an answer means the filing is
durable; a rejected message leaves only its `filing.rejected` audit event.
"""

import base64
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from safelane import formats
from safelane.deferred import Envelope
from safelane.domain import Filing, InvalidMessage, Problem
from safelane.resilience.forward import Forwarder
from safelane.resilience.spool import SpoolFull
from safelane.results import FilingResult
from safelane.service.api import (
    JsonResponse,
    MetricsDep,
    PageDep,
    SystemDep,
    get_metrics,
    get_system,
    not_found,
    one_of,
)
from safelane.service.auth import CurrentUser, FilerUser, User
from safelane.service.errors import ApiError
from safelane.service.metrics import Metrics
from safelane.store import filings as filing_store
from safelane.store.database import OUTAGES
from safelane.stream.intake import Intake, StreamUnavailable
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/filings", tags=["filings"])
log = logging.getLogger("safelane.service")

FormatQuery = Annotated[
    str | None,
    Query(
        description=f"one of {', '.join(s.name for s in formats.standards())}; detected from the content when absent",
        json_schema_extra=one_of(s.name for s in formats.standards()),
    ),
]

MESSAGE = {
    "requestBody": {
        "required": True,
        "description": "The message as sent, in any of: "
        + "; ".join(s.title for s in formats.standards())
        + ". Any `filer` in it is replaced by the caller's organisation.",
        "content": {
            s.media_type: {"schema": {"type": "object" if s.name == "json" else "string"}} for s in formats.standards()
        },
    }
}
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "Every filing was already stored with this content: the stored answer, unchanged"},
    201: {"description": "Accepted and stored; `filings[].consignments[]` carries each decision"},
    202: {"description": "The store is down: received and spooled on disk, assessment pending (see `Location`)"},
    409: {"description": "Conflict: the version exists with other content, is stale, or the filing was withdrawn"},
    413: {"description": "The message is larger than the configured limit"},
    422: {"description": "The message is invalid: `problems` lists each defect with its location"},
}


class _TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


async def _read_limited(request: Request, limit: int) -> bytes:
    """Read the body, refusing it as soon as it is known to exceed `limit` (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge(int(declared))
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _TooLarge(len(body))
    except ClientDisconnect:  # nobody is left to answer; say so in the log rather than as a server error
        raise ApiError(
            400, [Problem("$", "incomplete", "the client went away before the message was complete")]
        ) from None
    return bytes(body)


def _format_label(format: str | None, body: bytes) -> str:
    """A bounded metrics label: a known format name, else 'unknown' (never the caller's free text)."""
    if format is not None:
        return format if format in formats.by_name() else "unknown"
    try:
        return formats.detect(body)
    except InvalidMessage:
        return "unknown"


def _audit_rejection(system: StoredSystem, user: User, problems: list[Problem], size: int) -> None:
    # A rejection found here rather than in the parser is audited the way the pipeline audits its own.
    system.pipeline.reject(user.name, problems, size)


async def _receive(request: Request, system: StoredSystem, metrics: Metrics, user: User, format: str | None) -> bytes:
    limit = system.settings.max_body_bytes
    try:
        return await _read_limited(request, limit)
    except _TooLarge as error:
        problem = Problem("$", "too_large", f"the message exceeds the limit of {limit} bytes; split the batch")
        await run_in_threadpool(_audit_rejection, system, user, [problem], error.size)
        metrics.rejected(_format_label(format, b""))
        raise ApiError(413, [problem]) from None


def _answer(results: list[FilingResult]) -> JsonResponse:
    """201 if anything new was stored, else 409 if anything conflicted, else 200 (a pure replay)."""
    statuses = {r.status for r in results}
    status = 201 if "accepted" in statuses else 409 if "conflict" in statuses else 200
    body: dict = {"filings": [r.as_dict() for r in results]}
    many = len(results) > 1
    problems = [
        Problem(f"[{i}].{p.location}" if many else p.location, p.code, p.message)
        for i, r in enumerate(results)
        for p in r.problems
    ]
    if problems:
        body["problems"] = [p.as_dict() for p in problems]
    single = results[0] if len(results) == 1 else None
    headers = {"Location": f"{router.prefix}/{single.filing_id}"} if single and single.filing_id else None
    return JsonResponse(body, status, headers)


@router.post("", openapi_extra=MESSAGE, responses=ANSWERS, status_code=201)
async def submit(request: Request, user: FilerUser, format: FormatQuery = None) -> JsonResponse:
    """Submit filings. Sending the same document number and version again is safe: same answer, nothing new.

    While the store is down (and a spool is configured) a valid message is spooled and answered 202 with a
    receipt; `GET /v1/receipts/{receipt_id}` gives the decisions once the store has them."""
    # read from the app, not as dependencies: the busiest route, and each dependency FastAPI resolves per request
    # costs more CPU than spooling the filing does (docs/store-and-forward.md)
    system, metrics = get_system(request), get_metrics(request)
    body = await _receive(request, system, metrics, user, format)
    label = _format_label(format, body)
    if format is None and label != "unknown":
        format = label  # detected once here: parsing need not detect it again
    forwarder: Forwarder | None = request.app.state.forwarder
    stream: Intake | None = request.app.state.stream
    try:
        if stream is not None:
            return await _queue(stream, system, user, body, format)
        if forwarder is not None and forwarder.active:
            return await _spool(forwarder, user, body, format)
        try:
            results = await run_in_threadpool(
                system.pipeline.submit_message, body, filer=user.filer, actor=user.name, format=format
            )
        except OUTAGES as error:
            if forwarder is None:
                raise
            forwarder.store_down(error)
            return await _spool(forwarder, user, body, format)
    except InvalidMessage as error:
        metrics.rejected(label)
        raise ApiError(422, error.problems) from None
    metrics.received(label, results)
    return _answer(results)


INLINE_PARSE_BYTES = 64 * 1024  # a message this small is parsed on the event loop (tens of µs), larger in a thread


async def _parsed(body: bytes, *, format: str | None, filer: str | None) -> list[Filing]:
    if len(body) <= INLINE_PARSE_BYTES:
        return formats.parse(body, format=format, filer=filer)
    return await run_in_threadpool(formats.parse, body, format=format, filer=filer)


async def _queue(stream: Intake, system: StoredSystem, user: User, body: bytes, format: str | None) -> JsonResponse:
    """Stream mode: validate, publish to the JetStream work queue, answer 202 once JetStream has stored it.

    A small message is parsed on the event loop: the hop to a worker thread and back cost more than the parse
    and stalled the loop's NATS writes on the GIL (docs/deployment.md); a rejection is audited in a thread."""
    try:
        batch = await _parsed(body, format=format, filer=user.filer)
    except InvalidMessage as error:
        await run_in_threadpool(system.pipeline.reject, user.name, error.problems, len(body))
        raise
    envelope = Envelope.new(body, filer=user.filer, actor=user.name, format=format, at=system.pipeline.clock())
    try:
        await stream.accept(envelope)
    except StreamUnavailable as error:
        raise ApiError(
            503, [Problem("$", "unavailable", f"{error}; send it again shortly")], {"Retry-After": "5"}
        ) from None
    return _later(envelope, batch, "queued for the workers")


async def _spool(forwarder: Forwarder, user: User, body: bytes, format: str | None) -> JsonResponse:
    """Validate, spool (on disk before this returns) and answer 202 with the receipt to ask about later."""
    try:
        batch = await _parsed(body, format=format, filer=user.filer)
    except InvalidMessage as error:  # the store cannot take the rejection's audit event now: log it
        log.info("rejected_while_spooling", extra={"fields": {"actor": user.name, "problems": len(error.problems)}})
        raise
    try:
        envelope = await forwarder.accept_async(body, filer=user.filer, actor=user.name, format=format)
    except SpoolFull as error:
        raise ApiError(
            503, [Problem("$", "spool_full", f"{error}; send it again later")], {"Retry-After": "60"}
        ) from None
    return _later(envelope, batch, "the store is catching up")


def _later(envelope: Envelope, batch: list[Filing], why: str) -> JsonResponse:
    """202: received and durable, the decisions follow at the receipt's address."""
    location = f"/v1/receipts/{envelope.receipt_id}"
    return JsonResponse(
        {
            "receipt_id": envelope.receipt_id,
            "status": "pending",
            "message": f"received, assessment pending: {why}; {location} gives the decisions",
            "received_at": envelope.received_at.isoformat(),
            "filings": [{"document_number": f.document_number, "version": f.version} for f in batch],
        },
        202,
        {"Location": location},
    )


def _amend(system: StoredSystem, user: User, filing_id: str, body: bytes, format: str | None) -> list[FilingResult]:
    with system.db.read() as conn:
        found = filing_store.visible_filing(conn, filing_id, user.scope)
    if found is None:
        raise not_found("filing", filing_id, "filing_id")
    row = found[0]
    batch = system.pipeline.parse(body, filer=user.filer, format=format, actor=user.name)
    problems = []
    if len(batch) != 1:
        problems = [Problem("$", "not_one_filing", f"an amendment carries one filing; this message has {len(batch)}")]
    elif batch[0].document_number != row["document_number"]:
        problems = [
            Problem(
                "document_number",
                "other_document",
                f"filing {filing_id} is document {row['document_number']}, not {batch[0].document_number}",
            )
        ]
    if problems:
        _audit_rejection(system, user, problems, len(body))
        raise InvalidMessage(problems)
    filing = batch[0]
    if "version" not in filing.model_fields_set:  # the pipeline assigns the next version
        filing = filing.model_copy(update={"amends": filing_id})
    return system.pipeline.submit([filing], actor=user.name, raw=body)


@router.post("/{filing_id}/amendments", openapi_extra=MESSAGE, responses=ANSWERS, status_code=201)
async def amend(
    filing_id: str,
    request: Request,
    user: FilerUser,
    system: SystemDep,
    metrics: MetricsDep,
    format: FormatQuery = None,
) -> JsonResponse:
    """File a new version of a filing (same document number). Without a version, the next one is assigned.

    An open RFI is answered by the amendment; an open RFS, DNL or control selection carries over to it.
    """
    body = await _receive(request, system, metrics, user, format)
    label = _format_label(format, body)
    try:
        results = await run_in_threadpool(_amend, system, user, filing_id, body, format)
    except InvalidMessage as error:
        metrics.rejected(label)
        raise ApiError(422, error.problems) from None
    metrics.received(label, results)
    return _answer(results)


@router.post(
    "/{filing_id}/withdraw",
    responses={
        403: {"description": "The filing also holds consignments of offices other than the officer's"},
        404: {"description": "No such filing (or none of it is yours)"},
    },
)
def withdraw(filing_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Withdraw a filing (a filer its own; customs one wholly in their scope); its open referrals and selections
    close."""
    try:
        row = system.pipeline.withdraw(filing_id, scope=user.scope)
    except LookupError:
        raise not_found("filing", filing_id, "filing_id") from None
    except PermissionError:
        message = f"filing {filing_id} also holds consignments of other offices; their officers decide on those"
        raise ApiError(403, [Problem("filing_id", "forbidden", message)]) from None
    return JsonResponse({"filing": row})


@router.get("")
def list_filings(user: CurrentUser, system: SystemDep, page: PageDep) -> JsonResponse:
    """Filings, most recently changed first: a filer's own; for an officer posted to an office, those with a
    consignment there."""
    with system.db.read() as conn:
        rows = filing_store.list_filings(conn, scope=user.scope, limit=page.limit, offset=page.offset)
    return JsonResponse({"filings": rows, "limit": page.limit, "offset": page.offset})


def _visible(conn: Any, filing_id: str, user: User) -> tuple[dict[str, Any], frozenset[str] | None]:
    """The filing and the part of it this user sees; the same 404 as for an id that does not exist when none."""
    found = filing_store.visible_filing(conn, filing_id, user.scope)
    if found is None:
        raise not_found("filing", filing_id, "filing_id")
    return found


def _audit_read(request: Request, user: User, filing_id: str, what: str, current: list[Any]) -> None:
    """An officer's read of a filing is a read of its consignments: audited with their ids."""
    if user.is_officer:
        detail = {"via": "api", "what": what, "consignments": [c.consignment_id for c in current]}
        request.app.state.reads.record(user.name, "filing.read", filing_id, detail)


@router.get("/{filing_id}")
def get_filing(filing_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """One filing: every version as received, and the decisions on its current consignments. An officer posted
    to an office gets its part only: that office's consignments, and no raw message (it holds the others)."""
    with system.db.read() as conn:
        row, part = _visible(conn, filing_id, user)
        versions = [_as_received(v) for v in filing_store.versions_of(conn, filing_id, only=part)]
        current = filing_store.results_of(conn, filing_id, row["current_version"], as_first_given=False, only=part)
    _audit_read(request, user, filing_id, "filing", current)
    return JsonResponse({"filing": row, "versions": versions, "consignments": [c.as_dict() for c in current]})


def _as_received(version: dict[str, Any]) -> dict[str, Any]:
    """The raw message as text when it is text (XML, JSON, EDIFACT), else base64."""
    raw = version.pop("raw", None)
    if raw is not None:
        try:
            version["raw"] = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            version["raw"], version["raw_encoding"] = base64.b64encode(bytes(raw)).decode(), "base64"
    return version


@router.get("/{filing_id}/answer", responses={200: {"content": {a.media_type: {} for a in formats.ANSWERS}}})
def answer(
    filing_id: str,
    request: Request,
    user: CurrentUser,
    system: SystemDep,
    standard: Annotated[
        str | None,
        Query(
            description="answer standard; default: the one that answers the filing's own message type",
            json_schema_extra=one_of(a.name for a in formats.ANSWERS),
        ),
    ] = None,
) -> Response:
    """The decisions on the current version, as they stand, in the filer's standard (XCSN, CSN, CUSRES,
    DMS response, ICS CC328A/CC351A) or JSON; an officer posted to an office reads its consignments only."""
    with system.db.read() as conn:
        row, part = _visible(conn, filing_id, user)
        message_type = filing_store.message_type_of(conn, filing_id, row["current_version"])
        current = filing_store.results_of(conn, filing_id, row["current_version"], as_first_given=False, only=part)
    _audit_read(request, user, filing_id, "answer", current)
    try:
        chosen = formats.answer(standard or formats.answer_standard(message_type))
    except ValueError as error:
        raise ApiError(422, [Problem("standard", "unknown_standard", str(error))]) from None
    result = FilingResult("accepted", row["document_number"], row["current_version"], filing_id, current)
    return Response(chosen.render(result, at=system.pipeline.clock()), media_type=chosen.media_type)

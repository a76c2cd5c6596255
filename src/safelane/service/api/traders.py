"""Trusted traders for supervisors: the register, programmes and MRAs, imports and status changes.

Officers read operators and their authorisations (the status now and its history); supervisors and admins
import register files and change a status with a reason. Filers see nothing here. Every change is audited and
reaches the pipeline's in-memory register at once in this process (within a second in the others).
"""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from safelane.domain import Problem
from safelane.service.api import JsonResponse, SystemDep
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.store import traders as trader_store
from safelane.store import trs as trs_store
from safelane.system import StoredSystem
from safelane.traders import release, reviews
from safelane.traders.authorisation import STATUSES
from safelane.traders.describe import operator_view
from safelane.traders.importing import RegisterFileError, read
from safelane.traders.recognition import packaged

router = APIRouter(prefix="/v1/traders", tags=["traders"])

FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Filers may not read the register; only supervisors and admins change it"}
}


def _officer(user: User) -> None:
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only customs officers see the register")])


def _supervisor(user: User) -> None:
    _officer(user)
    if user.role not in trader_store.CHANGERS:
        raise ApiError(
            403, [Problem("header.Authorization", "forbidden", "only a supervisor or an admin changes the register")]
        )


def register_changed(system: StoredSystem) -> None:
    """The register changed here: the facilitation assessor reloads it before its next batch."""
    for assessor in system.pipeline.engine.assessors:
        refresh = getattr(getattr(assessor, "register", None), "refresh", None)
        if refresh is not None:
            refresh()


@router.get("", responses=FORBIDDEN)
def search(user: CurrentUser, system: SystemDep, q: Annotated[str, Query(max_length=200)] = "") -> JsonResponse:
    """Operators whose name contains `q`, or who carry it as an identifier (50 at most), with status now."""
    _officer(user)
    now = system.pipeline.clock()
    with system.db.read() as conn:
        found = trader_store.search(conn, q)
    return JsonResponse({"operators": [operator_view(o, now) for o in found]})


@router.get("/programmes", responses=FORBIDDEN)
def programmes(user: CurrentUser) -> JsonResponse:
    """The programmes known, the mutual recognition arrangements and the benefits per home type."""
    _officer(user)
    recognition = packaged()
    return JsonResponse(
        {
            "programmes": [asdict(p) for p in recognition.programmes.values()],
            "arrangements": [
                {**asdict(a), "types": sorted(a.types), "benefits": sorted(a.benefits)}
                for a in recognition.arrangements.values()
            ],
            "benefits": [
                {"programme": p, "type": t, **asdict(b)} for (p, t), b in sorted(recognition.home_benefits.items())
            ],
        }
    )


@router.get("/compliance", responses=FORBIDDEN)
def compliance(user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Irregularity rates in the random compliance sample per programme and type and per operator, against
    consignments of no trusted trader, with 95 % Wilson intervals; `flagged` operators await a review. Beside them,
    `release_times`: arrival and lodgement to release per programme and type and mode, against the peers."""
    _officer(user)
    with system.db.read() as conn:
        measures = reviews.compliance_report(conn)
        released = release.release_times(trs_store.release_stamps(conn))
    return JsonResponse({"measures": measures, "release_times": released})


@router.get("/reviews", responses=FORBIDDEN)
def open_reviews(user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Flagged operators awaiting a supervisor's decision (never reviewed, or flagged again on more inspections
    than the last decision was taken on: `previous` is that decision)."""
    _officer(user)
    with system.db.read() as conn:
        rows = reviews.open_reviews(conn)
    return JsonResponse({"reviews": [{**row, "previous": row["review"]} for row in rows]})


def _review(system: StoredSystem, operator_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    problems = [Problem(k, "unknown_field", "unknown field") for k in sorted(set(body) - {"decision", "reason"})]
    problems += [Problem(k, "not_text", "a string") for k in ("decision", "reason") if not isinstance(body.get(k), str)]
    if problems:
        raise ApiError(422, problems)
    try:
        done = reviews.record(
            system.db, operator_id, body["decision"], body["reason"], actor=actor, at=system.pipeline.clock()
        )
    except reviews.ReviewError as error:
        code = "not_found" if error.status == 404 else "invalid_review"
        located = {"operator": "operator_id"}
        raise ApiError(error.status, [Problem(located.get(k, k), code, v) for k, v in error.problems.items()]) from None
    if done.suspended:
        register_changed(system)
    return {**asdict(done), "at": done.at.isoformat().replace("+00:00", "Z")}


@router.post(
    "/{operator_id}/review",
    responses={**FORBIDDEN, 404: {"description": "No such operator"}, 422: {"description": "Located problems"}},
)
async def review(
    operator_id: str,
    user: CurrentUser,
    system: SystemDep,
    body: Annotated[
        dict[str, Any], Body(examples=[{"decision": "keep", "reason": "irregularities were clerical, corrected"}])
    ],
) -> JsonResponse:
    """A supervisor's (or admin's) decision on an operator the compliance measure flagged: `keep`, or `suspend`
    the authorisations the sample measured, with the reason; audited as `trader.review`, as the workbench does."""
    _supervisor(user)
    return JsonResponse(await run_in_threadpool(_review, system, operator_id, body, user.name))


@router.get("/{operator_id}", responses={**FORBIDDEN, 404: {"description": "No such operator"}})
def get_operator(operator_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    _officer(user)
    with system.db.read() as conn:
        found = trader_store.operator(conn, operator_id)
    if found is None:
        raise ApiError(404, [Problem("operator_id", "not_found", f"no operator {operator_id}")])
    return JsonResponse(operator_view(found, system.pipeline.clock()))


def _import(system: StoredSystem, text: str, source: str, actor: str) -> dict[str, Any]:
    try:
        rows = read(text, source)
    except RegisterFileError as error:
        raise ApiError(422, error.problems) from None
    with system.db.write() as conn:
        try:
            report = trader_store.import_rows(conn, rows, actor=actor, at=system.pipeline.clock(), source=source)
        except trader_store.ConflictingIdentifiers as error:
            raise ApiError(422, [Problem(f"{source}:{error.line}", "conflicting_identifiers", str(error))]) from None
    register_changed(system)
    return report.as_dict()


@router.post(  # on the collection: `/import` would sit under `/{operator_id}`
    "",
    responses={**FORBIDDEN, 422: {"description": "A bad row refuses the whole file; each problem located"}},
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
async def import_register(
    request: Request, user: CurrentUser, system: SystemDep, source: Annotated[str, Query(max_length=200)] = "upload.csv"
) -> JsonResponse:
    """Import a register file (safelane CSV or the EU AEO directory's columns) sent as the body. Idempotent:
    the same file again changes nothing; the answer lists what changed."""
    _supervisor(user)
    body = await request.body()
    if len(body) > system.settings.max_body_bytes:
        raise ApiError(413, [Problem("body", "too_large", f"at most {system.settings.max_body_bytes} bytes")])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, [Problem("body", "not_utf8", "the file is not UTF-8 text")]) from None
    return JsonResponse(await run_in_threadpool(_import, system, text, source, user.name))


def _status(system: StoredSystem, authorisation_id: str, body: dict[str, Any], actor: str) -> dict[str, Any]:
    status, reason, effective = body.get("status"), body.get("reason"), body.get("effective_at")
    problems = []
    if status not in STATUSES:
        problems.append(Problem("status", "unknown_status", f"statuses: {', '.join(STATUSES)}"))
    if not isinstance(reason, str) or not reason.strip():
        problems.append(Problem("reason", "required", "a status change needs a reason"))
    effective_at = None
    if effective is not None:
        try:
            effective_at = datetime.fromisoformat(str(effective))
        except ValueError:
            effective_at = None
        if effective_at is None or effective_at.tzinfo is None:
            problems.append(Problem("effective_at", "invalid_time", "an ISO 8601 time with its offset"))
    unknown = sorted(set(body) - {"status", "reason", "effective_at"})
    problems += [Problem(k, "unknown_field", "unknown field") for k in unknown]
    if problems:
        raise ApiError(422, problems)
    now = system.pipeline.clock()
    with system.db.write() as conn:
        try:
            trader_store.set_status(
                conn, authorisation_id, str(status), reason=str(reason), actor=actor, at=now, effective_at=effective_at
            )
        except LookupError:
            raise ApiError(
                404, [Problem("authorisation_id", "not_found", f"no authorisation {authorisation_id}")]
            ) from None
        operator = trader_store.operator(conn, trader_store.operator_of(conn, authorisation_id) or "")
    register_changed(system)
    assert operator is not None
    return operator_view(operator, now)


@router.post(
    "/authorisations/{authorisation_id}/status",
    responses={**FORBIDDEN, 404: {"description": "No such authorisation"}, 422: {"description": "Located problems"}},
)
async def change_status(
    authorisation_id: str,
    user: CurrentUser,
    system: SystemDep,
    body: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {"status": "suspended", "reason": "irregularities in audit", "effective_at": "2026-11-15T00:00:00Z"}
            ]
        ),
    ],
) -> JsonResponse:
    """Record a status change (supervisor or admin) from `effective_at` (default now), with its reason; answers
    the operator as it stands now."""
    _supervisor(user)
    return JsonResponse(await run_in_threadpool(_status, system, authorisation_id, body, user.name))

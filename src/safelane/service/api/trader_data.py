"""AEO 2.0 over the API: a trader key shares its operator's own data and reads its operator's trader view.

A trader key (`safelane users add NAME --role trader --operator O...`) speaks for one registered operator and
for nothing else: it posts documents only as that operator (the path names no operator, so it cannot name
another), and its view lists only the consignments that name the operator by identifier, their decisions,
release times and the operator's own compliance figures. Every other route gives a trader key nothing (its
`Scope` matches no filer). Customs users and filers get 403 here.
"""

import statistics
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from safelane.domain import Problem, problems_from_validation
from safelane.service.api import JsonResponse, SystemDep
from safelane.service.auth import TraderUser, User
from safelane.service.errors import ApiError
from safelane.store import trader_data as data_store
from safelane.store import traders as trader_store
from safelane.system import StoredSystem
from safelane.traders.compliance import measure
from safelane.traders.shared import MODELS, Kind, parse

router = APIRouter(tags=["trader data"])

TRADERS_ONLY: dict[int | str, dict[str, Any]] = {403: {"description": "Only a trader key (role trader) does this"}}


def _body_schema(kind: Kind) -> dict[str, Any]:
    return {"requestBody": {"content": {"application/json": {"schema": MODELS[kind].model_json_schema()}}}}


def _save(system: StoredSystem, user: User, kind: Kind, body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ApiError(422, [Problem("body", "invalid_json", f"not JSON: {error}")]) from None
    try:
        document = parse(kind, data)
    except ValidationError as error:
        raise ApiError(422, problems_from_validation(error.errors())) from None
    assert user.operator is not None
    with system.db.write() as conn:
        return data_store.save(conn, user.operator, kind, document, at=system.pipeline.clock(), actor=user.name)


def _poster(kind: Kind) -> Any:
    async def post(request: Request, user: TraderUser, system: SystemDep) -> JsonResponse:
        body = await request.body()
        if len(body) > system.settings.max_body_bytes:
            raise ApiError(413, [Problem("body", "too_large", f"at most {system.settings.max_body_bytes} bytes")])
        return JsonResponse(await run_in_threadpool(_save, system, user, kind, body), status_code=201)

    post.__name__ = f"share_{kind.stored}"
    post.__doc__ = (
        f"Share one {kind.stored.replace('_', ' ')} of the key's operator (docs/trusted-traders.md gives the fields "
        "and their UN/CEFACT names). The same kind and id again replaces it. 422 names each bad field."
    )
    return post


for _kind in Kind:
    router.add_api_route(
        f"/v1/trader-data/{_kind.value}",
        _poster(_kind),
        methods=["POST"],
        status_code=201,
        responses={**TRADERS_ONLY, 422: {"description": "A bad document, each problem located; nothing kept"}},
        openapi_extra=_body_schema(_kind),
    )


@router.get("/v1/trader-data", responses=TRADERS_ONLY)
def shared(user: TraderUser, system: SystemDep) -> JsonResponse:
    """What the key's operator has shared (kind, id, transport document, when), newest first."""
    assert user.operator is not None
    with system.db.read() as conn:
        return JsonResponse({"documents": data_store.shared_documents(conn, user.operator)})


def trader_view(system: StoredSystem, operator_id: str) -> dict[str, Any]:
    """The operator's view: who it is, its authorisations' status now, its consignments with decisions and
    releases, its compliance figures (its own row, beside the peers' rate it is compared with)."""
    with system.db.read() as conn:
        operator = trader_store.operator(conn, operator_id)
        rows = data_store.consignments_of(conn, operator_id)
        measures = measure(trader_store.random_sample_outcomes(conn))
    own = [m.as_dict() for m in measures if m.kind == "operator" and m.operator_id == operator_id]
    peers = [
        {k: v for k, v in m.as_dict().items() if k in ("kind", "group", "rate", "low", "high")}
        for m in measures
        if m.kind == "peers"
    ]
    released = [r["release_hours"] for r in rows if r["release_hours"] is not None]
    at = system.pipeline.clock()
    authorisations = []
    for authorisation in operator.authorisations if operator else []:
        since = authorisation.change_at(at)
        authorisations.append(
            {
                "programme": authorisation.programme,
                "type": authorisation.type,
                "number": authorisation.number,
                "status": authorisation.status_at(at) or "none",
                "status_since": since.effective_at.isoformat() if since else None,
                "reason": since.reason if since else None,
            }
        )  # its own status and why; the customs officers who recorded it are not named
    return {
        "operator": {"operator_id": operator_id, "name": operator.name if operator else ""},
        "authorisations": authorisations,
        "consignments": rows,
        "release_hours": {
            "released": len(released),
            "median": statistics.median(released) if released else None,
        },
        "compliance": own,
        "peers": peers,
    }


@router.get("/v1/trader", responses=TRADERS_ONLY)
def view(user: TraderUser, system: SystemDep) -> JsonResponse:
    """The key's operator: its consignments (those naming it by identifier), each decision and release, the time
    from filing to customs' release, and its compliance figures. Nothing of any other operator."""
    assert user.operator is not None
    return JsonResponse(trader_view(system, user.operator))

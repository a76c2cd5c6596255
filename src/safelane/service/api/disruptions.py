"""Disruptions: officers read those in force; supervisors and admins declare them and end them.

A declaration activates its continuity plan for the next batch in this process (within a second in the others);
ending is an explicit act, never the expected end passing. Both are audited.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from starlette.concurrency import run_in_threadpool

from safelane.domain import Problem
from safelane.resilience.disruption import Declaration, InvalidDisruption
from safelane.service.api import JsonResponse, SystemDep
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.store import disruptions as disruption_store
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/disruptions", tags=["resilience"])

FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Filers may not read disruptions; only supervisors and admins declare or end them"}
}
EXAMPLE = {
    "kind": "port_closure",
    "scope": {"offices": ["NLRTM"], "modes": ["sea"]},
    "starts_at": "2026-12-01T06:00:00Z",
    "expected_end": "2026-12-03T06:00:00Z",
    "plan": {"priority": "tiered", "documentary_tiers": [1, 2], "extra_capacity": {"NLRTM": {"documentary": 200}}},
    "note": "storm surge barrier closed",
}


def _officer(user: User) -> None:
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only customs officers see disruptions")])


def _declarer(user: User) -> None:
    _officer(user)
    if user.role not in disruption_store.DECLARERS:
        raise ApiError(
            403, [Problem("header.Authorization", "forbidden", "only a supervisor or an admin declares or ends one")]
        )


@router.get("", responses=FORBIDDEN)
def list_disruptions(user: CurrentUser, system: SystemDep, all: bool = False) -> JsonResponse:
    """Disruptions not yet ended (with `all=true`, every one), newest first."""
    _officer(user)
    with system.db.read() as conn:
        rows = disruption_store.listing(conn, include_ended=all)
    return JsonResponse({"disruptions": [disruption_store.as_data(r) for r in rows]})


def _declare(system: StoredSystem, declaration: Declaration, actor: str) -> dict[str, Any]:
    with system.db.write() as conn:
        disruption = disruption_store.declare(conn, declaration, at=system.pipeline.clock(), actor=actor)
        row = disruption_store.get(conn, disruption.disruption_id)
    system.pipeline.disruptions_changed()
    assert row is not None
    return disruption_store.as_data(row)


@router.post(
    "", status_code=201, responses={**FORBIDDEN, 422: {"description": "Invalid declaration: each problem located"}}
)
async def declare(
    user: CurrentUser, system: SystemDep, body: Annotated[dict[str, Any], Body(examples=[EXAMPLE])]
) -> JsonResponse:
    """Declare a disruption (kind, scope, start, expected end) with its continuity plan. Audited."""
    _declarer(user)
    try:
        declaration = Declaration.from_dict(body, now=system.pipeline.clock())
    except InvalidDisruption as error:
        raise ApiError(422, error.problems) from None
    return JsonResponse(await run_in_threadpool(_declare, system, declaration, user.name), status_code=201)


def _end(system: StoredSystem, disruption_id: str, actor: str, note: str | None) -> dict[str, Any]:
    with system.db.write() as conn:
        row = disruption_store.end(conn, disruption_id, at=system.pipeline.clock(), actor=actor, note=note)
    system.pipeline.disruptions_changed()
    return disruption_store.as_data(row)


@router.post("/{disruption_id}/end", responses={**FORBIDDEN, 404: {"description": "No such disruption in force"}})
async def end(
    disruption_id: str,
    user: CurrentUser,
    system: SystemDep,
    body: Annotated[dict[str, Any] | None, Body(examples=[{"note": "port reopened"}])] = None,
) -> JsonResponse:
    """End a disruption explicitly: its plan stops applying from now. Audited."""
    _declarer(user)
    note = (body or {}).get("note")
    if note is not None and not isinstance(note, str):
        raise ApiError(422, [Problem("note", "invalid_note", "a note is text")])
    try:
        return JsonResponse(await run_in_threadpool(_end, system, disruption_id, user.name, note))
    except disruption_store.NotEnded:
        raise ApiError(
            404, [Problem("disruption_id", "not_found", f"no disruption {disruption_id} in force")]
        ) from None

"""The Time Release Study stamps over the API: a consignment's actual departure and arrival (its filer, for the
carrier, or a customs officer) and the start of customs' control (an officer). Reported once: the same report
again answers 200 with the stored stamp, a different one 409 (safelane.resilience.stamps)."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Field

from safelane.domain import Problem
from safelane.referrals import ActionError
from safelane.resilience import stamps
from safelane.service.api import IsoTime, JsonResponse, SystemDep
from safelane.service.auth import CurrentUser
from safelane.service.errors import ApiError

router = APIRouter(prefix="/v1/consignments", tags=["resilience"])


class StampBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: IsoTime = Field(description="when it happened, with its zone (e.g. 2026-12-01T08:00Z); not in the future")
    note: str | None = Field(None, max_length=2000)


class ControlStartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: IsoTime | None = Field(None, description="when the control started, with its zone; default now")
    note: str | None = Field(None, max_length=2000)


def _responses(who: str, conflict: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": "The same stamp was already stored (a replay): nothing changed"},
        403: {"description": who},
        404: {"description": "No such consignment in the caller's scope"},
        409: {"description": conflict},
        422: {"description": "The time has no zone or lies in the future"},
    }


def _answer(stamped: stamps.Stamped) -> JsonResponse:
    return JsonResponse(stamped.stamp, status_code=201 if stamped.new else 200)


def _problem(error: ActionError) -> ApiError:
    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(error.status, "invalid")
    return ApiError(error.status, [Problem(error.location, code, str(error))])


@router.post(
    "/{consignment_id}/arrival",
    status_code=201,
    responses=_responses("Only the consignment's filer or customs report arrivals", "Another arrival is recorded"),
)
def arrival(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[StampBody, Body()]
) -> JsonResponse:
    """The goods' actual arrival: the Time Release Study measures from it instead of the declared arrival."""
    try:
        found = stamps.record_arrival(
            system.db, consignment_id, body.at, scope=user.scope, now=system.pipeline.clock(), note=body.note
        )
    except ActionError as error:
        raise _problem(error) from None
    return _answer(found)


@router.post(
    "/{consignment_id}/departure",
    status_code=201,
    responses=_responses("Only the consignment's filer or customs report departures", "Another departure is recorded"),
)
def departure(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[StampBody, Body()]
) -> JsonResponse:
    """The goods' actual departure: the Time Release Study starts pre-loading air cargo from it instead of the
    declared departure."""
    try:
        found = stamps.record_departure(
            system.db, consignment_id, body.at, scope=user.scope, now=system.pipeline.clock(), note=body.note
        )
    except ActionError as error:
        raise _problem(error) from None
    return _answer(found)


@router.post(
    "/{consignment_id}/control-start",
    status_code=201,
    responses=_responses(
        "Only customs officers start controls",
        "The decision sends the consignment to no control, or another control start is recorded",
    ),
)
def control_start(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[ControlStartBody | None, Body()] = None
) -> JsonResponse:
    """An officer starts the documentary check or examination of a yellow or red consignment."""
    now = system.pipeline.clock()
    try:
        found = stamps.record_control_start(
            system.db,
            consignment_id,
            body.at if body and body.at else now,
            scope=user.scope,
            now=now,
            note=body.note if body else None,
        )
    except ActionError as error:
        raise _problem(error) from None
    return _answer(found)

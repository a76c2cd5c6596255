"""Joint inspections over the API: schedule one inspection per consignment, each agency's result, who still
holds the goods, the calendar per office and the inspections saved by joining; agencies' slots per office.

Customs officers and agency officers (role agency_officer): the service checks the scope, so an officer of another
office, or an agency that holds no requirement on the consignment, gets 404 for it and nothing of it in the calendar;
an agency officer schedules only what its agency holds and records only its own agency's result (403 otherwise).
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from safelane.cases import joint
from safelane.domain import Problem
from safelane.referrals import ActionError
from safelane.scope import AGENCY_ROLE
from safelane.service.api import IsoDay, IsoTime, JsonResponse, SystemDep
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.store import inspections as store
from safelane.store import offices as office_store
from safelane.store.offices import day_of

router = APIRouter(prefix="/v1", tags=["inspections"])


class ScheduleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    not_before: IsoTime | None = Field(None, description="earliest start (UTC); default now")
    place: str | None = Field(None, min_length=1, max_length=120, description="default: the participants' place")
    starts_at: IsoTime | None = Field(None, description="the slot's start (UTC); default the earliest common one")
    agencies: list[str] | None = Field(None, description="participants, of those holding; default all of them")


class ResultBody(BaseModel):
    """`agency` with its `outcome` code; customs sends `method` and `result` as for /outcomes (and `seizure`)."""

    model_config = ConfigDict(extra="allow")
    agency: str
    outcome: str | None = None
    note: str | None = Field(None, max_length=2000)


class SlotsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place: str = Field(min_length=1, max_length=120)
    day_start: int = Field(ge=0, le=24 * 60 - 1, description="minutes after 00:00 UTC of the first slot")
    slot_minutes: int = Field(ge=5, le=24 * 60)
    slots: int = Field(ge=1, le=288)
    teams: int = Field(ge=1, le=1000, description="inspections it can join at once")
    daily: int = Field(ge=0, le=100_000, description="inspections it can join per day")


def _officer(user: User) -> None:
    if not (user.is_officer or user.role == AGENCY_ROLE):
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "inspections are for officers")])


def _problem(error: ActionError) -> ApiError:
    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(error.status, "invalid")
    return ApiError(error.status, [Problem(error.location, code, str(error))])


def _with_status(system: SystemDep, consignment_id: str, inspection: dict[str, Any] | None) -> dict[str, Any]:
    with system.db.read() as conn:
        status = joint.status(conn, [consignment_id])[consignment_id]
    return {"consignment_id": consignment_id, "inspection": inspection, "status": status}


CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "Nobody holds the goods for inspection, no common slot is free (or a late holder cannot "
        "join), or the result is recorded"
    }
}


@router.post("/consignments/{consignment_id}/inspection", status_code=201, responses=CONFLICT)
def schedule(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[ScheduleBody | None, Body()] = None
) -> JsonResponse:
    """Schedule the consignment's one (joint) inspection; when it has one and nothing was chosen, those who came to
    hold the goods since join it (201), else 200 with it unchanged. 409 says why a choice cannot be met: no
    capacity at that slot (for a late holder too), an agency not holding the goods, an inspection already
    scheduled."""
    _officer(user)
    try:
        found, new = joint.schedule(
            system.db,
            consignment_id,
            scope=user.scope,
            at=system.pipeline.clock(),
            not_before=body.not_before if body else None,
            place=body.place if body else None,
            starts_at=body.starts_at if body else None,
            agencies=body.agencies if body else None,
        )
    except ActionError as error:
        raise _problem(error) from None
    return JsonResponse(_with_status(system, consignment_id, found), status_code=201 if new else 200)


@router.get("/consignments/{consignment_id}/inspection")
def inspection(consignment_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """The inspection (or null) and the combined release status: who holds the goods, the last release."""
    _officer(user)
    from safelane.cases.outcomes import case_of

    with system.db.read() as conn:
        if case_of(conn, consignment_id, scope=user.scope) is None:
            raise _problem(ActionError(f"no consignment {consignment_id}", 404, "consignment_id"))
        found = store.of_consignment(conn, consignment_id)
    return JsonResponse(_with_status(system, consignment_id, found))


@router.post("/consignments/{consignment_id}/inspection/results", status_code=201, responses=CONFLICT)
def result(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[ResultBody, Body()]
) -> JsonResponse:
    """One agency's result in its own outcome codes (and its release or refusal); the same again changes nothing."""
    _officer(user)
    form = body.model_dump()
    if isinstance(form.get("seizure"), dict):
        form = {**form, **form.pop("seizure")}
    try:
        found, new = joint.record_result(
            system.db, consignment_id, body.agency, form, scope=user.scope, at=system.pipeline.clock()
        )
    except ActionError as error:
        raise _problem(error) from None
    return JsonResponse(_with_status(system, consignment_id, found), status_code=201 if new else 200)


@router.get("/inspections")
def calendar(
    user: CurrentUser,
    system: SystemDep,
    office: str | None = None,
    since: Annotated[IsoDay | None, Query(alias="from", description="first day (UTC); default today")] = None,
    days: Annotated[int, Query(ge=1, le=62)] = 7,
) -> JsonResponse:
    """Inspections per office and day with their participants, and the inspections saved by joining."""
    _officer(user)
    scope = user.scope
    office = scope.office_shown(office)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else day_of(system.pipeline.clock())[0]
    with system.db.read() as conn:
        rows, measures = joint.calendar(conn, scope=scope, office=office, start=start, end=start + timedelta(days=days))
    return JsonResponse(
        {
            "office": office,
            "from": start.date().isoformat(),
            "days": days,
            "inspections": rows,
            "measures": measures,
        }
    )


@router.put("/inspections/slots/{office}/{agency}")
def set_slots(office: str, agency: str, user: CurrentUser, system: SystemDep, body: SlotsBody) -> JsonResponse:
    """An agency's inspection day at an office ("*": its default); supervisors and admins."""
    if user.role not in office_store.CHANGERS:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "supervisors and admins set slots")])
    with system.db.write() as conn:
        store.set_slots(conn, office, agency, body.model_dump(), at=system.pipeline.clock(), actor=user.name)
        rows = store.slot_listing(conn, office)
    return JsonResponse({"office": office, "slots": rows})

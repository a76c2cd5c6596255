"""Inspection outcomes and seizures over the API, for officers: the same validation and transaction as the workbench.

An officer posted to an office records and reads outcomes of that office's consignments only; supervisors,
admins and officers without an office reach every office. Filers get 403: outcomes and seizures are
enforcement records, not answers to the filer.
"""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from safelane.cases import outcomes as cases
from safelane.cases import seizures as vocabulary
from safelane.domain import Problem
from safelane.referrals import ActionError
from safelane.service.api import JsonResponse, PageDep, SystemDep, without
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.service.web.exports import csv_response
from safelane.store import seizures as seizure_store
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1", tags=["outcomes"])


def _one_of(codes: dict[str, str]) -> str:
    return "one of " + ", ".join(codes)


class SeizureBody(BaseModel):
    """The Customs Enforcement Network fields; required (but for hs_code and description) when result is seizure."""

    model_config = ConfigDict(extra="forbid")

    commodity: str | None = Field(None, description=_one_of(vocabulary.COMMODITIES))
    quantity: Annotated[float, Field(allow_inf_nan=False)] | None = Field(None, description="above zero, in `unit`")
    unit: str | None = Field(None, description=_one_of(vocabulary.UNITS))
    concealment: str | None = Field(None, description=_one_of(vocabulary.CONCEALMENTS))
    detection: str | None = Field(None, description=_one_of(vocabulary.DETECTIONS))
    offence: str | None = Field(None, description=_one_of(vocabulary.OFFENCES))
    hs_code: str | None = Field(None, description="4 to 10 digits")
    description: Annotated[str, Field(max_length=cases.MAX_TEXT)] | None = Field(
        None, description="required when commodity is other"
    )


class OutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: str | None = Field(None, description=_one_of(cases.METHODS))
    result: str | None = Field(None, description=_one_of(cases.RESULTS))
    note: Annotated[str, Field(max_length=cases.MAX_TEXT)] | None = None
    seizure: SeizureBody | None = None


def _officer(user: User) -> None:
    """Officers only; an officer posted to an office reaches that office's records (User.scope)."""
    if not user.is_officer:
        raise ApiError(
            403,
            [Problem("header.Authorization", "forbidden", "inspection outcomes and seizures are for customs officers")],
        )


def _problem(error: ActionError) -> ApiError:
    return ApiError(
        error.status, [Problem(error.location, "forbidden" if error.status == 403 else "not_found", str(error))]
    )


def _history(system: StoredSystem, consignment_id: str) -> list[dict[str, Any]]:
    with system.db.read() as conn:
        return [without(o, "row_id") for o in cases.history(conn, consignment_id)]


@router.post(
    "/consignments/{consignment_id}/outcomes",
    status_code=201,
    responses={
        403: {"description": "Not an officer"},
        404: {"description": "No such consignment (or another office's)"},
        422: {"description": "A field is missing or not in its vocabulary; each problem names the field"},
    },
)
def record(
    consignment_id: str, user: CurrentUser, system: SystemDep, body: Annotated[OutcomeBody, Body()]
) -> JsonResponse:
    """Record what an inspection found (and its seizure); an open yellow or red channel closes as inspected."""
    _officer(user)
    fields: dict[str, Any] = {
        "method": body.method,
        "result": body.result,
        "note": body.note,
        **(body.seizure.model_dump() if body.seizure else {}),
    }
    try:
        outcome = cases.parse(fields)
        done = cases.record(system.db, consignment_id, outcome, scope=user.scope, at=system.pipeline.clock())
    except cases.Invalid as invalid:
        raise ApiError(
            422,
            [
                Problem(f"seizure.{field}" if field in cases.SEIZURE_FIELDS else field, "invalid_outcome", message)
                for field, message in invalid.errors.items()
            ],
        ) from None
    except ActionError as error:
        raise _problem(error) from None
    [recorded] = [o for o in _history(system, consignment_id) if o["outcome_id"] == done["outcome_id"]]
    return JsonResponse({"outcome": recorded, "decision_closed": done["closed"]}, status_code=201)


@router.get("/consignments/{consignment_id}/outcomes")
def list_outcomes(consignment_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Every outcome recorded on a consignment, oldest first, each with its seizure (or null)."""
    _officer(user)
    with system.db.read() as conn:
        case = cases.case_of(conn, consignment_id, scope=user.scope)
    if case is None:
        raise _problem(ActionError(f"no consignment {consignment_id}", 404, "consignment_id"))
    return JsonResponse(
        {
            "consignment_id": consignment_id,
            "reference": case["reference"],
            "office": case["office"],
            "outcomes": _history(system, consignment_id),
        }
    )


@router.get("/seizures")
def list_seizures(
    user: CurrentUser,
    system: SystemDep,
    page: PageDep,
    since: Annotated[date | None, Query(alias="from", description="first day (UTC), included")] = None,
    until: Annotated[date | None, Query(alias="to", description="last day (UTC), included")] = None,
    office: str | None = None,
    commodity: Annotated[str | None, Query(description=_one_of(vocabulary.COMMODITIES))] = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """Seizure records, newest first, with the CEN fields, the consignment reference, office and who recorded them."""
    _officer(user)
    scope = user.scope
    if office is not None and not scope.sees_office(office):
        raise ApiError(
            403, [Problem("query.office", "forbidden", f"you may read office {scope.office}'s seizures only")]
        )
    if commodity is not None and commodity not in vocabulary.COMMODITIES:
        raise ApiError(
            422,
            [Problem("query.commodity", "unknown_commodity", f"commodity must be {_one_of(vocabulary.COMMODITIES)}")],
        )
    start, end = seizure_store.days(since, until)
    with system.db.read() as conn:
        rows = seizure_store.search(
            conn,
            scope=scope,
            office=office,
            commodity=commodity,
            since=start,
            until=end,
            limit=page.limit,
            offset=page.offset,
        )
    if format == "csv":
        return csv_response(rows, seizure_store.COLUMNS, "seizures.csv")
    return JsonResponse({"seizures": rows, "limit": page.limit, "offset": page.offset})

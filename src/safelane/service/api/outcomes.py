"""Inspection outcomes and seizures over the API, for officers: the same validation and transaction as the workbench.

An officer posted to an office records and reads outcomes of that office's consignments only; supervisors,
admins and officers without an office reach every office. Filers get 403: outcomes and seizures are
enforcement records, not answers to the filer.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from safelane.cases import outcomes as cases
from safelane.cases import seizures as vocabulary
from safelane.domain import Problem
from safelane.referrals import ActionError
from safelane.service.api import NOT_BLANK, IsoDay, JsonResponse, PageDep, SystemDep, one_of, without
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.service.web.exports import csv_response
from safelane.store import seizures as seizure_store
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1", tags=["outcomes"])


def _one_of(codes: dict[str, str]) -> str:
    return "one of " + ", ".join(codes)


def _choice(codes: dict[str, str]) -> Any:
    """A field checked by `cases.parse` (which says what to choose), declared with its vocabulary."""
    return Field(None, description=_one_of(codes), json_schema_extra=one_of(codes))


# The rules `cases.parse` applies, declared: what a seizure needs, and that "other" needs a description.
_SEIZURE_RULES: dict[str, Any] = {
    "required": ["commodity", "quantity", "unit", "concealment", "detection", "offence"],
    "allOf": [{"properties": {"quantity": {"type": "number"}}}],  # given, so not null
    "if": {"properties": {"commodity": {"const": "other"}}, "required": ["commodity"]},
    "then": {"required": ["description"], "properties": {"description": {"type": "string", **NOT_BLANK}}},
}
_OUTCOME_RULES: dict[str, Any] = {
    "required": ["method", "result"],
    "if": {"properties": {"result": {"const": "seizure"}}, "required": ["result"]},
    "then": {"required": ["seizure"], "properties": {"seizure": {"type": "object"}}},
    "else": {"properties": {"seizure": {"type": "null"}}},
}


class SeizureBody(BaseModel):
    """The Customs Enforcement Network fields; required (but for hs_code and description) when result is seizure."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_SEIZURE_RULES)

    commodity: str | None = _choice(vocabulary.COMMODITIES)
    quantity: Annotated[float, Field(allow_inf_nan=False)] | None = Field(
        None, description="above zero, in `unit`", json_schema_extra={"exclusiveMinimum": 0}
    )
    unit: str | None = _choice(vocabulary.UNITS)
    concealment: str | None = _choice(vocabulary.CONCEALMENTS)
    detection: str | None = _choice(vocabulary.DETECTIONS)
    offence: str | None = _choice(vocabulary.OFFENCES)
    hs_code: str | None = Field(
        None,
        description="4 to 10 digits (dots and spaces are ignored)",
        json_schema_extra={"pattern": r"^[. ]*((\d[. ]*){4,10})?$"},
    )
    description: Annotated[str, Field(max_length=cases.MAX_TEXT)] | None = Field(
        None, description="required when commodity is other"
    )


class OutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_OUTCOME_RULES)

    method: str | None = _choice(cases.METHODS)
    result: str | None = _choice(cases.RESULTS)
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
    if body.seizure is not None and body.result != "seizure":
        message = "a seizure is recorded with the result 'seizure' only; send null otherwise"
        raise ApiError(422, [Problem("seizure", "invalid_outcome", message)])
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


@router.get(
    "/seizures",
    responses={
        200: {
            "description": "The seizures, as JSON or (`format=csv`) as a CSV file",
            "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def list_seizures(
    user: CurrentUser,
    system: SystemDep,
    page: PageDep,
    since: Annotated[IsoDay | None, Query(alias="from", description="first day (UTC), included")] = None,
    until: Annotated[IsoDay | None, Query(alias="to", description="last day (UTC), included")] = None,
    office: str | None = None,
    commodity: Annotated[
        str | None, Query(description=_one_of(vocabulary.COMMODITIES), json_schema_extra=one_of(vocabulary.COMMODITIES))
    ] = None,
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

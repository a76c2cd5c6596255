"""Decisions (PLACI referrals and declaration channels): search, read with history, act on.

Actions go through `referrals.act`, which checks role, state and required data in one
transaction; its refusals come back as problems with the status and location it names.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from safelane import referrals
from safelane.agencies import need_to_know
from safelane.domain import Channel, Problem, Referral
from safelane.service.api import JsonResponse, MetricsDep, PageDep, SystemDep, not_found, one_of, without
from safelane.service.auth import CurrentUser
from safelane.service.errors import ApiError
from safelane.store import decisions as decision_store
from safelane.store import requirements as requirement_store

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])

OUTCOMES = tuple(r.value for r in Referral) + tuple(c.value for c in Channel)
INTERNAL = ("row_id",)


class Action(BaseModel):
    """What an action needs: a note (required to lift or issue) and the action's own data."""

    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(max_length=2000)] | None = None
    text: Annotated[str, Field(max_length=10_000)] | None = Field(
        None, description="information: the filer's answer to an RFI"
    )
    method: str | None = Field(None, description=f"screening: one of {', '.join(referrals.SCREENING_METHODS)}")
    result: str | None = Field(None, description="screening: clear or not_clear")
    referral: str | None = Field(None, description="issue: RFI, RFS or DNL")
    channel: str | None = Field(None, description="channel: green, blue, yellow or red (the note gives the reason)")


@router.get("")
def search(
    user: CurrentUser,
    system: SystemDep,
    page: PageDep,
    state: Annotated[
        Literal["open", "answered", "closed"] | None, Query(description="open means not closed (open or answered)")
    ] = None,
    answer: Literal["referral", "channel"] | None = None,
    outcome: Annotated[
        str | None, Query(description=f"one of {', '.join(OUTCOMES)}", json_schema_extra=one_of(OUTCOMES))
    ] = None,
) -> JsonResponse:
    """Decisions on current filing versions, newest first (a filer sees its own only, an officer posted to an
    office that office's)."""
    if outcome is not None and outcome not in OUTCOMES:
        message = f"outcome must be one of {', '.join(OUTCOMES)}"
        raise ApiError(422, [Problem("query.outcome", "unknown_outcome", message)])
    with system.db.read() as conn:
        rows = decision_store.search(
            conn,
            scope=user.scope,
            answer=answer,
            outcome=outcome,
            state=state,
            limit=page.limit,
            offset=page.offset,
        )
    shown = [need_to_know.decision(user.scope, without(r, *INTERNAL)) for r in rows]
    return JsonResponse({"decisions": shown, "limit": page.limit, "offset": page.offset})


@router.get("/{decision_id}")
def get(decision_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """One decision with every event in its life: who did what, when, and why, and every agency's requirement.
    An agency officer reads customs' outcome and state, its own requirement and no events (customs' own work)."""
    scope = user.scope
    with system.db.read() as conn:
        row = decision_store.get(conn, decision_id, scope=scope)
        if row is None:
            raise not_found("decision", decision_id, "decision_id")
        events = decision_store.events(conn, decision_id) if scope.agency is None else []
        required = [r.as_dict() for r in requirement_store.of_decision(conn, decision_id)]
    return JsonResponse(
        {
            "decision": need_to_know.decision(scope, without(row, *INTERNAL)),
            "requirements": need_to_know.requirements(scope, required),
            "events": events,
        }
    )


@router.post(
    "/{decision_id}/{action}",
    responses={
        403: {"description": "This role may not take this action"},
        404: {"description": "No such decision (or not yours, or another office's), or no such action"},
        409: {"description": "The action does not apply in the decision's state"},
        422: {"description": "A note or the action's data is missing or invalid"},
    },
)
def act(
    decision_id: str,
    action: Annotated[str, Path(description=f"one of {', '.join(referrals.ACTIONS)}")],
    user: CurrentUser,
    system: SystemDep,
    metrics: MetricsDep,
    body: Annotated[Action | None, Body()] = None,
) -> JsonResponse:
    """Act on a decision: information (filer, RFI), screening (RFS), lift (officer, DNL), close, issue (officer)."""
    body = body or Action()
    data: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"note"})
    try:
        row = referrals.act(
            system.db,
            decision_id,
            action,
            scope=user.scope,
            at=system.pipeline.clock(),
            note=body.note,
            data=data,
        )
    except referrals.ActionError as error:
        raise ApiError(error.status, [Problem(error.location, _code(error.status), str(error))]) from None
    metrics.actions.labels(action, row["outcome"]).inc()
    return JsonResponse({"decision": without(row, *INTERNAL)})


def _code(status: int) -> str:
    return {403: "forbidden", 404: "not_found", 409: "not_applicable", 422: "invalid_action_data"}.get(status, "error")

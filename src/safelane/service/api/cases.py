"""Case work over the API: notes, assignment, document requests and channel changes on a consignment.

The same operations as the workbench's forms (`cases.notes`, `referrals.act`), for scripts and for filers'
systems: a filer reads the document requests on its own consignments (and nothing else here); officers do
the rest. An officer posted to an office reaches that office's consignments only, as in the workbench.
"""

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from safelane import referrals
from safelane.cases import notes as case_notes
from safelane.domain import Channel, Problem
from safelane.service.api import NOT_BLANK, JsonResponse, SystemDep, not_found, one_of
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/consignments", tags=["cases"])
Text = Annotated[str, Field(min_length=1, max_length=case_notes.MAX_TEXT, json_schema_extra=NOT_BLANK)]
ANSWERS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an officer"},
    404: {"description": "No such consignment (or not yours, or another office's)"},
    409: {"description": "The change does not apply in the decision's state"},
    422: {"description": "A field is missing or invalid; the problem names it"},
}


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Text


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer: str | None = Field(None, description="the officer's user name; null or empty: unassign")
    note: Annotated[str, Field(max_length=case_notes.MAX_TEXT)] | None = None


class DocumentRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[str] = Field(
        min_length=1,
        description=f"any of {', '.join(case_notes.DOCUMENTS)}",
        json_schema_extra={"items": one_of(case_notes.DOCUMENTS)},
    )
    text: Text


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: str = Field(
        description=f"one of {', '.join(c.value for c in Channel)}", json_schema_extra=one_of(c.value for c in Channel)
    )
    note: Text = Field(description="the reason, kept in the decision's history")


def _officer(user: User) -> None:
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only customs officers do case work")])


def _refused(error: referrals.ActionError, consignment_id: str) -> ApiError:
    if error.status == 404:
        return not_found("consignment", consignment_id, "consignment_id")
    code = {403: "forbidden", 409: "not_applicable", 422: "invalid"}.get(error.status, "error")
    return ApiError(error.status, [Problem(error.location, code, str(error))])


def _visible(system: StoredSystem, consignment_id: str, user: User) -> dict[str, Any]:
    """The current decision if this user's scope holds the consignment, else the same 404 as for none."""
    with system.db.read() as conn:
        row = case_notes.current_decision(conn, consignment_id, scope=user.scope)
    if row is None:
        raise not_found("consignment", consignment_id, "consignment_id")
    return row


def _who(system: StoredSystem, user: User) -> dict[str, Any]:
    _officer(user)
    return {"scope": user.scope, "at": system.pipeline.clock()}


@router.get("/{consignment_id}/notes", responses=ANSWERS)
def notes(consignment_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Officers' notes, assignments and document requests on a consignment, oldest first (officers only)."""
    _officer(user)
    _visible(system, consignment_id, user)
    with system.db.read() as conn:
        rows = case_notes.of_consignment(conn, consignment_id)
    return JsonResponse({"consignment_id": consignment_id, "notes": rows})


@router.post("/{consignment_id}/notes", status_code=201, responses=ANSWERS)
def add_note(consignment_id: str, body: NoteIn, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Add a note to the case."""
    try:
        note = case_notes.add_note(system.db, consignment_id, body.text, **_who(system, user))
    except referrals.ActionError as error:
        raise _refused(error, consignment_id) from None
    return JsonResponse({"note": note}, 201)


@router.post("/{consignment_id}/assignment", responses=ANSWERS)
def assign(consignment_id: str, body: AssignmentIn, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Assign the case to an officer who may see its office, or unassign it."""
    try:
        note = case_notes.assign(system.db, consignment_id, body.officer, note=body.note, **_who(system, user))
    except referrals.ActionError as error:
        raise _refused(error, consignment_id) from None
    return JsonResponse({"assignment": note})


@router.get("/{consignment_id}/requests", responses=ANSWERS)
def requests(consignment_id: str, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Documents customs asked for: the filer of the consignment sees them, and officers."""
    _visible(system, consignment_id, user)
    with system.db.read() as conn:
        rows = case_notes.of_consignment(conn, consignment_id, ("document_request",))
    shown = [
        {
            "requested_at": r["at"],
            "documents": (r["data"] or {}).get("documents", []),
            "text": r["text"],
            "decision_id": r["decision_id"],
            **({"requested_by": r["actor"]} if user.is_officer else {}),
        }
        for r in rows
    ]
    return JsonResponse({"consignment_id": consignment_id, "requests": shown})


@router.post("/{consignment_id}/requests", status_code=201, responses=ANSWERS)
def request_documents(
    consignment_id: str, body: DocumentRequestIn, user: CurrentUser, system: SystemDep
) -> JsonResponse:
    """Ask the filer for documents (officers)."""
    try:
        note = case_notes.request_documents(system.db, consignment_id, body.documents, body.text, **_who(system, user))
    except referrals.ActionError as error:
        raise _refused(error, consignment_id) from None
    return JsonResponse({"request": note}, 201)


@router.post("/{consignment_id}/channel", responses=ANSWERS)
def change_channel(consignment_id: str, body: ChannelIn, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Move the consignment's current declaration decision to another channel, with the reason (officers)."""
    who = _who(system, user)
    row = _visible(system, consignment_id, user)
    try:
        decision = referrals.act(
            system.db, row["decision_id"], "channel", note=body.note, data={"channel": body.channel}, **who
        )
    except referrals.ActionError as error:
        raise _refused(error, consignment_id) from None
    return JsonResponse({"decision": {k: v for k, v in decision.items() if k != "row_id"}})

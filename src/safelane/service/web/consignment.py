"""The consignment page: the case file (filing as received, parties, goods, route, findings, history) and the
officer's actions on it.

Actions are plain POST forms to /consignments/{id}/actions/{action}; each goes through `referrals.act` (the
decision) or `cases.notes` (notes, assignment, document requests), which check role, the officer's scope and
state in the same transaction as the write. A consignment outside the scope is "no consignment" (404).
Success redirects back with ?done=<action> (Post/Redirect/Get); a refusal renders the page again with the
message beside the field it names and the officer's input kept.
"""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safelane import referrals
from safelane.cases import case as case_file
from safelane.cases import joint
from safelane.cases import notes as case_notes
from safelane.cases import queue as case_queue
from safelane.cases import seizures as seizure_vocabulary
from safelane.domain import Channel, Referral
from safelane.service.api import get_system
from safelane.service.web import documents as documents_page
from safelane.service.web.render import not_found, now, page
from safelane.service.web.signin import Forbidden, FormDep, Officer, OfficerDep
from safelane.store import inspections as inspection_store
from safelane.store import users as user_store
from safelane.system import StoredSystem

router = APIRouter()

DONE = {
    "issue": "Referral issued.",
    "lift": "Referral lifted.",
    "channel": "Channel changed.",
    "close": "Decision closed.",
    "assign": "Assignment saved.",
    "note": "Note added.",
    "request": "Documents requested from the filer.",
    "outcome": "Inspection outcome recorded.",
    "result": "Your agency's inspection result was recorded.",
    "screening": "Screening result recorded.",
    "schedule": "Joint inspection scheduled.",
    "join": "Joined the scheduled inspection.",
}
DECISION_ACTIONS = ("issue", "lift", "channel", "close", "screening")
ACTION_FIELDS = {"issue": ("referral",), "channel": ("channel",), "screening": ("method", "result")}  # form -> data
ISSUABLE = (Referral.RFI.value, Referral.RFS.value, Referral.DNL.value)
CHANNELS = tuple(c.value for c in Channel)


def _officers(system: StoredSystem, office: str | None) -> list[str]:
    """Who a case at this office can be given to: active officers posted there, and everyone unposted."""
    with system.db.read() as conn:
        users = user_store.listing(conn)
    return [
        u["name"]
        for u in users
        if u["active"]
        and u["role"] in referrals.OFFICER_ROLES
        and (u["role"] != "officer" or u["office"] in (None, office))
    ]


def _available(decision: dict[str, Any]) -> set[str]:
    """The decision actions that apply to the current decision as it stands."""
    found = set()
    if decision["answer"] == "referral":
        found.add("issue")
        if decision["outcome"] == Referral.RFS.value and decision["state"] == "open":
            found.add("screening")
        if decision["outcome"] in referrals.STANDING and decision["state"] != "closed":
            found.add("lift")
    else:
        found.add("channel")
    if decision["state"] != "closed" and decision["outcome"] != Referral.DNL.value:
        found.add("close")
    return found


def _render(
    request: Request,
    officer: Officer,
    case: case_file.CaseFile,
    *,
    status: int = 200,
    messages: list[tuple[str, str]] | None = None,
    error: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    left = case.deadline - now(request) if case.deadline else None
    with get_system(request).db.read() as conn:  # the case file was loaded through the scope: this one is seen
        inspection = inspection_store.of_consignment(conn, case.consignment_id)
        release = joint.status(conn, [case.consignment_id])[case.consignment_id]
        holders = joint.holders(conn, case.consignment_id, officer.scope)
        late = joint.late_holders(inspection, holders, officer.scope) if inspection else []
    return page(
        request,
        "consignment.html",
        officer,
        status=status,
        title=f"Consignment {case.reference}",
        case=case,
        urgency=case_queue.urgency(left),
        messages=messages or [],
        error=error or {},
        form=form or {},
        available=_available(case.current),
        officers=_officers(get_system(request), case.office),
        documents=case_notes.DOCUMENTS,
        issuable=ISSUABLE,
        channels=CHANNELS,
        screening_methods=referrals.SCREENING_METHODS,
        label=seizure_vocabulary.label,
        # an agency reads the attached documents its need-to-know allows (agencies.yaml documents:)
        papers=documents_page.papers(get_system(request), case, officer.scope),
        inspection=inspection,
        release=release,
        holders=[] if inspection else holders,
        late=late,
        completed=inspection is not None and joint.completed(inspection),
    )


def _case(
    request: Request, officer: Officer, consignment_id: str, version: int | None = None
) -> case_file.CaseFile | None:
    system = get_system(request)
    with system.db.read() as conn:
        return case_file.load(conn, consignment_id, version, assessors=system.assessors, scope=officer.scope)


@router.get("/consignments/{consignment_id}")
def consignment(request: Request, consignment_id: str, officer: OfficerDep) -> Response:
    version = request.query_params.get("version", "")
    case = _case(request, officer, consignment_id, int(version) if version.isdigit() else None)
    if case is None:
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    detail = {"via": "workbench", "version": case.shown["version"]}
    request.app.state.reads.record(officer.name, "consignment.read", consignment_id, detail)
    done = request.query_params.get("done")
    return _render(request, officer, case, messages=[("ok", DONE[done])] if done in DONE else [])


def _do(system: StoredSystem, officer: Officer, case: case_file.CaseFile, action: str, form: dict[str, str]) -> None:
    at = system.pipeline.clock()
    who: dict[str, Any] = {"scope": officer.scope, "at": at}
    if action in DECISION_ACTIONS:
        data = {name: form.get(name) for name in ACTION_FIELDS.get(action, ())}
        referrals.act(system.db, case.current["decision_id"], action, note=form.get("note") or None, data=data, **who)
    elif action == "note":
        case_notes.add_note(system.db, case.consignment_id, form.get("text"), **who)
    elif action == "assign":
        case_notes.assign(system.db, case.consignment_id, form.get("officer"), note=form.get("note"), **who)
    elif action == "request":
        chosen = [key.removeprefix("document.") for key, value in form.items() if key.startswith("document.") and value]
        case_notes.request_documents(system.db, case.consignment_id, chosen, form.get("text"), **who)
    else:
        raise referrals.ActionError(f"unknown action {action!r}", 404)


@router.post("/consignments/{consignment_id}/actions/{action}")
def act(request: Request, consignment_id: str, action: str, officer: OfficerDep, form: FormDep) -> Response:
    case = _case(request, officer, consignment_id)
    if case is None:
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    if officer.is_agency:  # customs' decision, notes and requests; an agency records its result on /outcome
        raise Forbidden("Only customs acts on the decision; record your agency's inspection result instead.")
    try:
        _do(get_system(request), officer, case, action, form)
    except referrals.ActionError as refused:
        if refused.status == 403:
            raise Forbidden(str(refused)) from None
        if refused.status == 404 and refused.location != "action":  # gone from the officer's scope meanwhile
            return not_found(request, officer, f"There is no consignment {consignment_id}.")
        return _refused(request, officer, case, form, action, refused, refused.status, "Not done")
    return RedirectResponse(f"/consignments/{consignment_id}?done={action}#actions", status_code=303)


def _refused(
    request: Request,
    officer: Officer,
    case: case_file.CaseFile,
    form: dict[str, str],
    action: str,
    refused: referrals.ActionError,
    status: int,
    heading: str,
) -> Response:
    """The consignment page again, as it is now, with the officer's input kept and the refusal's reason shown."""
    fresh = _case(request, officer, case.consignment_id) or case
    error = {"action": action, "location": refused.location, "message": str(refused)}
    return _render(
        request, officer, fresh, status=status, form=form, messages=[("error", f"{heading}: {refused}")], error=error
    )


def _slot_start(text: str) -> datetime | None:
    """The form's start (datetime-local, read as UTC); None when left empty (the earliest common slot)."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise referrals.ActionError(
            f"start must be a date and time as YYYY-MM-DDTHH:MM, not {text!r}", 422, "starts_at"
        ) from None


@router.post("/consignments/{consignment_id}/inspection")
def schedule(request: Request, consignment_id: str, officer: OfficerDep, form: FormDep) -> Response:
    """The schedule-inspection form: customs, or an agency holding the goods, books the one joint inspection at
    the place, start and with the participants chosen (joint.schedule); a refusal is shown on the form."""
    case = _case(request, officer, consignment_id)
    if case is None:
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    system = get_system(request)
    chosen = [key.removeprefix("agency.") for key, value in form.items() if key.startswith("agency.") and value]
    joining = form.get("join") == "1"  # late holders join the scheduled inspection: no choice to make
    try:
        joint.schedule(
            system.db,
            consignment_id,
            scope=officer.scope,
            at=system.pipeline.clock(),
            place=None if joining else (form.get("place") or "").strip() or None,
            starts_at=None if joining else _slot_start(form.get("starts_at") or ""),
            agencies=None if joining else chosen,
        )
    except referrals.ActionError as refused:
        if refused.status == 404:
            return not_found(request, officer, f"There is no consignment {consignment_id}.")
        status = 409 if refused.status == 403 else refused.status
        heading = "Not joined" if joining else "Not scheduled"
        return _refused(request, officer, case, form, "schedule", refused, status, heading)
    done = "join" if joining else "schedule"
    return RedirectResponse(f"/consignments/{consignment_id}?done={done}#inspection", status_code=303)

"""Workbench pages: record what an inspection found, and for a seizure its Customs Enforcement Network record.

An agency officer gets its agency's own form instead: its result codes (agency register) for the consignment's
joint inspection, recorded through `cases.joint`, which releases or refuses for that agency only.

The form works without JavaScript: the seizure fields are always shown and required only for a seizure.
A refused form comes back with each error beside its field and everything entered kept; nothing is stored.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safelane.agencies.register import register
from safelane.cases import joint
from safelane.cases import outcomes as cases
from safelane.cases import seizures as vocabulary
from safelane.domain.assessment import CUSTOMS
from safelane.referrals import ActionError
from safelane.service.api import get_system
from safelane.service.web.render import not_found, now, page
from safelane.service.web.signin import Forbidden, FormDep, Officer, OfficerDep
from safelane.store import inspections as inspection_store
from safelane.system import StoredSystem

router = APIRouter()
FIELDS = ("method", "result", "note", *cases.SEIZURE_FIELDS)


def _case(system: StoredSystem, consignment_id: str, officer: Officer) -> tuple[dict[str, Any] | None, list[dict]]:
    with system.db.read() as conn:
        case = cases.case_of(conn, consignment_id, scope=officer.scope)
        if case is None:
            return None, []
        return case, cases.history(conn, consignment_id)


def _defaults(case: dict[str, Any]) -> dict[str, str]:
    """What the decision already says: the inspection it asked for and how the consignment was picked."""
    decision = case["decision"] or {}
    values = dict.fromkeys(FIELDS, "")
    if decision.get("inspection") in cases.METHODS:
        values["method"] = decision["inspection"]
    values["detection"] = vocabulary.DETECTION_BY_SELECTION.get(decision.get("selection") or "", "")
    return values


def _form(
    request: Request,
    officer: Officer,
    case: dict[str, Any],
    history: list[dict],
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    messages = [("error", "The outcome was not recorded: correct the fields marked below.")] if errors else []
    return page(
        request,
        "outcome.html",
        officer,
        status=status,
        title=f"Inspection outcome · {case['reference']}",
        messages=messages,
        case=case,
        history=history,
        values=values,
        errors=errors,
        methods=cases.METHODS,
        results=cases.RESULTS,
        commodities=vocabulary.COMMODITIES,
        units=vocabulary.UNITS,
        concealments=vocabulary.CONCEALMENTS,
        detections=vocabulary.DETECTIONS,
        offences=vocabulary.OFFENCES,
        label=vocabulary.label,
    )


def _customs_pending(system: StoredSystem, consignment_id: str) -> bool:
    """Whether the consignment's inspection waits for customs' result (the caller has checked its scope)."""
    with system.db.read() as conn:
        inspection = inspection_store.of_consignment(conn, consignment_id)
    parts = (inspection or {}).get("participants", [])
    return any(p["agency"] == CUSTOMS and p["outcome"] is None for p in parts)


def _agency_form(
    request: Request,
    officer: Officer,
    case: dict[str, Any],
    values: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The agency officer's result form for the consignment's inspection, in its agency's own codes."""
    code = officer.agency or ""
    with get_system(request).db.read() as conn:
        inspection = inspection_store.of_consignment(conn, case["consignment_id"])
    mine = [p for p in (inspection or {}).get("participants", []) if p["agency"] == code]
    known = register().get(code)
    return page(
        request,
        "agency_result.html",
        officer,
        status=status,
        title=f"Inspection result · {case['reference']}",
        messages=[("error", f"The result was not recorded: {error}")] if error else [],
        case=case,
        inspection=inspection,
        mine=mine[0] if mine else None,
        agency_name=known.name if known else code,
        codes=known.outcome_codes() if known else {},
        values=values,
    )


@router.get("/consignments/{consignment_id}/outcome")
def outcome_form(request: Request, consignment_id: str, officer: OfficerDep) -> Response:
    case, history = _case(get_system(request), consignment_id, officer)
    if case is None:
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    if officer.is_agency:
        return _agency_form(request, officer, case, {"outcome": "", "note": ""})
    return _form(request, officer, case, history, _defaults(case), {})


def _record_agency(request: Request, officer: Officer, case: dict[str, Any], form: dict[str, str]) -> Response:
    system = get_system(request)
    values = {"outcome": form.get("outcome", ""), "note": form.get("note", "")}
    try:
        joint.record_result(
            system.db, case["consignment_id"], officer.agency or "", values, scope=officer.scope, at=now(request)
        )
    except ActionError as error:
        if error.status == 403:
            raise Forbidden(str(error)) from None
        return _agency_form(request, officer, case, values, str(error), status=error.status)
    return RedirectResponse(f"/consignments/{case['consignment_id']}?done=result#inspection", status_code=303)


@router.post("/consignments/{consignment_id}/outcome")
def record_outcome(request: Request, consignment_id: str, officer: OfficerDep, form: FormDep) -> Response:
    system = get_system(request)
    case, history = _case(system, consignment_id, officer)
    if case is None:
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    if officer.is_agency:
        return _record_agency(request, officer, case, form)
    values = {field: form.get(field, "") for field in FIELDS}
    try:
        outcome = cases.parse(values)
        if _customs_pending(system, consignment_id):  # customs' part of a joint inspection: its result there too
            joint.record_result(system.db, consignment_id, CUSTOMS, values, scope=officer.scope, at=now(request))
        else:
            cases.record(system.db, consignment_id, outcome, scope=officer.scope, at=now(request))
    except cases.Invalid as invalid:
        return _form(request, officer, case, history, values, invalid.errors, status=422)
    except ActionError as error:
        if error.status == 403:
            raise Forbidden(str(error)) from None
        if error.status == 409:
            return _form(request, officer, case, history, values, {"result": str(error)}, status=409)
        return not_found(request, officer, f"There is no consignment {consignment_id}.")
    return RedirectResponse(f"/consignments/{consignment_id}?done=outcome", status_code=303)

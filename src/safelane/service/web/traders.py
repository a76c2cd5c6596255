"""Workbench pages for trusted traders: search the register, an operator's authorisations and their history,
and a supervisor's status change with its reason (audited, effective from the date given).

Every officer reads; only a supervisor changes a status. The status shown is the one in force now; a
consignment page shows the status at its filing time (the facilitation finding's evidence).
"""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safelane.service.api import get_system
from safelane.service.api.traders import register_changed
from safelane.service.web.exports import csv_response
from safelane.service.web.render import not_found, now, page
from safelane.service.web.signin import CUSTOMS_PAGES, FormDep, OfficerDep
from safelane.store import traders as trader_store
from safelane.store import trs as trs_store
from safelane.traders import reviews
from safelane.traders.authorisation import STATUSES, start_of
from safelane.traders.compliance import MIN_INSPECTIONS
from safelane.traders.describe import authorisation_view, operator_view
from safelane.traders.release import MEASURES, PERCENTILES, release_times

router = APIRouter(dependencies=CUSTOMS_PAGES)  # agency officers: 403


@router.get("/traders")
def search(request: Request, officer: OfficerDep, q: str = "") -> Response:
    system = get_system(request)
    with system.db.read() as conn:
        found = trader_store.search(conn, q[:200])
    at = now(request)
    return page(
        request,
        "traders.html",
        officer,
        title="Trusted traders",
        q=q,
        operators=[operator_view(o, at) for o in found],
    )


COMPLIANCE_COLUMNS = [
    "kind",
    "group",
    "operator_id",
    "inspections",
    "irregular",
    "rate",
    "low",
    "high",
    "flagged",
    "goods_routes",
    "peers",
    "peer_inspections",
    "peer_irregular",
    "peer_rate",
    "peer_low",
    "peer_high",
    "review_decision",
    "review_reason",
    "review_by",
]

_RELEASE = [f"{m}_p{p}_hours" for m in MEASURES for p in PERCENTILES]
RELEASE_COLUMNS = ["kind", "group", "mode", "consignments", "released", *_RELEASE]
RELEASE_COLUMNS += ["peer_consignments", "peer_released", *(f"peer_{c}" for c in _RELEASE)]


@router.get("/traders/compliance")
def compliance(request: Request, officer: OfficerDep, format: str = "html", table: str = "measures") -> Response:
    """Is the trust deserved: the random sample's irregularity rates of trusted traders against non-AEOs of the
    same goods and routes (flagged operators await a supervisor's review), and their release times against the
    peers' (`?format=csv&table=release_times`)."""
    return _compliance_page(request, officer, format, table=table)


def _compliance_page(
    request: Request, officer: Any, format: str = "html", *, status: int = 200, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None, table: str = "measures",
) -> Response:  # fmt: skip
    system = get_system(request)
    at = now(request)
    with system.db.read() as conn:
        measures = reviews.compliance_report(conn)
        released = release_times(trs_store.release_stamps(conn))
        withdrawn = [
            {
                "operator_id": o.operator_id,
                "name": o.name,
                "reason": getattr(a.change_at(at), "reason", ""),
                **authorisation_view(a, at),
            }
            for o, a in trader_store.withdrawn(conn, at)
        ]
    if format == "csv" and table == "release_times":
        return csv_response(released, RELEASE_COLUMNS, "trusted-trader-release-times.csv")
    if format == "csv":
        rows = [
            {**m, **{f"review_{k}": (m["review"] or {}).get(k, "") for k in ("decision", "reason", "by")}}
            for m in measures
        ]
        return csv_response(rows, COMPLIANCE_COLUMNS, "trusted-trader-compliance.csv")
    return page(
        request,
        "traders_compliance.html",
        officer,
        status=status,
        title="Trusted traders: compliance",
        measures=measures,
        released=released,
        withdrawn=withdrawn,
        minimum=MIN_INSPECTIONS,
        errors=errors or {},
        values=values or {},
    )


@router.post("/traders/{operator_id}/review")
def review(request: Request, officer: OfficerDep, form: FormDep, operator_id: str) -> Response:
    """A supervisor's decision on a flagged operator: keep its authorisations, or suspend those the sample
    measured, with the reason (`traders.reviews`, as the API records it)."""
    officer.require_supervisor()
    system = get_system(request)
    try:
        done = reviews.record(
            system.db,
            operator_id,
            form.get("decision", ""),
            form.get("reason", ""),
            actor=officer.name,
            at=now(request),
        )
    except reviews.ReviewError as error:
        if error.status == 404:
            return not_found(request, officer, f"There is no operator {operator_id} in the register.")
        values = {**form, "operator": operator_id}
        return _compliance_page(request, officer, status=422, errors=error.problems, values=values)
    if done.suspended:
        register_changed(system)
    return RedirectResponse(f"/traders/compliance?reviewed={operator_id}", status_code=303)


def _operator_page(
    request: Request, officer: Any, operator_id: str, *, status: int = 200, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    system = get_system(request)
    with system.db.read() as conn:
        found = trader_store.operator(conn, operator_id)
    if found is None:
        return not_found(request, officer, f"There is no operator {operator_id} in the register.")
    return page(
        request,
        "trader.html",
        officer,
        status=status,
        title=found.name,
        operator=operator_view(found, now(request)),
        statuses=STATUSES,
        errors=errors or {},
        values=values or {},
    )


@router.get("/traders/{operator_id}")
def operator(request: Request, officer: OfficerDep, operator_id: str) -> Response:
    return _operator_page(request, officer, operator_id)


@router.post("/traders/{operator_id}/status")
def change_status(request: Request, officer: OfficerDep, form: FormDep, operator_id: str) -> Response:
    officer.require_supervisor()
    system = get_system(request)
    authorisation_id = form.get("authorisation_id", "")
    status, reason, effective = form.get("status", ""), form.get("reason", "").strip(), form.get("effective", "")
    errors = {}
    if status not in STATUSES:
        errors["status"] = f"one of {', '.join(STATUSES)}"
    if not reason:
        errors["reason"] = "say why: the reason is kept in the history and the audit log"
    effective_at = None
    if effective.strip():
        try:
            effective_at = start_of(date.fromisoformat(effective.strip()))
        except ValueError:
            errors["effective"] = "a date written YYYY-MM-DD, or empty for now"
    with system.db.read() as conn:
        if trader_store.operator_of(conn, authorisation_id) != operator_id:
            errors["authorisation_id"] = "choose one of this operator's authorisations"
    if errors:
        return _operator_page(request, officer, operator_id, status=422, errors=errors, values=form)
    with system.db.write() as conn:
        trader_store.set_status(
            conn,
            authorisation_id,
            status,
            reason=reason,
            actor=officer.name,
            at=now(request),
            effective_at=effective_at,
        )
    register_changed(system)
    return RedirectResponse(f"/traders/{operator_id}?changed={authorisation_id}", status_code=303)

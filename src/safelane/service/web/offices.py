"""Workbench pages: each office's inspection capacity today, and its settings, changed by a supervisor.

Officers see how much of today's capacity is used and by what (mandatory, risk, random, exploration);
a supervisor changes capacity, the random compliance sample and the exploration share while filings
flow. Each change is audited with before and after and reaches the pipeline at once.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safelane.selection.capacity import INSPECTIONS, KINDS, NAMES, OFFICE, SELECTIONS, InvalidSettings, OfficeSettings
from safelane.service.api import get_system
from safelane.service.web.exports import csv_response
from safelane.service.web.render import now, page
from safelane.service.web.signin import CUSTOMS_PAGES, Forbidden, FormDep, Officer, OfficerDep
from safelane.store import offices as office_store

router = APIRouter(dependencies=CUSTOMS_PAGES)  # agency officers: 403


def _checked(officer: Officer, office: str) -> None:
    """Refuse an office code that is malformed or not this officer's to see ("*", the default, is everyone's)."""
    if not OFFICE.fullmatch(office):
        raise Forbidden("An office is '*' (the default) or 2 to 17 capital letters and digits.")
    if office != "*" and not officer.scope.sees_office(office):
        raise Forbidden(f"You are posted to {officer.office}; office {office} is not yours to see.")


CSV_COLUMNS = ["office", "kind", "capacity", "used", "left", *SELECTIONS, "exploration_reserve"]
SOURCES = {"office": "its own", "default": "the * default", "built-in": "built in"}


def settings_facts(data: dict[str, Any] | None) -> dict[str, str]:
    """Office settings (as stored in the audit record) in an officer's words, one fact per setting."""
    if data is None:
        return {}
    capacity = data.get("capacity") or {}
    facts = {f"{NAMES[k]} per day": str(capacity.get(k, "unlimited")) for k in KINDS}
    facts["random compliance sample"] = f"{data['random_rate'] * 100:g} %"
    facts["random sample inspected by"] = NAMES.get(data["random_inspection"], data["random_inspection"])
    facts["exploration reserve"] = f"{data['explore_rate'] * 100:g} %"
    return facts


def differences(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What one change changed, as "physical inspection per day 20 → 30" (everything, for a first setting)."""
    old, new = settings_facts(before), settings_facts(after)
    return [
        f"{name} {old[name]} → {value}" if name in old else f"{name} {value}"
        for name, value in new.items()
        if old.get(name) != value
    ]


@router.get("/offices")
def offices(request: Request, officer: OfficerDep, format: str = "html") -> Response:
    system = get_system(request)
    at = now(request)
    with system.db.read() as conn:
        stored = [r["office"] for r in office_store.listing(conn)]
        used = {o for o, _, _ in office_store.usage(conn, at).counts if o}
        names = sorted(({*stored, *used} - {"*"}) if officer.office_scope is None else {officer.office_scope})
        rows = [
            {
                "office": name,
                "source": office_store.effective(conn, name)["source"],
                "kinds": office_store.today(conn, name, at),
            }
            for name in ["*", *names]
        ]
        recent = [
            {**c, "changed": differences(c["detail"].get("before"), c["detail"]["after"])}
            for c in office_store.changes(conn, officer.office_scope)
        ]
    if format == "csv":
        flat = [
            {"office": row["office"], "kind": kind, **row["kinds"][kind], **row["kinds"][kind]["by_selection"]}
            for row in rows
            for kind in KINDS
        ]
        return csv_response(flat, CSV_COLUMNS, f"capacity-{office_store.day_of(at)[0].date()}.csv")
    return page(
        request,
        "offices.html",
        officer,
        title="Offices",
        rows=rows,
        kinds=KINDS,
        names=NAMES,
        selections=SELECTIONS,
        recent=recent,
        day=office_store.day_of(at)[0].date(),
        sources=SOURCES,
    )


def _form(
    officer: Officer,
    office: str,
    settings: OfficeSettings,
    request: Request,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    if values is None:
        values = {f"capacity_{k}": "" if settings.limit(k) is None else str(settings.limit(k)) for k in KINDS}
        values.update(
            random_rate=f"{settings.random_rate * 100:g}",
            explore_rate=f"{settings.explore_rate * 100:g}",
            random_inspection=settings.random_inspection,
        )
    return page(
        request,
        "office.html",
        officer,
        status=status,
        title=f"Office {office}",
        office=office,
        kinds=KINDS,
        names=NAMES,
        inspections=INSPECTIONS,
        values=values,
        errors=errors or {},
        facts=settings_facts(settings.as_dict()),
    )


@router.get("/offices/edit")
def another(request: Request, officer: OfficerDep, office: str = "") -> Response:
    """The 'settings of another office' form: on to that office's page."""
    return RedirectResponse(f"/offices/{office.strip().upper() or '*'}", status_code=303)


@router.get("/offices/{office}")
def office(request: Request, officer: OfficerDep, office: str) -> Response:
    _checked(officer, office)
    system = get_system(request)
    with system.db.read() as conn:
        settings = office_store.effective(conn, office)["settings"]
    return _form(officer, office, settings, request)


def _settings(office: str, form: dict[str, str]) -> tuple[OfficeSettings | None, dict[str, str]]:
    """The form's settings (percentages in, shares out); errors by form field."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"capacity": {}}
    for kind in KINDS:
        text = form.get(f"capacity_{kind}", "").strip()
        if text and not text.isdigit():
            errors[f"capacity_{kind}"] = "a whole number of consignments per day, or empty for unlimited"
        elif text:
            data["capacity"][kind] = int(text)
    for name in ("random_rate", "explore_rate"):
        try:
            data[name] = float(form.get(name, "").strip().rstrip("%")) / 100.0
        except ValueError:
            errors[name] = "a percentage from 0 to 100"
    data["random_inspection"] = form.get("random_inspection", "")
    if errors:
        return None, errors
    try:
        return OfficeSettings.from_dict(office, data), {}
    except InvalidSettings as error:
        return None, {p.location.replace("capacity.", "capacity_"): p.message for p in error.problems}


@router.post("/offices/{office}")
def change(request: Request, officer: OfficerDep, form: FormDep, office: str) -> Response:
    officer.require_supervisor()
    _checked(officer, office)
    settings, errors = _settings(office, form)
    if settings is None:
        return _form(officer, office, OfficeSettings(), request, status=422, errors=errors, values=form)
    system = get_system(request)
    with system.db.write() as conn:
        office_store.set(conn, settings, at=now(request), actor=officer.name)
    system.pipeline.offices_changed()
    return RedirectResponse(f"/offices?changed={office}", status_code=303)

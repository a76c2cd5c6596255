"""Workbench pages: the seizure records, filtered by date, office and commodity, and exported as CSV or JSON.

An officer posted to an office sees that office's seizures only; the exports hold exactly what the
page's filters select, with the codes of the CEN vocabularies (the page shows their labels).
"""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.cases import seizures as vocabulary
from safelane.service.api import JsonResponse, get_system
from safelane.service.web.exports import csv_response
from safelane.service.web.render import page
from safelane.service.web.signin import CUSTOMS_PAGES, OfficerDep
from safelane.store import seizures as seizure_store

router = APIRouter(dependencies=CUSTOMS_PAGES)  # agency officers: 403
PAGE_ROWS = 500
EXPORT_ROWS = 100_000


def _day(text: str | None, name: str, errors: list[tuple[str, str]]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(("error", f"'{name}' must be a date as YYYY-MM-DD; {text!r} was ignored."))
        return None


@router.get("/seizures")
def seizures(
    request: Request,
    officer: OfficerDep,
    office: str | None = None,
    commodity: str | None = None,
    format: str | None = None,
) -> Response:
    """`from` and `to` are days (UTC), both included."""
    messages: list[tuple[str, str]] = []
    since = _day(request.query_params.get("from"), "from", messages)
    until = _day(request.query_params.get("to"), "to", messages)
    scope = officer.scope
    office = scope.office_shown((office or "").strip().upper() or None)
    commodity = commodity or None
    if commodity is not None and commodity not in vocabulary.COMMODITIES:
        messages.append(("error", f"Unknown commodity {commodity!r}; showing every commodity."))
        commodity = None
    export = format in ("csv", "json")
    system = get_system(request)
    start, end = seizure_store.days(since, until)
    with system.db.read() as conn:
        rows = seizure_store.search(
            conn,
            scope=scope,
            office=office,
            commodity=commodity,
            since=start,
            until=end,
            limit=EXPORT_ROWS if export else PAGE_ROWS,
        )
        offices = seizure_store.offices(conn) if scope.office is None else [scope.office]
    if format == "csv":
        return csv_response(rows, seizure_store.COLUMNS, "seizures.csv")
    if format == "json":
        return JsonResponse(rows, headers={"Content-Disposition": 'attachment; filename="seizures.json"'})
    filters: dict[str, Any] = {
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
        "office": office or "",
        "commodity": commodity or "",
    }
    query = urlencode({k: v for k, v in filters.items() if v})
    return page(
        request,
        "seizures.html",
        officer,
        title="Seizures",
        messages=messages,
        rows=rows,
        filters=filters,
        offices=offices,
        commodities=vocabulary.COMMODITIES,
        label=vocabulary.label,
        csv_link=f"/seizures?{query}&format=csv" if query else "/seizures?format=csv",
        json_link=f"/seizures?{query}&format=json" if query else "/seizures?format=json",
        truncated=len(rows) >= PAGE_ROWS,
    )

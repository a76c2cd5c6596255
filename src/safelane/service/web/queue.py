"""The queue page: open referrals and control selections, riskiest first, filtered by query parameters.

Filters are plain GET parameters, so a filtered queue is a link an officer can bookmark or share, and the
same parameters with format=csv download the list. A filter value that makes no sense is shown beside its
field and ignored, rather than failing the page. The query itself is `safelane.cases.queue`.
"""

from collections.abc import Collection
from datetime import date
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from safelane.cases import queue as case_queue
from safelane.domain import TransportMode
from safelane.selection.capacity import SELECTIONS
from safelane.service.api import get_system
from safelane.service.web.exports import csv_response
from safelane.service.web.render import now, page
from safelane.service.web.signin import Officer, OfficerDep
from safelane.store import requirements as requirement_store
from safelane.store import traders as trader_store

router = APIRouter()

FIELDS = ("mode", "office", "outcome", "profile", "party", "filed_from", "filed_to", "selection", "assigned", "sort")
CSV_COLUMNS = (
    "consignment_id",
    "reference",
    "filer",
    "mode",
    "kind",
    "office",
    "outcome",
    "state",
    "selection",
    "inspection",
    "score",
    "filed_at",
    "deadline",
    "minutes_left",
    "assigned_to",
    "basis",
)


def _date(value: str, errors: dict[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "Give a date as YYYY-MM-DD."
        return None


AGENCY_HIDDEN = ("profile", "selection", "assigned")  # customs' filters, left out for an agency officer


def parse(
    params: QueryParams, officer: Officer, offices: Collection[str]
) -> tuple[case_queue.Filters, dict[str, str], dict[str, str]]:
    """(filters to apply, errors by field, the values as given for the form); `offices` are those a decision
    was made for, so a mistyped office is said to be unknown instead of showing an empty queue."""
    given = {name: params.get(name, "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    choices: dict[str, tuple[str, ...]] = {
        "mode": tuple(m.value for m in TransportMode),
        "outcome": case_queue.NEEDS_OFFICER,
        "selection": SELECTIONS,
        "assigned": case_queue.ASSIGNED,
        "sort": tuple(case_queue.SORTS),
    }
    kept: dict[str, Any] = {}
    for name, allowed in choices.items():
        if given[name] and given[name] not in allowed:
            errors[name] = f"One of {', '.join(allowed)}."
        elif given[name]:
            kept[name] = given[name]
    for name in ("filed_from", "filed_to"):
        if given[name]:
            kept[name] = _date(given[name], errors, name)
    if kept.get("filed_from") and kept.get("filed_to") and kept["filed_from"] > kept["filed_to"]:
        errors["filed_to"] = "The end date is before the start date."
        kept.pop("filed_to")
    office = given["office"].upper()
    if office and not officer.scope.sees_office(office):
        errors["office"] = f"You see {officer.office_scope} only."
    elif office and office not in offices:
        errors["office"] = f"No consignment is handled at {office}."
    elif office:
        kept["office"] = office
    for name in ("profile", "party"):
        if given[name]:
            kept[name] = given[name][:200]
    if officer.is_agency:  # customs' profiles, selection, assignment and score are not an agency's to sort by
        for name in AGENCY_HIDDEN:
            kept.pop(name, None)
            given[name] = ""
        if kept.get("sort", "score") == "score":
            kept["sort"] = given["sort"] = "deadline"
    return case_queue.Filters(**kept), errors, given


def _page_number(params: QueryParams) -> int:
    value = params.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _for_agency(conn: sa.Connection, officer: Officer, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An agency officer's rows: customs' score, selection, assignment and reasons left blank (customs' work),
    the agency's own requirement as the why."""
    if not officer.is_agency:
        return rows
    held = requirement_store.of_decisions(conn, [r["decision_id"] for r in rows])
    for row in rows:
        mine = [r for r in held.get(row["decision_id"], ()) if r.agency == officer.agency]
        why = "; ".join(f"{r.action}: {r.explanation}" for r in mine)
        row.update(score=None, selection=None, assigned_to=None, basis=why)
    return rows


@router.get("/queue")
def queue(request: Request, officer: OfficerDep) -> Response:
    system = get_system(request)
    assert system.db is not None
    with system.db.read() as conn:
        offices = case_queue.offices(conn)
    filters, errors, given = parse(request.query_params, officer, offices)
    scope = officer.scope
    at = now(request)
    if request.query_params.get("format") == "csv":
        with system.db.read() as conn:
            rows = _for_agency(conn, officer, case_queue.export(conn, filters, scope, now=at))
        for row in rows:
            row["minutes_left"] = int(row["time_left"].total_seconds() // 60) if row["time_left"] else None
        return csv_response(rows, CSV_COLUMNS, f"queue-{at:%Y%m%d-%H%M}.csv")
    with system.db.read() as conn:
        found = case_queue.open_cases(conn, filters, scope, now=at, page=_page_number(request.query_params))
        profiles = [] if officer.is_agency else case_queue.profiles_in_queue(conn, scope)
        trusted = {} if officer.is_agency else trader_store.parties_of(conn, [r["decision_id"] for r in found.rows])
        _for_agency(conn, officer, found.rows)
    for row in found.rows:
        row["traders"] = trusted.get(row["decision_id"], [])
    query = {k: v for k, v in given.items() if v}

    def link(**changes: Any) -> str:
        return "/queue?" + urlencode({**query, **{k: v for k, v in changes.items() if v is not None}})

    return page(
        request,
        "queue.html",
        officer,
        title="Queue",
        found=found,
        given=given,
        errors=errors,
        link=link,
        csv_link=link(format="csv"),
        profiles=profiles,
        offices=offices,
        modes=[m.value for m in TransportMode],
        outcomes=case_queue.NEEDS_OFFICER,
        selections=SELECTIONS,
        sorts=case_queue.SORTS,
        status=422 if errors else 200,
    )

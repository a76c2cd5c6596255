"""Workbench page: the joint-inspection calendar per office (day, slot, place, participants and their results)
and its figures: inspections saved by joining, hours from arrival to each agency's and the last release."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.cases import joint
from safelane.service.api import get_system
from safelane.service.web.exports import csv_response
from safelane.service.web.render import now, page
from safelane.service.web.signin import OfficerDep
from safelane.store.offices import day_of

router = APIRouter()
MAX_DAYS = 62
MEASURE_COLUMNS = ("measure", "agency", "value")
CSV_COLUMNS = ("starts_at", "ends_at", "office", "place", "consignment_id", "joint", "agency", "outcome", "recorded_at")


@router.get("/inspections")
def inspections(request: Request, officer: OfficerDep, office: str | None = None, days: int = 7) -> Response:
    """`from` is the first day (UTC, default today); a posted officer sees its own office only; `format=csv`
    gives one line per participant, with `part=measures` the measures instead."""
    messages: list[tuple[str, str]] = []
    start = day_of(now(request))[0]
    text = request.query_params.get("from")
    if text:
        try:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        except ValueError:
            messages.append(("error", f"'from' must be a date as YYYY-MM-DD; {text!r} was ignored."))
    days = min(max(days, 1), MAX_DAYS)
    scope = officer.scope
    office = scope.office_shown((office or "").strip().upper() or None)
    end = start + timedelta(days=days)
    with get_system(request).db.read() as conn:
        rows, measures = joint.calendar(conn, scope=scope, office=office, start=start, end=end)
    if request.query_params.get("format") == "csv":
        if request.query_params.get("part") == "measures":
            return csv_response(
                measure_lines(measures), MEASURE_COLUMNS, f"inspection-measures-{start:%Y%m%d}-{days}d.csv"
            )
        lines = [{**row, **part} for row in rows for part in row["participants"]]  # one line per participant
        return csv_response(lines, CSV_COLUMNS, f"inspections-{start:%Y%m%d}-{days}d.csv")
    by_day: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_day.setdefault(row["starts_at"].date().isoformat(), []).append(row)
    return page(
        request,
        "inspections.html",
        officer,
        title="Joint inspections",
        messages=messages,
        by_day=by_day,
        office=office or "",
        start=start.date().isoformat(),
        days=days,
        measures=measures,
    )


def measure_lines(measures: dict[str, Any]) -> list[dict[str, Any]]:
    """joint.calendar's measures as CSV lines: the counts saved by joining, each agency's participations, and per
    agency ("last": the last release, when the goods could leave) the releases and hours from arrival."""
    lines: list[dict[str, Any]] = [
        {"measure": k, "agency": "", "value": measures[k]}
        for k in ("inspections", "joint", "separate_without_joining", "saved")
    ]
    lines += [{"measure": "participations", "agency": a, "value": n} for a, n in measures["per_agency"].items()]
    for agency, figure in measures["arrival_to_release"].items():
        lines += [{"measure": f"arrival_to_release_{k}", "agency": agency, "value": v} for k, v in figure.items()]
    return lines

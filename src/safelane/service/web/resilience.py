"""Workbench pages for resilience: the Time Release Study (`/trs`: figures per segment against the targets and
the published studies, and the daily distribution) and the resilience dashboard (`/resilience`: disruptions in
force, backlog per office and tier, the simulator's clearance forecast, release times against the baseline).

An officer posted to an office sees that office's consignments only (its scope), as on every page.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.resilience import dashboard, report, trs
from safelane.service.api import get_system
from safelane.service.web import charts
from safelane.service.web.exports import csv_response
from safelane.service.web.render import now, page
from safelane.service.web.signin import CUSTOMS_PAGES, OfficerDep

router = APIRouter(dependencies=CUSTOMS_PAGES)  # agency officers: 403
MAX_DAYS = 92
SEGMENT_NAMES = {"all": "all", "mode": "mode", "kind": "filing kind", "mode_kind": "mode and kind", "office": "office",
                 "channel": "channel or referral", "trader": "trader category", "disruption": "disruption",
                 "tier": "continuity tier"}  # fmt: skip


def _window(request: Request, days: int) -> tuple[datetime, datetime, int, list[tuple[str, str]]]:
    """[start, end) of whole UTC days ending with today (or `to`), and any message about the request."""
    messages: list[tuple[str, str]] = []
    today = now(request).date()
    text = request.query_params.get("to")
    last = today
    if text:
        try:
            last = date.fromisoformat(text)
        except ValueError:
            messages.append(("error", f"'to' must be a date as YYYY-MM-DD; {text!r} was ignored."))
    days = min(max(days, 1), MAX_DAYS)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    return end - timedelta(days=days), end, days, messages


def _published(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each published figure beside ours for the same mode: the mean of arrival to release, or the mean of
    lodgement to release for "declaration to release" (published figures are averages). The published studies
    measure goods declarations, so ours are the mode's declarations where there are any, else all its filings."""
    ours = {r["value"]: r for r in segments if r["segment"] == "mode"}
    ours |= {r["value"].removesuffix(" declaration"): r for r in segments
             if r["segment"] == "mode_kind" and r["value"].endswith(" declaration")}  # fmt: skip
    out = []
    for row in report.published():
        mine = ours.get(row["mode"])
        value = None
        if mine is not None:
            value = (
                mine["mean_hours"] if row["metric"] == "arrival to release" else mine["lodgement_to_release_mean_hours"]
            )
        ratio = round(value / row["hours"], 2) if value is not None and row["hours"] else None
        out.append({**row, "ours": value, "ratio": ratio})
    return out


@router.get("/trs")
def release_times(request: Request, officer: OfficerDep, days: int = 30, format: str = "html") -> Response:
    """Consignments lodged in the window (default the last 30 days): TRS per segment, published, daily."""
    start, end, days, messages = _window(request, days)
    with get_system(request).db.read() as conn:
        figures = trs.report(conn, scope=officer.scope, since=start, until=end)
    if format == "csv":
        return csv_response(figures["segments"], trs.COLUMNS, "trs.csv")
    daily = figures["daily"]
    return page(
        request,
        "trs.html",
        officer,
        title="Time Release Study",
        messages=messages,
        days=days,
        last=(end - timedelta(days=1)).date().isoformat(),
        start=start,
        end=end,
        figures=figures,
        names=SEGMENT_NAMES,
        published=_published(figures["segments"]),
        p50=charts.bars("Median hours from arrival to release, per day of lodgement",
                        [(d["day"][5:], d["p50_hours"] or 0.0) for d in daily]),
        p90=charts.bars("90th percentile hours from arrival to release, per day of lodgement",
                        [(d["day"][5:], d["p90_hours"] or 0.0) for d in daily]),
    )  # fmt: skip


def _forecasts(request: Request) -> dashboard.Forecasts:
    state = request.app.state
    if not hasattr(state, "resilience_forecasts"):
        state.resilience_forecasts = dashboard.Forecasts(get_system(request).db)
    return state.resilience_forecasts


@router.get("/resilience")
def resilience(request: Request, officer: OfficerDep) -> Response:
    """What a disruption is doing now and what the simulator says about clearing it."""
    at = now(request)
    figures = dashboard.figures(get_system(request).db, officer.scope, now=at, forecasts=_forecasts(request))
    offices = sorted({r["office"] for r in figures["backlog"]})
    by_office = {o: {t: 0 for t in (1, 2, 3)} for o in offices}
    for row in figures["backlog"]:
        by_office[row["office"]][row["tier"]] += row["open"]
    chart = charts.stacked(
        "Open cases per office and continuity tier",
        [o or "no office" for o in offices],
        [(f"tier {t}", [by_office[o][t] for o in offices]) for t in (1, 2, 3)],
    )
    return page(
        request,
        "resilience.html",
        officer,
        title="Resilience",
        figures=figures,
        by_office=by_office,
        backlog_chart=chart,
        tier_names=report.TIER_NAMES,
    )

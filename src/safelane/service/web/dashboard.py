"""Workbench page: the dashboard, every figure as a chart and a table, and each table as CSV.

The window is the last 24 hours by default, or whole days the officer picks; an officer posted to an
office sees that office's figures only, whatever the form says.
"""

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from safelane.cases import dashboard as metrics
from safelane.cases import joint
from safelane.cases.dashboard import Figure, Window
from safelane.service.api import get_system
from safelane.service.web import charts
from safelane.service.web import inspections as calendar_page
from safelane.service.web.exports import csv_response
from safelane.service.web.render import duration, now, page
from safelane.service.web.signin import Officer, OfficerDep
from safelane.store import requirements as requirement_store

router = APIRouter()

HEADINGS = {
    "p50_seconds": "p50",
    "p90_seconds": "p90",
    "p99_seconds": "p99",
    "hit_rate": "hit rate",
    "ci95_low": "95\u00a0% low",
    "ci95_high": "95\u00a0% high",
}  # "95 %" never split over two lines
JOINT = "joint_inspections"  # the figure of joint.calendar's measures (saved by joining, arrival to release)
SHARES = ("share", "hit_rate", "ci95_low", "ci95_high")


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column.endswith("_seconds"):
        return duration(value)
    if column in SHARES:
        return f"{100 * value:.1f} %"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


def _share(share: float) -> str:
    return "0 %" if not share else "< 0.1 %" if share < 0.0005 else f"{100 * share:.1f} %"


def _per_cent(value: float) -> str:
    return f"{charts.number(value)} %"


def _time_unit(peak_seconds: float) -> tuple[float, str]:
    """The unit a time axis counts in: seconds, minutes, hours or days, whichever keeps its numbers small."""
    for seconds, name in ((1.0, "s"), (60.0, "min"), (3600.0, "h")):
        if peak_seconds < 120 * seconds:
            return seconds, name
    return 86400.0, "d"


def _hit_rate_bar(row: dict[str, Any]) -> charts.Bar:
    """The rate in per cent with its 95 % interval across it, and how many inspections it rests on."""
    if not row["inspections"]:
        return charts.Bar(row["selection"], 0.0, "no inspections")
    return charts.Bar(
        row["selection"],
        100 * row["hit_rate"],
        f"{_share(row['hit_rate'])} ({row['hits']:,} of {row['inspections']:,})",
        low=100 * row["ci95_low"],
        high=100 * row["ci95_high"],
    )


def _chart(figure: Figure, window: Window) -> Markup:
    rows = figure.rows
    if figure.name == "filings":
        modes = [c for c in figure.columns if c not in ("period", "total")]
        labels = [r["period"][11:16] if window.hourly else r["period"][5:] for r in rows]
        return charts.stacked(figure.title, labels, [(mode, [r[mode] for r in rows]) for mode in modes])
    if figure.name in ("referrals", "channels"):
        return charts.hbars(
            figure.title,
            [
                charts.Bar(r["outcome"], r["consignments"], f"{r['consignments']:,} · {_share(r['share'])}")
                for r in rows
            ],
        )
    if figure.name == "queue_age":
        return charts.hbars(figure.title, [charts.Bar(r["age"], r["open"], f"{r['open']:,}") for r in rows])
    if figure.name == "decision_time":
        peak = max((r[f"p{p}_seconds"] or 0.0 for r in rows for p in metrics.PERCENTILES), default=0.0)
        unit, name = _time_unit(peak)
        bars = [
            charts.Bar(
                f"{r['measure']}, p{p}",
                (r[f"p{p}_seconds"] or 0.0) / unit,
                duration(r[f"p{p}_seconds"]) or "none yet",
                series=k,
            )
            for k, r in enumerate(rows)
            for p in metrics.PERCENTILES
        ]
        return charts.hbars(figure.title, bars, tick=lambda v: f"{charts.number(v)} {name}", whole=False)
    if figure.name == "hit_rate":
        return charts.hbars(f"{figure.title}, per cent", [_hit_rate_bar(r) for r in rows], tick=_per_cent)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["commodity"]] = counts.get(row["commodity"], 0) + row["seizures"]
    return charts.hbars(figure.title, [charts.Bar(commodity, n, f"{n:,}") for commodity, n in counts.items()])


def _window(
    conn: Any, first: str | None, last: str | None, office: str | None, now: datetime
) -> tuple[Window, str | None]:
    """The window asked for, or the default one with the reason the request could not be used."""
    if first or last:
        try:
            start = date.fromisoformat(first or last or "")
            return metrics.days_window(start, date.fromisoformat(last or first or ""), office), None
        except ValueError as error:
            return metrics.default_window(conn, now, office), f"Window not changed: {error}."
    return metrics.default_window(conn, now, office), None


def _agency(request: Request, officer: Officer, conn: sa.Connection, window: Window, problem: str | None) -> Response:
    """An agency officer's dashboard: its requirements by action, its inspections (and those saved by joining)
    and hours from arrival to its releases and to the last release, all through its scope."""
    scope, agency = officer.scope, officer.agency or ""
    office, start, end = window.office, window.start, window.end
    _, measures = joint.calendar(conn, scope=scope, office=office, start=start, end=end)
    hours = measures["arrival_to_release"]
    return page(
        request,
        "agency_dashboard.html",
        officer,
        title="Dashboard",
        messages=[("error", problem)] if problem else [],
        window=window,
        first=window.start.date().isoformat(),
        last=(window.end - timedelta(microseconds=1)).date().isoformat(),
        requirements=requirement_store.counts(conn, agency, scope=scope, start=window.start, end=window.end),
        measures={**measures, "arrival_to_release": {k: hours[k] for k in (agency, "last") if k in hours}},
    )


@router.get("/dashboard")
def dashboard(
    request: Request,
    officer: OfficerDep,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
    office: str | None = None,
    format: str | None = None,
    figure: str | None = None,
) -> Response:
    system = get_system(request)
    at = now(request)
    office = officer.scope.office_shown((office or "").strip().upper() or None)
    with system.db.read() as conn:
        window, problem = _window(conn, first, last, office, at)
        if officer.is_agency:  # customs' figures are customs' work: an agency sees its own
            return _agency(request, officer, conn, window, problem)
        _, joint_measures = joint.calendar(
            conn, scope=officer.scope, office=office, start=window.start, end=window.end
        )  # the measures GET /v1/inspections gives, for the dashboard's window
        if format == "csv" and figure == JOINT:
            name = f"dashboard-{JOINT}-{window.start:%Y%m%d%H}-{window.end:%Y%m%d%H}.csv"
            return csv_response(calendar_page.measure_lines(joint_measures), calendar_page.MEASURE_COLUMNS, name)
        if format == "csv":
            if figure not in metrics.FIGURES:
                return page(
                    request,
                    "error.html",
                    officer,
                    status=404,
                    title="No such figure",
                    message=f"Figures: {', '.join([*metrics.FIGURES, JOINT])}.",
                )
            table = metrics.figure(conn, figure, window, at)
            name = f"dashboard-{figure}-{window.start:%Y%m%d%H}-{window.end:%Y%m%d%H}.csv"
            return csv_response(table.rows, table.columns, name)
        figures = metrics.dashboard(conn, window, at)
        known = metrics.offices(conn) if officer.office_scope is None else [officer.office_scope]
    query = (
        {"from": window.start.date().isoformat(), "to": (window.end - timedelta(microseconds=1)).date().isoformat()}
        if first or last
        else {}
    )
    if office:
        query["office"] = office
    shown = [
        {
            "figure": f,
            "chart": _chart(f, window),
            "headings": [HEADINGS.get(c, c.replace("_", " ")) for c in f.columns],
            "numeric": [
                c not in ("period", "outcome", "age", "measure", "selection", "commodity", "unit") for c in f.columns
            ],
            "cells": [[_cell(c, row.get(c)) for c in f.columns] for row in f.rows],
            "csv": "/dashboard?" + urlencode({**query, "format": "csv", "figure": f.name}),
        }
        for f in figures.values()
    ]
    return page(
        request,
        "dashboard.html",
        officer,
        title="Dashboard",
        messages=[("error", problem)] if problem else [],
        window=window,
        figures=shown,
        offices=known,
        office=office or "",
        scoped=officer.office_scope is not None,
        first=window.start.date().isoformat(),
        last=(window.end - timedelta(microseconds=1)).date().isoformat(),
        measures=joint_measures,
        measures_csv="/dashboard?" + urlencode({**query, "format": "csv", "figure": JOINT}),
        now_at=at,
    )

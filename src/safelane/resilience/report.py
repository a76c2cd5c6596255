"""What the simulator reports: backlog curves, time to clear, TRS percentiles per tier, plans compared, and a
calibration check against published Time Release Study figures; as data, CSV files and an SVG chart.

Times follow the WCO Time Release Study's terms: *release time* is arrival to release; the *delay* is the time a
consignment waited for a lane (release minus presentation minus its own processing). Consignments compared
across plans are the same ones ("affected": at the disrupted office, presented from the window's start until one
closure length after its end), so a plan is judged on the traffic it had to clear.
"""

import csv
import io
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from safelane.resilience.scenario import Scenario
from safelane.resilience.simulation import Outcome, Traffic

TIER_NAMES = {1: "essential goods", 2: "trusted traders", 3: "the rest"}


@cache
def published() -> list[dict[str, Any]]:
    text = files("safelane.resilience").joinpath("data/published_release_times.csv").read_text(encoding="utf-8")
    return [{**row, "hours": float(row["hours"])} for row in csv.DictReader(text.splitlines())]


def _stats(values: np.ndarray) -> dict[str, float | None]:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"p50": None, "p90": None, "mean": None}
    p50, p90 = np.percentile(values, [50, 90])
    return {"p50": round(float(p50), 2), "p90": round(float(p90), 2), "mean": round(float(values.mean()), 2)}


def summarise(scenario: Scenario, traffic: Traffic, outcomes: Sequence[Outcome]) -> dict[str, Any]:
    w = scenario.disruption
    start, end = w.start_hour, w.start_hour + w.hours
    at_office = np.array([t.office == w.office for t in scenario.traffic])[traffic.stream]
    simulated = (traffic.presented >= 0) & (traffic.presented < scenario.hours)
    affected = at_office & (traffic.presented >= start) & (traffic.presented < end + w.hours)
    before = simulated & (traffic.presented < start)
    modes = np.array([t.mode for t in scenario.traffic])[traffic.stream]
    plans: list[dict[str, Any]] = []
    for o in outcomes:
        trs = o.released - traffic.arrival
        delay = o.released - traffic.presented - o.service
        tiers = {
            tier: {
                "name": TIER_NAMES[tier],
                "consignments": int((affected & (o.tier == tier)).sum()),
                "release_hours": _stats(trs[affected & (o.tier == tier)]),
                "delay_hours": _stats(delay[affected & (o.tier == tier)]),
            }
            for tier in (1, 2, 3)
        }
        cleared = None if o.ended_at is None else round(o.ended_at - end, 1)
        plans.append(
            {
                "name": o.name,
                "backlog_peak": max(o.backlog, default=0),
                "clear_hours": cleared,
                "clear_ratio": None if cleared is None else round(cleared / w.hours, 2),
                "unreleased_at_horizon": int((simulated & np.isnan(o.released)).sum()),
                "documentary_instead_of_physical": o.documentary_relieved,
                "tiers": tiers,
            }
        )
    fifo = next((p for p in plans if p["name"].lower().startswith("fifo")), plans[0])
    for plan in plans:
        ours, theirs = plan["tiers"][1]["delay_hours"]["p50"], fifo["tiers"][1]["delay_hours"]["p50"]
        plan["tier1_delay_vs_fifo"] = round(ours / theirs, 3) if ours is not None and theirs else None
    calibration = []
    first = outcomes[0]
    for mode in sorted({t.mode for t in scenario.traffic}):
        chosen = before & (modes == mode)
        release = _stats((first.released - traffic.arrival)[chosen])["mean"]
        customs = _stats((first.released - traffic.presented)[chosen])["mean"]
        for row in published():
            if row["mode"] != mode:
                continue
            ours = release if row["metric"] == "arrival to release" else customs
            ratio = None if ours is None else round(ours / row["hours"], 2)
            calibration.append(
                {
                    "mode": mode,
                    "metric": row["metric"],
                    "study": f"{row['country']} {row['study']}",
                    "published_hours": row["hours"],
                    "simulated_hours": ours,
                    "ratio": ratio,
                    "same_order": ratio is not None and 0.1 <= ratio <= 10,
                }
            )
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "consignments": int(simulated.sum()),
        "disruption": {"kind": w.kind, "office": w.office, "start_hour": start, "hours": w.hours},
        "plans": plans,
        "calibration": calibration,
    }


def tables(summary: dict[str, Any]) -> str:
    """The comparison and the calibration as plain-text tables (what `simulate` prints)."""
    out = io.StringIO()
    w = summary["disruption"]
    out.write(f"{summary['scenario']} (seed {summary['seed']}): {summary['consignments']} consignments; ")
    out.write(f"{w['kind']} at {w['office']} for {w['hours']:g} h from hour {w['start_hour']:g}\n\n")
    head = f"{'plan':32} {'peak':>6} {'clear h':>8} {'x closure':>9} {'t1 delay p50':>13} {'t1/FIFO':>8}"
    head += f" {'t2 p50':>7} {'t3 p50':>7} {'t1 TRS p90':>11} {'t3 TRS p90':>11}\n"
    out.write(head)

    def f(value: Any) -> str:
        return "-" if value is None else f"{value:g}"

    for p in summary["plans"]:
        t = p["tiers"]
        out.write(
            f"{p['name'][:32]:32} {p['backlog_peak']:>6} {f(p['clear_hours']):>8} {f(p['clear_ratio']):>9} "
            f"{f(t[1]['delay_hours']['p50']):>13} {f(p['tier1_delay_vs_fifo']):>8} {f(t[2]['delay_hours']['p50']):>7} "
            f"{f(t[3]['delay_hours']['p50']):>7} {f(t[1]['release_hours']['p90']):>11} "
            f"{f(t[3]['release_hours']['p90']):>11}\n"
        )
    out.write("\ncalibration (undisturbed traffic before the window, first plan)\n")
    out.write(f"{'mode':6} {'metric':24} {'study':34} {'published h':>11} {'simulated h':>11} {'ratio':>6}\n")
    for c in summary["calibration"]:
        out.write(
            f"{c['mode']:6} {c['metric']:24} {c['study'][:34]:34} {c['published_hours']:>11g} "
            f"{f(c['simulated_hours']):>11} {f(c['ratio']):>6}{'' if c['same_order'] else '  (off by 10x)'}\n"
        )
    return out.getvalue()


def write_csv(directory: Path, summary: dict[str, Any], outcomes: Sequence[Outcome]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    backlog = directory / "backlog.csv"
    with backlog.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hour", *(o.name for o in outcomes)])
        for hour, row in enumerate(zip(*(o.backlog for o in outcomes), strict=True)):
            writer.writerow([hour + 1, *row])
    tiers = directory / "tiers.csv"
    with tiers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["plan", "tier", "consignments", "delay_p50_h", "delay_p90_h", "release_p50_h",
                         "release_p90_h", "release_mean_h"])  # fmt: skip
        for p in summary["plans"]:
            for tier, t in p["tiers"].items():
                d, r = t["delay_hours"], t["release_hours"]
                writer.writerow([p["name"], tier, t["consignments"], d["p50"], d["p90"], r["p50"], r["p90"], r["mean"]])
    plans = directory / "plans.csv"
    with plans.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["plan", "backlog_peak", "clear_hours", "clear_ratio", "tier1_delay_vs_fifo",
                         "documentary_instead_of_physical", "unreleased_at_horizon"])  # fmt: skip
        for p in summary["plans"]:
            writer.writerow([p["name"], p["backlog_peak"], p["clear_hours"], p["clear_ratio"],
                             p["tier1_delay_vs_fifo"], p["documentary_instead_of_physical"],
                             p["unreleased_at_horizon"]])  # fmt: skip
    return [backlog, tiers, plans]


COLOURS = ("#5b6770", "#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df")


def svg(summary: dict[str, Any], outcomes: Sequence[Outcome], width: int = 800, height: int = 320) -> str:
    """The backlog curves of every plan, with the disruption window shaded; a standalone SVG document."""
    left, right, top, bottom = 56, 16, 28, 40
    hours = max((len(o.backlog) for o in outcomes), default=1)
    peak = max((max(o.backlog, default=0) for o in outcomes), default=0) or 1
    x = lambda h: left + (width - left - right) * h / hours  # noqa: E731
    y = lambda v: top + (height - top - bottom) * (1 - v / peak)  # noqa: E731
    w = summary["disruption"]
    x0, x1 = x(w["start_hour"]), x(w["start_hour"] + w["hours"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="backlog per hour at {escape(w["office"])}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(summary['scenario'])}: backlog at {escape(w['office'])} per hour</title>",
        f'<rect x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" height="{height - top - bottom}" fill="#f6e7c1"/>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{height - bottom + 4}" text-anchor="end">0</text>',
        f'<text x="{width - right}" y="{height - 12}" text-anchor="end">hour {hours}</text>',
        f'<text x="{left}" y="{height - 12}">consignments waiting at {escape(w["office"])} '
        f"(shaded: {escape(w['kind'])})</text>",
    ]
    for n, o in enumerate(outcomes):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(h + 1):.1f},{y(v):.1f}" for h, v in enumerate(o.backlog))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>')
        label = escape(o.name)
        parts.append(
            f'<text x="{width - right - 4}" y="{top + 14 * n}" text-anchor="end" fill="{colour}">{label}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

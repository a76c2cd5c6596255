"""Time Release Study metrics the way administrations publish them: per segment, the average, the median and
90th percentile of arrival to release, and the share released within the mode's target; beside them the medians
of the steps (lodgement to decision and to release, arrival to control start, control start to end; for
pre-loading air cargo, lodgement to the actual departure where reported and a referral's decision to resolution),
how many were measured from an actual arrival (or departure) rather than the declared one, and the daily p50/p90.

The time stamps come from the store (`store.trs`); this module only groups them. Segments: mode, filing kind,
both (`mode_kind`, e.g. "sea declaration": what the published studies measure), office, channel (the referral
issued, for pre-loading filings), trader category (an AEO when the trusted-traders assessor found the filer
certified as of filing), disruption (lodged inside a declared window whose offices and modes cover the
consignment, or "none") and continuity tier (the one its current decision was taken with, or "none").
"""

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

import sqlalchemy as sa

from safelane.cases.dashboard import percentile
from safelane.scope import Scope
from safelane.store import disruptions as disruption_store
from safelane.store import trs as trs_store

SEGMENTS = ("mode", "kind", "mode_kind", "office", "channel", "trader", "disruption", "tier")
MEASURES = (
    "arrival_to_release",
    "lodgement_to_release",
    "lodgement_to_decision",
    "arrival_to_control_start",
    "control_start_to_end",
    "lodgement_to_departure",
    "referral_to_resolution",
)
SIGNED = frozenset({"lodgement_to_departure"})  # a filing lodged after departure is late: keep its sign
MEDIANS = MEASURES[1:]  # reported as p50 per segment beside arrival to release's full figures
COLUMNS = (
    "segment",
    "value",
    "consignments",
    "released",
    "mean_hours",
    "p50_hours",
    "p90_hours",
    "target_hours",
    "within_target",
    *(f"{m}_p50_hours" for m in MEDIANS),
    "lodgement_to_release_mean_hours",
    "actual_arrivals",
    "declared_arrivals",
    "actual_departures",
    "declared_departures",
)


@cache
def targets() -> dict[str, float]:
    """Release-time target per mode in hours (shipped data, provenance in its source column)."""
    text = files("safelane.resilience").joinpath("data/trs_targets.csv").read_text(encoding="utf-8")
    return {row["mode"]: float(row["target_hours"]) for row in csv.DictReader(text.splitlines())}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _mean(seconds: Sequence[float]) -> float | None:
    return _hours(sum(seconds) / len(seconds)) if seconds else None


def _windows(conn: sa.Connection, until: datetime) -> list[dict[str, Any]]:
    out = []
    for row in disruption_store.listing(conn, include_ended=True):
        scope = row["scope"] or {}
        out.append(
            {
                "id": row["disruption_id"],
                "start": row["starts_at"],
                "end": row["ended_at"] or until,
                "offices": set(scope.get("offices") or ()),
                "modes": set(scope.get("modes") or ()),
            }
        )
    return out


def _disruption(row: Mapping[str, Any], windows: Sequence[Mapping[str, Any]]) -> str:
    for w in windows:
        if (
            w["start"] <= row["lodged_at"] < w["end"]
            and (not w["offices"] or row["office"] in w["offices"])
            and (not w["modes"] or row["mode"] in w["modes"])
        ):
            return str(w["id"])
    return "none"


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    return None if later is None or earlier is None else (later - earlier).total_seconds()


def _pre_loading(row: dict[str, Any]) -> dict[str, Any]:
    """A referral row in the study's shape: its start is the departure (the WCO guide's start for pre-loading
    cargo), its segment value the referral issued, and the referral's own time from decision to resolution
    (RFI answered and closed, RFS screened, DNL lifted). No customs release ends a pre-loading answer."""
    referral = row.pop("referral")
    resolved = row.pop("resolved_at")
    standing = referral != "ASSESSMENT_COMPLETE"
    return {
        **row,
        "channel": referral,
        "control_start_at": None,
        "control_end_at": None,
        "released_at": None,
        "resolved_at": resolved,
        **dict.fromkeys(MEASURES[:5]),
        "lodgement_to_decision": _seconds(row["decided_at"], row["lodged_at"]),
        "lodgement_to_departure": _seconds(row["departure_at"], row["lodged_at"]),
        "referral_to_resolution": _seconds(resolved, row["decided_at"]) if standing else None,
    }


def rows(conn: sa.Connection, *, scope: Scope, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Each consignment's time stamps with its segments (`trader`: aeo | other; `disruption`: its id or none;
    `tier`: 1 to 3 or none): channel decisions measured from arrival, pre-loading referrals from departure."""
    channels = trs_store.timestamps(conn, scope=scope, since=since, until=until)
    for row in channels:
        row |= {"departure_at": None, "departure_source": None, "resolved_at": None, "lodgement_to_departure": None}
        row["referral_to_resolution"] = None
    referrals = [_pre_loading(r) for r in trs_store.pre_loading(conn, scope=scope, since=since, until=until)]
    stamped = sorted(channels + referrals, key=lambda r: (r["lodged_at"], r["consignment_id"]))
    windows = _windows(conn, until)
    aeo = trs_store.aeo_consignments(conn, [r["consignment_id"] for r in stamped])
    tiers = trs_store.tiers(conn, [r["consignment_id"] for r in stamped])
    for row in stamped:
        row["trader"] = "aeo" if row["consignment_id"] in aeo else "other"
        row["mode_kind"] = f"{row['mode']} {row['kind']}"  # the published studies' population: sea declaration
        row["disruption"] = _disruption(row, windows)
        row["tier"] = str(tiers.get(row["consignment_id"], "none"))
        for measure in MEASURES:  # released before arrival (pre-arrival processing) counts as released on arrival
            if row[measure] is not None:
                row[measure] = float(row[measure]) if measure in SIGNED else max(0.0, float(row[measure]))
    return stamped


def summarise(stamped: Iterable[Mapping[str, Any]], segments: Sequence[str] = SEGMENTS) -> list[dict[str, Any]]:
    """One row per segment value (and one for all): averages, p50/p90 and share within target, in hours."""
    stamped = list(stamped)
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {("all", "all"): stamped}
    for segment in segments:
        for row in stamped:
            groups.setdefault((segment, str(row[segment])), []).append(row)
    goal = targets()
    out = []
    for (segment, value), members in sorted(groups.items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        times = [r["arrival_to_release"] for r in members if r["arrival_to_release"] is not None]
        within = [
            r["arrival_to_release"] <= goal[r["mode"]] * 3600
            for r in members
            if r["arrival_to_release"] is not None and r["mode"] in goal
        ]
        modes = {r["mode"] for r in members}
        target = goal.get(next(iter(modes))) if len(modes) == 1 else None
        out.append(
            {
                "segment": segment,
                "value": value,
                "consignments": len(members),
                "released": len(times),
                "mean_hours": _mean(times),
                "p50_hours": _hours(percentile(times, 50)),
                "p90_hours": _hours(percentile(times, 90)),
                "target_hours": target,
                "within_target": round(sum(within) / len(within), 4) if within else None,
                **{
                    f"{m}_p50_hours": _hours(percentile([r[m] for r in members if r[m] is not None], 50))
                    for m in MEDIANS
                },
                "lodgement_to_release_mean_hours": _mean(
                    [r["lodgement_to_release"] for r in members if r["lodgement_to_release"] is not None]
                ),
                "actual_arrivals": sum(r["arrival_source"] == "actual" for r in members),
                "declared_arrivals": sum(r["arrival_source"] == "declared" for r in members),
                "actual_departures": sum(r["departure_source"] == "actual" for r in members),
                "declared_departures": sum(r["departure_source"] == "declared" for r in members),
            }
        )
    return out


def arrivals(stamped: Iterable[Mapping[str, Any]], stamp: str = "arrival") -> dict[str, int]:
    """How many consignments the TRS measures from an actual arrival (or `stamp`: departure), from the declared
    one, or from none."""
    counts = {"actual": 0, "declared": 0, "none": 0}
    for row in stamped:
        counts[row[f"{stamp}_source"] or "none"] += 1
    return counts


def daily(stamped: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per UTC day of lodgement: consignments, released, p50 and p90 of arrival to release (hours)."""
    days: dict[str, list[Mapping[str, Any]]] = {}
    for row in stamped:
        days.setdefault(row["lodged_at"].date().isoformat(), []).append(row)
    out = []
    for day, members in sorted(days.items()):
        times = [r["arrival_to_release"] for r in members if r["arrival_to_release"] is not None]
        out.append(
            {
                "day": day,
                "consignments": len(members),
                "released": len(times),
                "p50_hours": _hours(percentile(times, 50)),
                "p90_hours": _hours(percentile(times, 90)),
            }
        )
    return out


def report(conn: sa.Connection, *, scope: Scope, since: datetime, until: datetime) -> dict[str, Any]:
    """The published-style figures for consignments lodged in [since, until), with where the arrival stamps
    (and, for pre-loading filings, the departure stamps) came from, actual against declared, and the daily
    distribution."""
    stamped = rows(conn, scope=scope, since=since, until=until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "targets_hours": targets(),
        "arrivals": arrivals(stamped),
        "departures": arrivals([r for r in stamped if r["kind"] == "pre_loading"], "departure"),
        "segments": summarise(stamped),
        "daily": daily(stamped),
    }

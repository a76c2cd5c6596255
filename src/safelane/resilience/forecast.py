"""The clearance forecast on the resilience dashboard: the disruption simulator run on the store's own traffic.

For a disruption in force at an office, the simulator (`resilience.simulation`, the real decision policy) gets
a scenario built from what the store knows: the office's traffic per mode and hour of the day from its history
(`shape: store`), its current daily capacity from the office settings, the declared window (start to expected
end, a day ahead when none is given) and two plans, the continuity plan declared and first in, first out. The
recovery runs at current capacity (factor 1). What the store cannot know comes from the shipped 48-hour
closure scenario (lane times per channel, dwell per mode, risk) and two stated assumptions: the office has
lanes enough to run at 70 % of them on an ordinary hour, and during the window a share of them stays open
(`OPEN_SHARE`, by kind). It is a forecast to compare plans, not a promise.
"""

import math
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from safelane.resilience import history, report, simulation
from safelane.resilience.disruption import Disruption
from safelane.resilience.scenario import MODES, InvalidScenario, parse
from safelane.store import Database
from safelane.store import offices as office_store
from safelane.store import traffic as traffic_store

UTILISATION = 0.7  # the share of its lanes an office uses on an ordinary hour (assumed)
OPEN_SHARE = {"port_closure": 0.1, "airport_closure": 0.1, "system_outage": 0.0}  # lanes open in the window
OTHER_OPEN_SHARE = 0.5  # a surge, a pandemic, a natural disaster, a cyber incident: half the lanes work
BEFORE = timedelta(hours=24)  # simulated before the window, so the backlog starts from an ordinary day
DEFAULT_WINDOW = timedelta(hours=24)  # when the declaration gives no expected end
HORIZON_FACTOR = 4  # simulated after the window: this many window lengths (for the backlog to clear)
MOST_HOURS = 24 * 30


@cache
def _defaults() -> dict[str, Any]:
    text = files("safelane.resilience").joinpath("scenarios/seaport_closure_48h.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {k: data[k] for k in ("service_hours", "dwell_hours", "risk")}


def scenario_data(db: Database, disruption: Disruption, *, now: datetime, seed: int = 7) -> dict[str, Any] | str:
    """The scenario (as `simulate --scenario` reads it) for this disruption, or why there is none."""
    if not disruption.scope.offices:
        return "the disruption names no office: the simulator models one office's lanes"
    office = disruption.scope.offices[0]
    defaults = _defaults()
    modes = [m for m in (disruption.scope.modes or MODES) if m in defaults["dwell_hours"]]
    with db.read() as conn:
        seen = {m: traffic_store.hourly(conn, office, m) for m in modes}
        settings = office_store.offices(conn)(office)
    rates = {m: sum(counts) / (24 * days) for m, (days, counts, _, _) in seen.items() if days}
    if not rates:
        return f"the store holds no {' or '.join(modes)} consignments at {office} to forecast from"
    mean_service = sum(defaults["service_hours"].values()) / len(defaults["service_hours"])
    lanes = max(1, math.ceil(sum(rates.values()) * mean_service / UTILISATION))
    start = disruption.starts_at - BEFORE
    end = disruption.expected_end or max(now, disruption.starts_at) + DEFAULT_WINDOW
    window = max(1.0, (end - disruption.starts_at).total_seconds() / 3600)
    hours = min(MOST_HOURS, math.ceil(BEFORE.total_seconds() / 3600 + window * (1 + HORIZON_FACTOR)))
    capacity = {k: v for k in ("physical", "nii", "documentary") if (v := settings.limit(k)) is not None}
    return {
        "name": f"forecast of {disruption.disruption_id} at {office}",
        "seed": seed,
        "start": start.isoformat(),
        "hours": hours,
        "traffic": [{"office": office, "mode": m, "shape": "store"} for m in rates],
        "offices": {office: {"lanes": lanes, "capacity": capacity}},
        **defaults,
        "disruption": {
            "kind": disruption.kind,
            "office": office,
            "start_hour": BEFORE.total_seconds() / 3600,
            "hours": min(window, hours - BEFORE.total_seconds() / 3600),
            "capacity_factor": OPEN_SHARE.get(disruption.kind, OTHER_OPEN_SHARE),
        },
        "recovery": {"capacity_factor": 1.0},
        "plans": [
            {"name": "FIFO", "plan": {"priority": "fifo", "documentary_tiers": []}},
            {"name": "the plan declared", "plan": disruption.plan.as_dict()},
        ],
    }


def forecast(db: Database, disruption: Disruption, *, now: datetime, seed: int = 7) -> dict[str, Any]:
    """The simulator's summary for this disruption (`report.summarise`), with the window's end and the hours it
    forecasts the backlog to clear after it; {"unavailable": why} when the store cannot say."""
    data = scenario_data(db, disruption, now=now, seed=seed)
    if isinstance(data, str):
        return {"disruption_id": disruption.disruption_id, "unavailable": data}
    try:
        scenario = history.calibrate(parse(data, source="forecast"), db)
    except InvalidScenario as error:
        return {"disruption_id": disruption.disruption_id, "unavailable": str(error)}
    traffic = simulation.draw(scenario)
    summary = report.summarise(scenario, traffic, simulation.simulate(scenario, traffic))
    window_end = scenario.start + timedelta(hours=scenario.disruption.start_hour + scenario.disruption.hours)
    return {
        "disruption_id": disruption.disruption_id,
        "office": scenario.disruption.office,
        "lanes": scenario.offices[scenario.disruption.office].lanes,
        "window_end": window_end.isoformat(),
        "unavailable": None,
        **summary,
    }

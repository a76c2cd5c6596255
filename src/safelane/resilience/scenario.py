"""A disruption scenario as a YAML file: traffic, capacity, the disruption window, the plans to compare.

```yaml
name: 48-hour closure of the port of Rotterdam
seed: 7
start: 2026-03-02T00:00:00Z
hours: 192                       # simulated horizon
traffic:                         # mean consignments per hour (Poisson), shaped by the hour of the day
  - {office: NLRTM, mode: sea, per_hour: 60, essential_share: 0.08, trusted_share: 0.37, shape: demo}
offices:                         # clearance lanes (parallel) and the selection's daily capacity per kind
  NLRTM: {lanes: 12, capacity: {physical: 60, documentary: 250}}
service_hours: {green: 0.1, blue: 0.1, yellow: 1.5, red: 5}   # mean lane time per consignment (exponential)
dwell_hours: {sea: 45, air: 10}  # median trade-side time from arrival to presentation (lognormal, sigma 0.6)
risk: {mean_score: 18, floor_share: 0.004}   # scores; the share with a strong screening hit (a red floor)
disruption: {kind: port_closure, office: NLRTM, start_hour: 24, hours: 48, capacity_factor: 0}
recovery: {capacity_factor: 1.5}  # lanes after the window, until the backlog is cleared
plans:                           # compared; each is a continuity plan plus what it changes in the scenario
  - {name: FIFO, plan: {priority: fifo, documentary_tiers: []}}
  - {name: tiered, plan: {priority: tiered}}
```

`shape: demo` is the demo generator's filing activity per UTC hour; `flat` is even; `store` takes both the rate and
the shape from the store's own history at that office and mode (`simulate --database`). A plan may also set
`recovery_factor` (more capacity) or `trusted_share` (more trusted traders) to compare those choices.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from safelane.domain import Problem
from safelane.resilience.disruption import KIND_NAMES, ContinuityPlan, plan_from

CHANNELS = ("green", "blue", "yellow", "red")
PLACES = "physical, nii or documentary: places per day"
MODES = ("sea", "air", "road", "rail", "postal", "express")


class InvalidScenario(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.location}: {p.message}" for p in problems))


@dataclass(frozen=True)
class Traffic:
    office: str
    mode: str
    per_hour: float
    essential_share: float = 0.05
    trusted_share: float = 0.3
    shape: str = "demo"  # demo | flat | store
    weights: tuple[float, ...] | None = None  # 24 hourly factors (mean 1) once calibrated from the store

    @property
    def from_store(self) -> bool:
        return self.shape == "store"


@dataclass(frozen=True)
class Office:
    lanes: int
    capacity: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    kind: str
    office: str
    start_hour: float
    hours: float
    capacity_factor: float = 0.0


@dataclass(frozen=True)
class PlanRun:
    name: str
    plan: ContinuityPlan
    recovery_factor: float | None = None  # None: the scenario's
    trusted_share: float | None = None  # None: each traffic stream's


@dataclass(frozen=True)
class Scenario:
    name: str
    seed: int
    start: datetime
    hours: int
    traffic: tuple[Traffic, ...]
    offices: Mapping[str, Office]
    service_hours: Mapping[str, float]
    dwell_hours: Mapping[str, float]
    mean_score: float
    floor_share: float
    disruption: Window
    recovery_factor: float
    plans: tuple[PlanRun, ...]

    def with_seed(self, seed: int) -> "Scenario":
        return replace(self, seed=seed)


class _Reader:
    """Reads fields and collects located problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def mapping(self, data: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            self.problems.append(Problem(where, "invalid_section", f"{where} is a mapping"))
            return {}
        return data

    def number(self, data: Mapping[str, Any], key: str, where: str, default: float | None = None, *,
               low: float = 0.0, high: float = 1e9) -> float:  # fmt: skip
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.problems.append(Problem(f"{where}.{key}", "invalid_number", f"a number from {low:g} to {high:g}"))
            return low
        return float(value)

    def text(
        self, data: Mapping[str, Any], key: str, where: str, choices: Any = None, default: str | None = None
    ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (choices is not None and value not in choices):
            hint = f"one of {', '.join(choices)}" if choices is not None else "text"
            self.problems.append(Problem(f"{where}.{key}", "invalid_text", hint))
            return ""
        return value


def parse(data: Any, *, source: str = "scenario") -> Scenario:
    r = _Reader()
    top = r.mapping(data, "$")
    start = top.get("start")
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            start = None
    if not isinstance(start, datetime) or start.tzinfo is None:
        r.problems.append(Problem("start", "invalid_time", "an ISO 8601 time with its zone"))
        start = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    hours = int(r.number(top, "hours", "$", low=1, high=24 * 366))
    traffic = []
    streams = top.get("traffic")
    if not isinstance(streams, list) or not streams:
        r.problems.append(Problem("traffic", "invalid_section", "traffic is a list of streams"))
        streams = []
    for i, raw in enumerate(streams):
        where = f"traffic[{i}]"
        t = r.mapping(raw, where)
        shape = r.text(t, "shape", where, ("demo", "flat", "store"), "demo")
        traffic.append(
            Traffic(
                r.text(t, "office", where),
                r.text(t, "mode", where, MODES),
                r.number(t, "per_hour", where, 0 if shape == "store" else None, low=0, high=1e6),
                r.number(t, "essential_share", where, 0.05, high=1),
                r.number(t, "trusted_share", where, 0.3, high=1),
                shape,
            )
        )
    offices = {}
    for code, raw in r.mapping(top.get("offices"), "offices").items():
        where = f"offices.{code}"
        o = r.mapping(raw, where)
        capacity = {}
        for kind, places in r.mapping(o.get("capacity", {}), f"{where}.capacity").items():
            if kind not in ("physical", "nii", "documentary") or not isinstance(places, int) or places < 0:
                r.problems.append(Problem(f"{where}.capacity.{kind}", "invalid_capacity", PLACES))
            else:
                capacity[kind] = places
        offices[str(code)] = Office(int(r.number(o, "lanes", where, low=1, high=1e5)), capacity)
    for i, stream in enumerate(traffic):
        if stream.office and stream.office not in offices:
            r.problems.append(Problem(f"traffic[{i}].office", "unknown_office", "this office has no entry in offices"))
    service = r.mapping(top.get("service_hours"), "service_hours")
    service_hours = {c: r.number(service, c, "service_hours", low=0.001, high=1000) for c in CHANNELS}
    dwell = r.mapping(top.get("dwell_hours", {}), "dwell_hours")
    dwell_hours = {m: r.number(dwell, m, "dwell_hours", high=1000) for m in dwell}
    for i, stream in enumerate(traffic):
        if stream.mode and stream.mode not in dwell_hours:
            r.problems.append(Problem(f"traffic[{i}].mode", "no_dwell", "dwell_hours has no entry for this mode"))
    risk = r.mapping(top.get("risk", {}), "risk")
    w = r.mapping(top.get("disruption"), "disruption")
    window = Window(
        r.text(w, "kind", "disruption", tuple(KIND_NAMES)),
        r.text(w, "office", "disruption", tuple(offices) or None),
        r.number(w, "start_hour", "disruption", high=hours),
        r.number(w, "hours", "disruption", low=0.5, high=hours),
        r.number(w, "capacity_factor", "disruption", 0.0, high=1),
    )
    recovery = r.mapping(top.get("recovery", {}), "recovery")
    plans = []
    raw_plans = top.get("plans")
    if not isinstance(raw_plans, list) or not raw_plans:
        r.problems.append(Problem("plans", "invalid_section", "plans is a list of {name, plan}"))
        raw_plans = []
    for i, raw in enumerate(raw_plans):
        where = f"plans[{i}]"
        p = r.mapping(raw, where)
        plan_problems: list[Problem] = []
        plan = plan_from(p.get("plan"), plan_problems)
        r.problems += [replace(q, location=f"{where}.{q.location}") for q in plan_problems]
        plans.append(
            PlanRun(
                r.text(p, "name", where),
                plan,
                r.number(p, "recovery_factor", where, low=0, high=100) if "recovery_factor" in p else None,
                r.number(p, "trusted_share", where, high=1) if "trusted_share" in p else None,
            )
        )
    if r.problems:
        raise InvalidScenario(r.problems)
    return Scenario(
        str(top.get("name", source)),
        int(r.number(top, "seed", "$", 1, high=2**32)),
        start,
        hours,
        tuple(traffic),
        offices,
        service_hours,
        dwell_hours,
        r.number(risk, "mean_score", "risk", 15.0, high=100),
        r.number(risk, "floor_share", "risk", 0.002, high=1),
        window,
        r.number(recovery, "capacity_factor", "recovery", 1.0, high=100),
        tuple(plans),
    )


def load(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidScenario([Problem(str(path), "unreadable", str(error))]) from None
    return parse(data, source=path.stem)

"""A disruption as a supervisor declares it, and the continuity plan activated with it.

The kinds follow the WCO Disaster Management and Supply Chain Continuity Guidelines (2021) and the Trade Recovery
Guidelines (2010); the tiers follow US CBP's trade resumption priorities (national-priority and relief goods,
then trusted traders, then the rest). A disruption covers a consignment when the consignment falls in its scope
(every listed dimension must match; an empty one matches all) and it is decided between the start and the
explicit end: the expected end is a forecast, never the end.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from safelane.domain import Lodgement, Problem
from safelane.domain.codes import TransportMode
from safelane.selection.capacity import KINDS, MAX_CAPACITY, OFFICE

KIND_NAMES = {
    "port_closure": "port closure",
    "airport_closure": "airport closure",
    "system_outage": "system outage",
    "surge": "surge in traffic",
    "pandemic": "pandemic",
    "natural_disaster": "natural disaster",
    "cyber_incident": "cyber incident",
}
TIERS = (1, 2, 3)
DEFAULT_EXPECTED_HOURS = {1: 4.0, 2: 12.0, 3: 48.0}
PRIORITIES = ("tiered", "fifo")
OFFICE_RULE = "an office is 2 to 17 capital letters and digits"


class InvalidDisruption(ValueError):
    """A declaration that cannot be accepted; one located problem per defect."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.location}: {p.message}" for p in problems))


@dataclass(frozen=True)
class Scope:
    """What the disruption touches: offices (entry office codes), modes, routes ('CNSHA-NLRTM': loading and
    unloading UN/LOCODEs) and origins (ISO countries of loading or of any goods item's origin)."""

    offices: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()

    def covers(self, lodgement: Lodgement) -> bool:
        c = lodgement.consignment
        if self.offices and c.entry_office not in self.offices:
            return False
        if self.modes and c.mode.value not in self.modes:
            return False
        route = f"{c.itinerary.place_of_loading or ''}-{c.itinerary.place_of_unloading or ''}"
        if self.routes and route not in self.routes:
            return False
        if self.origins:
            countries = {c.itinerary.loading_country, *(g.origin_country for g in c.goods)}
            if not countries & set(self.origins):
                return False
        return True

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in ("offices", "modes", "routes", "origins")}


@dataclass(frozen=True)
class ContinuityPlan:
    """How selection changes while the disruption lasts.

    `priority` is "tiered" (tier 1, 2, 3) or "fifo" (no tiers: the plan only adds capacity or measures);
    `documentary_tiers` are the tiers whose risk-driven physical inspections become documentary checks;
    `extra_capacity` adds places per day to an office's limits (office -> kind -> places);
    `expected_hours` is the processing time per tier the filer is told; `diversion_offices` accept cargo
    diverted from the offices in scope (recorded for officers; capacity there comes from `extra_capacity`).
    """

    priority: str = "tiered"
    documentary_tiers: tuple[int, ...] = (1, 2)
    extra_capacity: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    expected_hours: Mapping[int, float] = field(default_factory=lambda: dict(DEFAULT_EXPECTED_HOURS))
    diversion_offices: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "documentary_tiers": list(self.documentary_tiers),
            "extra_capacity": {o: dict(k) for o, k in self.extra_capacity.items()},
            "expected_hours": {str(t): h for t, h in self.expected_hours.items()},
            "diversion_offices": list(self.diversion_offices),
        }


@dataclass(frozen=True)
class Disruption:
    disruption_id: str
    kind: str
    scope: Scope
    starts_at: datetime
    expected_end: datetime | None
    plan: ContinuityPlan
    note: str | None = None
    ended_at: datetime | None = None

    def in_force(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ended_at is None or at < self.ended_at)

    def covers(self, lodgement: Lodgement, at: datetime) -> bool:
        return self.in_force(at) and self.scope.covers(lodgement)


def _strings(data: Mapping[str, Any], key: str, location: str, problems: list[Problem]) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem(location, "invalid_list", f"{key} is a list of codes"))
        return ()
    return tuple(v.strip().upper() if key != "modes" else v.strip().lower() for v in value)


def scope_from(data: Any, problems: list[Problem]) -> Scope:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problems.append(Problem("scope", "invalid_scope", "scope is an object of offices, modes, routes, origins"))
        return Scope()
    for key in data:
        if key not in ("offices", "modes", "routes", "origins"):
            problems.append(Problem(f"scope.{key}", "unknown_field", "scope has offices, modes, routes and origins"))
    scope = Scope(*(_strings(data, k, f"scope.{k}", problems) for k in ("offices", "modes", "routes", "origins")))
    modes = {m.value for m in TransportMode}
    for i, office in enumerate(scope.offices):
        if not OFFICE.fullmatch(office) or office == "*":
            problems.append(Problem(f"scope.offices[{i}]", "invalid_office", OFFICE_RULE))
    for i, mode in enumerate(scope.modes):
        if mode not in modes:
            problems.append(Problem(f"scope.modes[{i}]", "unknown_mode", f"modes: {', '.join(sorted(modes))}"))
    for i, route in enumerate(scope.routes):
        parts = route.split("-")
        if len(parts) != 2 or not all(len(p) == 5 for p in parts):
            problems.append(Problem(f"scope.routes[{i}]", "invalid_route", "a route is 'CNSHA-NLRTM' (two UN/LOCODEs)"))
    for i, origin in enumerate(scope.origins):
        if len(origin) != 2 or not origin.isalpha():
            problems.append(Problem(f"scope.origins[{i}]", "invalid_country", "an origin is an ISO 3166 alpha-2 code"))
    return scope


def _tier_list(value: Any, location: str, problems: list[Problem]) -> tuple[int, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not all(v in TIERS for v in value):
        problems.append(Problem(location, "invalid_tiers", "tiers are a list of 1, 2 and 3"))
        return ()
    return tuple(sorted(set(value)))


def plan_from(data: Any, problems: list[Problem]) -> ContinuityPlan:
    """A plan as a client sends it; fields left out take the standard plan's values."""
    if data is None:
        return ContinuityPlan()
    if not isinstance(data, Mapping):
        problems.append(Problem("plan", "invalid_plan", "a plan is an object"))
        return ContinuityPlan()
    known = ("priority", "documentary_tiers", "extra_capacity", "expected_hours", "diversion_offices")
    has = f"a plan has {', '.join(known)}"
    problems += [Problem(f"plan.{k}", "unknown_field", has) for k in data if k not in known]
    priority = data.get("priority", "tiered")
    if priority not in PRIORITIES:
        problems.append(Problem("plan.priority", "invalid_priority", "priority is 'tiered' or 'fifo'"))
    documentary = _tier_list(data.get("documentary_tiers", [1, 2]), "plan.documentary_tiers", problems)
    extra: dict[str, dict[str, int]] = {}
    raw_extra = data.get("extra_capacity") or {}
    if not isinstance(raw_extra, Mapping):
        problems.append(Problem("plan.extra_capacity", "invalid_capacity", "office -> kind -> places per day"))
        raw_extra = {}
    for office, kinds in raw_extra.items():
        where = f"plan.extra_capacity.{office}"
        if not isinstance(office, str) or not OFFICE.fullmatch(office) or office == "*":
            problems.append(Problem(where, "invalid_office", OFFICE_RULE))
            continue
        if not isinstance(kinds, Mapping):
            problems.append(Problem(where, "invalid_capacity", "kind -> places per day"))
            continue
        for kind, places in kinds.items():
            if kind not in KINDS:
                problems.append(Problem(f"{where}.{kind}", "unknown_kind", f"kinds: {', '.join(KINDS)}"))
            elif isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_CAPACITY:
                problems.append(Problem(f"{where}.{kind}", "invalid_capacity", "a whole number of places per day"))
            else:
                extra.setdefault(office, {})[kind] = places
    hours = dict(DEFAULT_EXPECTED_HOURS)
    raw_hours = data.get("expected_hours") or {}
    if not isinstance(raw_hours, Mapping):
        problems.append(Problem("plan.expected_hours", "invalid_hours", "tier -> hours"))
        raw_hours = {}
    for tier, value in raw_hours.items():
        where = f"plan.expected_hours.{tier}"
        number = int(tier) if str(tier).isdigit() else None
        if number not in TIERS:
            problems.append(Problem(where, "invalid_tiers", "tiers are 1, 2 and 3"))
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 24 * 365:
            problems.append(Problem(where, "invalid_hours", "hours from 0 to a year"))
        else:
            hours[number] = float(value)
    diversion = _strings(data, "diversion_offices", "plan.diversion_offices", problems)
    return ContinuityPlan(str(priority), documentary, extra, hours, diversion)


def _time(data: Mapping[str, Any], key: str, problems: list[Problem]) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            problems.append(Problem(key, "invalid_time", f"{key} is an ISO 8601 time with its zone"))
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        problems.append(Problem(key, "invalid_time", f"{key} is an ISO 8601 time with its zone"))
        return None
    return value


@dataclass(frozen=True)
class Declaration:
    """What a supervisor declares; the store gives it an id and records who and when."""

    kind: str
    scope: Scope
    starts_at: datetime
    expected_end: datetime | None
    plan: ContinuityPlan
    note: str | None = None

    @classmethod
    def from_dict(cls, data: Any, *, now: datetime) -> "Declaration":
        """A declaration as a client sends it (JSON or YAML); `starts_at` defaults to now."""
        if not isinstance(data, Mapping):
            raise InvalidDisruption([Problem("$", "invalid_declaration", "a declaration is an object")])
        problems: list[Problem] = []
        known = ("kind", "scope", "starts_at", "expected_end", "plan", "note")
        has = f"a declaration has {', '.join(known)}"
        problems += [Problem(k, "unknown_field", has) for k in data if k not in known]
        kind = data.get("kind")
        if kind not in KIND_NAMES:
            problems.append(Problem("kind", "unknown_kind", f"kinds: {', '.join(KIND_NAMES)}"))
        scope = scope_from(data.get("scope"), problems)
        starts_at = _time(data, "starts_at", problems) or now
        expected_end = _time(data, "expected_end", problems)
        if expected_end is not None and expected_end <= starts_at:
            problems.append(Problem("expected_end", "dates_out_of_order", "the expected end is after the start"))
        plan = plan_from(data.get("plan"), problems)
        note = data.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > 2000):
            problems.append(Problem("note", "invalid_note", "a note is text of up to 2000 characters"))
        if problems:
            raise InvalidDisruption(problems)
        return cls(str(kind), scope, starts_at, expected_end, plan, note)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scope": self.scope.as_dict(),
            "starts_at": self.starts_at.isoformat(),
            "expected_end": self.expected_end.isoformat() if self.expected_end else None,
            "plan": self.plan.as_dict(),
            "note": self.note,
        }

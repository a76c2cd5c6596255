"""The disruption simulator: a discrete-event model of clearance at each office, deciding through the real policy.

Traffic arrives (Poisson per hour, shaped by the hour of the day), spends a trade-side dwell before it is presented
to customs, and is decided hour by hour by the same steps the pipeline runs: `resilience.tiers.priorities` under
the disruption in force, `selection.decide`, `continuity.relieve` and `continuity.allocate` under each office's
daily capacity. Each decided consignment then queues at its office for a clearance lane (simpy processes), FIFO or,
while a tiered plan is in force, by `continuity.queue_key` (tier, then risk). The disruption window cuts the lanes
(a closed port clears nothing); after it the plan's recovery capacity applies until the backlog is back to its level
before the window, when the simulated supervisor ends the disruption, explicitly, as a real one would.

Every random draw comes from one seeded generator and is made before any plan runs, so every plan sees the same
consignments (same arrivals, scores, service draws): differences between plans are the plans' alone.
"""

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np
import simpy

from safelane.domain import Assessment, Channel, Consignment, Decision, FilingKind, Finding, Lodgement
from safelane.resilience.disruption import Disruption, Scope
from safelane.resilience.scenario import PlanRun, Scenario
from safelane.resilience.tiers import NamedTrustedTraders, priorities, tier_of
from safelane.selection import Offices, OfficeSettings, Policy, Usage, continuity, decide
from safelane.selection.continuity import Priority

POLICY = Policy(floor_assessors=frozenset({"screening"}))
KEY = b"simulation"  # the random sample's draw key: fixed, so a seed reproduces the run
SIMULATED = Finding("simulated", "risk", 1.0, "simulated risk score")
STRONG_HIT = Finding("screening", "simulated-hit", 80.0, "simulated strong watch-list hit", channel=Channel.RED)
ESSENTIAL_HS, OTHER_HS = "300215", "950300"  # vaccines (tier 1) and toys
DWELL_SIGMA = 0.6


def _demo_shape() -> tuple[float, ...]:
    from safelane.demo.traffic import _HOUR_WEIGHTS  # the demo generator's filing activity per UTC hour

    mean = sum(_HOUR_WEIGHTS) / len(_HOUR_WEIGHTS)
    return tuple(w / mean for w in _HOUR_WEIGHTS)


@dataclass(frozen=True)
class Traffic:
    """Every consignment of a scenario, drawn once (arrays by consignment)."""

    stream: np.ndarray  # index into scenario.traffic
    arrival: np.ndarray  # hours from the start
    presented: np.ndarray  # arrival + dwell
    essential: np.ndarray  # bool
    trusted_draw: np.ndarray  # uniform: trusted when below the stream's (or the plan's) trusted share
    score: np.ndarray
    floor: np.ndarray  # bool: a strong screening hit
    service_draw: np.ndarray  # uniform, turned into an exponential lane time by channel


def draw(scenario: Scenario) -> Traffic:
    rng = np.random.default_rng(scenario.seed)
    shape = _demo_shape()
    streams, arrivals = [], []
    # arrivals begin early enough that presentations are in their steady flow from hour 0 (those presented before
    # it are cleared before the scenario begins and are not simulated)
    warmup = math.ceil(3 * max(scenario.dwell_hours[t.mode] for t in scenario.traffic))
    for s, t in enumerate(scenario.traffic):
        span = range(-warmup, scenario.hours)
        hourly = t.weights or (shape if t.shape == "demo" else (1.0,) * 24)
        weights = np.array([hourly[(scenario.start.hour + h) % 24] for h in span])
        counts = rng.poisson(t.per_hour * weights)
        hours = np.repeat(np.arange(-warmup, scenario.hours, dtype=float), counts)
        arrivals.append(hours + rng.random(hours.size))
        streams.append(np.full(hours.size, s, dtype=np.int32))
    stream = np.concatenate(streams)
    arrival = np.concatenate(arrivals)
    n = arrival.size
    dwell_median = np.array([scenario.dwell_hours[t.mode] for t in scenario.traffic])[stream]
    dwell = dwell_median * np.exp(DWELL_SIGMA * rng.standard_normal(n))
    essential_share = np.array([t.essential_share for t in scenario.traffic])[stream]
    order = np.argsort(arrival + dwell, kind="stable")
    return Traffic(
        stream[order],
        arrival[order],
        (arrival + dwell)[order],
        (rng.random(n) < essential_share)[order],
        rng.random(n)[order],
        np.minimum(rng.exponential(scenario.mean_score, n), 100.0)[order],
        (rng.random(n) < scenario.floor_share)[order],
        rng.random(n)[order],
    )


@dataclass
class Outcome:
    """One plan's run: per consignment (arrays aligned with Traffic) and per hour."""

    name: str
    tier: np.ndarray  # 1, 2 or 3, as the plan's tiers would class it (also under FIFO, for comparison)
    channel: np.ndarray  # index into CHANNELS
    released: np.ndarray  # hours from the start; NaN when not released within the horizon
    service: np.ndarray
    backlog: list[int] = field(default_factory=list)  # at the disrupted office: presented, not released, each hour
    ended_at: float | None = None  # when the supervisor ended the disruption (backlog cleared)
    documentary_relieved: int = 0


CHANNEL_INDEX = {Channel.GREEN: 0, Channel.BLUE: 1, Channel.YELLOW: 2, Channel.RED: 3}


class _Model:
    def __init__(self, scenario: Scenario, traffic: Traffic, run: PlanRun):
        self.s, self.t, self.run = scenario, traffic, run
        n = traffic.arrival.size
        self.out = Outcome(run.name, np.zeros(n, np.int8), np.zeros(n, np.int8), np.full(n, np.nan), np.zeros(n))
        self.env = simpy.Environment()
        self.queues: dict[str, list[tuple[tuple[float, ...], int]]] = {o: [] for o in scenario.offices}
        self.idle: dict[str, list[simpy.Event]] = {o: [] for o in scenario.offices}
        self.parked: dict[str, list[simpy.Event]] = {o: [] for o in scenario.offices}
        self.factor: dict[str, float] = dict.fromkeys(scenario.offices, 1.0)
        self.pending: dict[str, int] = dict.fromkeys(scenario.offices, 0)  # presented, not released
        w = scenario.disruption
        self.window = (w.start_hour, w.start_hour + w.hours)
        self.disruption = Disruption(
            "SIMULATED",
            w.kind,
            Scope(offices=(w.office,)),
            scenario.start + timedelta(hours=w.start_hour),
            scenario.start + timedelta(hours=self.window[1]),
            run.plan,
        )
        share = np.array([t.trusted_share for t in scenario.traffic])[traffic.stream]
        if run.trusted_share is not None:
            share = np.full(n, run.trusted_share)
        self.trusted = traffic.trusted_draw < share
        self.trusted_traders = NamedTrustedTraders({f"AEO-{i}" for i in range(len(scenario.traffic))})
        self.templates = {
            (i, e): Consignment.model_validate(
                {
                    "mode": t.mode,
                    "master_document": f"SIM-{i}",
                    "office": t.office,
                    "goods": [{"hs_code": ESSENTIAL_HS if e else OTHER_HS, "description": "simulated goods"}],
                }
            )
            for i, t in enumerate(scenario.traffic)
            for e in (False, True)
        }
        self.offices = Offices(
            {
                o: OfficeSettings(o, dict(office.capacity), random_rate=0.01, explore_rate=0.0)
                for o, office in scenario.offices.items()
            }
        )
        self.lanes = {o: office.lanes for o, office in scenario.offices.items()}
        self.recovery = run.recovery_factor if run.recovery_factor is not None else scenario.recovery_factor
        self.tiered = run.plan.priority == "tiered"
        self.means = [scenario.service_hours[c] for c in ("green", "blue", "yellow", "red")]
        # per-consignment reads in the hot loops go to lists: indexing numpy arrays one scalar at a time is slow
        self.stream = traffic.stream.tolist()
        self.essential = traffic.essential.tolist()
        self.trusted_l = self.trusted.tolist()
        self.score = traffic.score.tolist()
        self.floor = traffic.floor.tolist()
        self.presented = traffic.presented.tolist()
        self.service_draw = traffic.service_draw.tolist()
        self.office_of = [t.office for t in scenario.traffic]
        self.released: list[float] = [math.nan] * n
        self.service: list[float] = [0.0] * n
        self.tier: list[int] = [0] * n
        self.channel: list[int] = [0] * n

    # -- selection: the real policy, one hour's presented consignments at a time ------------------------------

    def _decide(self, first: int, last: int, hour: int, used: Usage) -> tuple[list[Decision], list[Priority | None]]:
        at = self.s.start + timedelta(hours=hour)
        stream, essential, trusted, score, floor = self.stream, self.essential, self.trusted_l, self.score, self.floor
        lodgements = [
            Lodgement(
                f"S{i}",
                self.templates[(stream[i], essential[i])],
                FilingKind.DECLARATION,
                f"AEO-{stream[i]}" if trusted[i] else f"TRADER-{stream[i]}",
                at,
                f"D{i}",
                1,
            )
            for i in range(first, last)
        ]
        assessments = [
            Assessment(score[i], (SIMULATED, STRONG_HIT) if floor[i] else (SIMULATED,)) for i in range(first, last)
        ]
        items = list(zip(lodgements, assessments, strict=True))
        disruptions = [self.disruption] if self.disruption.in_force(at) else []
        found = priorities(lodgements, at, disruptions, self.trusted_traders)
        decided = decide(items, POLICY)
        decisions = continuity.relieve(decided, found)
        self.out.documentary_relieved += sum(
            a.outcome is not b.outcome for a, b in zip(decided, decisions, strict=True)
        )
        settings = continuity.with_extra(self.offices, self.disruption.plan.extra_capacity if disruptions else {})
        tiers = [p.tier if p else None for p in found]
        decisions = continuity.allocate(items, decisions, tiers, settings, used, POLICY, KEY)
        for i, lodgement, d, p in zip(range(first, last), lodgements, decisions, found, strict=True):
            if d.selection and d.inspection:
                used.add(lodgement.consignment.entry_office, d.inspection, d.selection)
            # the tier as the plan's rules class it, also where no tiered plan is in force (to compare plans)
            self.tier[i] = p.tier if p is not None and self.tiered else tier_of(lodgement, at, self.trusted_traders)[0]
        return decisions, found

    # -- processes -------------------------------------------------------------------------------------------

    def presenter(self):
        s, env = self.s, self.env
        used, day = Usage(), -1
        bounds = np.searchsorted(self.t.presented, np.arange(s.hours + 1, dtype=float)).tolist()
        presented, score, draws, means = self.presented, self.score, self.service_draw, self.means
        for hour in range(s.hours):
            if hour // 24 != day:
                used, day = Usage(), hour // 24
            first, last = bounds[hour], bounds[hour + 1]
            if first < last:
                decisions, found = self._decide(first, last, hour, used)
                for i, d, p in zip(range(first, last), decisions, found, strict=True):
                    c = CHANNEL_INDEX[d.outcome] if isinstance(d.outcome, Channel) else 0
                    self.channel[i] = c
                    self.service[i] = -means[c] * math.log1p(-draws[i])
                    when = presented[i]
                    if when > env.now:
                        yield env.timeout(when - env.now)
                    key = (*continuity.queue_key(p.tier, score[i]), when) if p and self.tiered else (when,)
                    office = self.office_of[self.stream[i]]
                    heapq.heappush(self.queues[office], (key, i))
                    self.pending[office] += 1
                    if self.idle[office]:
                        self.idle[office].pop().succeed()
            if env.now < hour + 1:
                yield env.timeout(hour + 1 - env.now)

    def lane(self, office: str, k: int):
        queue = self.queues[office]
        while True:
            if k >= round(self.lanes[office] * self.factor[office]):
                event = self.env.event()
                self.parked[office].append(event)
                yield event
            elif not queue:
                event = self.env.event()
                self.idle[office].append(event)
                yield event
            else:
                _, i = heapq.heappop(queue)
                yield self.env.timeout(self.service[i])
                self.released[i] = self.env.now
                self.pending[office] -= 1

    def _set_factor(self, office: str, factor: float) -> None:
        self.factor[office] = factor
        for event in self.parked[office]:
            event.succeed()
        self.parked[office] = []
        for event in self.idle[office]:  # woken lanes recheck the queue
            event.succeed()
        self.idle[office] = []

    def supervisor(self):
        """Closes and reopens the office, records the backlog each hour and ends the disruption once cleared."""
        office = self.s.disruption.office
        start, end = self.window
        normal: list[int] = []
        for hour in range(self.s.hours):
            if hour == math.floor(start):
                self._set_factor(office, self.s.disruption.capacity_factor)
            if hour == math.ceil(end):
                self._set_factor(office, self.recovery)
            yield self.env.timeout(1)
            self.out.backlog.append(self.pending[office])
            if hour < start:
                normal.append(self.pending[office])
            elif hour >= end and self.out.ended_at is None and self.pending[office] <= max(normal[-24:], default=0):
                # the backlog is back within the range of the day before the window: the supervisor ends it
                self.out.ended_at = float(hour + 1)
                self.disruption = replace(self.disruption, ended_at=self.s.start + timedelta(hours=hour + 1))
                self._set_factor(office, 1.0)

    def run_(self) -> Outcome:
        most = max(1.0, self.s.disruption.capacity_factor, self.recovery)
        for office, lanes in self.lanes.items():
            for k in range(math.ceil(lanes * most)):
                self.env.process(self.lane(office, k))
        self.env.process(self.presenter())
        self.env.process(self.supervisor())
        self.env.run(until=self.s.hours)
        out = self.out
        out.tier, out.channel = np.array(self.tier, np.int8), np.array(self.channel, np.int8)
        out.released, out.service = np.array(self.released), np.array(self.service)
        return out


def simulate(
    scenario: Scenario, traffic: Traffic | None = None, runs: Sequence[PlanRun] | None = None
) -> list[Outcome]:
    """Every plan of the scenario (or `runs`) on the same drawn traffic."""
    traffic = traffic if traffic is not None else draw(scenario)
    return [_Model(scenario, traffic, run).run_() for run in (runs or scenario.plans)]

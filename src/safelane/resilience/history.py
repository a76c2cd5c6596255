"""Traffic calibrated from the store's own history: the rate and hourly shape an office really received.

A scenario stream with `shape: store` takes its mean consignments per hour and its 24 hourly factors from the
consignments stored for that office and mode, so a supervisor simulates their own port rather than a made-up one.
"""

from dataclasses import replace

from safelane.domain import Problem
from safelane.resilience.scenario import InvalidScenario, Scenario
from safelane.store import Database
from safelane.store import traffic as traffic_store


def calibrate(scenario: Scenario, db: Database) -> Scenario:
    """The scenario with every `shape: store` stream's rate and hourly shape read from the store."""
    streams, problems = [], []
    with db.read() as conn:
        for i, stream in enumerate(scenario.traffic):
            if not stream.from_store:
                streams.append(stream)
                continue
            days, counts, _, _ = traffic_store.hourly(conn, stream.office, stream.mode)
            total = sum(counts)
            if total == 0:
                problems.append(
                    Problem(
                        f"traffic[{i}]",
                        "no_history",
                        f"the store holds no {stream.mode} consignments at {stream.office}",
                    )
                )
                streams.append(stream)
                continue
            per_hour = total / (24 * days)
            weights = tuple(c / days / per_hour for c in counts)
            streams.append(replace(stream, per_hour=per_hour, weights=weights))
    if problems:
        raise InvalidScenario(problems)
    return replace(scenario, traffic=tuple(streams))


def needs_store(scenario: Scenario) -> bool:
    return any(stream.from_store for stream in scenario.traffic)

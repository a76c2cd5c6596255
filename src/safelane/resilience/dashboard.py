"""The resilience dashboard's figures: the disruptions in force, the officers' backlog per office and tier, the
simulator's clearance forecast per disruption, and the Time Release Study now against its baseline.

Everything but the forecast is read per request through the caller's scope; the forecast simulates a whole
office's traffic, so it is computed at most once a minute per disruption (`Forecasts`) and shows only
aggregates.
"""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.cases import queue
from safelane.resilience import forecast, trs
from safelane.resilience.disruption import Disruption
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import disruptions as disruption_store

BASELINE = timedelta(days=30)  # the TRS baseline: the 30 days before the disruption started
CALM_WINDOW = timedelta(days=1)  # "now" when no disruption is in force: the last day


def backlog(conn: sa.Connection, scope: Scope) -> list[dict[str, Any]]:
    """Open cases that need an officer (the queue's own selection), per office and continuity tier."""
    rows = queue._select(queue.Filters(), scope).subquery()
    query = (
        sa.select(rows.c.office, rows.c.tier, sa.func.count().label("open"))
        .group_by(rows.c.office, rows.c.tier)
        .order_by(rows.c.office, rows.c.tier)
    )
    return [{"office": r.office or "", "tier": int(r.tier), "open": r.open} for r in conn.execute(query)]


def release_times(conn: sa.Connection, scope: Scope, *, now: datetime, since: datetime) -> dict[str, Any]:
    """TRS per mode for consignments lodged since `since` (now), and in the 30 days before it (the baseline)."""

    def figures(start: datetime, end: datetime) -> dict[str, dict[str, Any]]:
        rows = trs.summarise(trs.rows(conn, scope=scope, since=start, until=end), segments=("mode",))
        return {r["value"] if r["segment"] == "mode" else "all": r for r in rows}

    current, baseline = figures(since, now), figures(since - BASELINE, since)
    return {
        "since": since,
        "baseline_since": since - BASELINE,
        "rows": [
            {"mode": mode, "now": current.get(mode), "baseline": baseline.get(mode)}
            for mode in sorted(current.keys() | baseline.keys(), key=lambda m: (m != "all", m))
        ],
    }


class Forecasts:
    """The clearance forecast per disruption, simulated at most once per minute of the system's clock."""

    def __init__(self, db: Database, run: Callable[..., dict[str, Any]] = forecast.forecast):
        self.db = db
        self.run = run
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[datetime, dict[str, Any]]] = {}

    def __call__(self, disruption: Disruption, now: datetime) -> dict[str, Any]:
        minute = now.replace(second=0, microsecond=0)
        with self._lock:
            found = self._cache.get(disruption.disruption_id)
            if found and found[0] == minute:
                return found[1]
            result = self.run(self.db, disruption, now=now)
            self._cache = {k: v for k, v in self._cache.items() if v[0] == minute}  # forget older minutes
            self._cache[disruption.disruption_id] = (minute, result)
            return result


def figures(db: Database, scope: Scope, *, now: datetime, forecasts: Forecasts) -> dict[str, Any]:
    """Everything the dashboard shows, as of `now`."""
    with db.read() as conn:
        rows = disruption_store.listing(conn)
        declared = {d.disruption_id: d for d in disruption_store.not_ended(conn)}
        in_force = [declared[r["disruption_id"]] for r in rows if declared[r["disruption_id"]].in_force(now)]
        since = min((d.starts_at for d in in_force), default=now - CALM_WINDOW)
        open_cases = backlog(conn, scope)
        times = release_times(conn, scope, now=now, since=since)
    return {
        "disruptions": [
            {**disruption_store.as_data(r), "in_force": declared[r["disruption_id"]].in_force(now)} for r in rows
        ],
        "backlog": open_cases,
        "forecasts": [forecasts(d, now) for d in in_force],
        "release_times": times,
    }

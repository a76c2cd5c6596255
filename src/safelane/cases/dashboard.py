"""The targeting centre's dashboard: what came in, what was decided, how fast, and what inspections found.

Each figure is a small table (named columns, plain rows) so the page's chart, its table and the CSV export
show the same numbers. Figures cover a window of filing or decision time and one office or all; the queue
age is a snapshot of what is open now. Percentiles and intervals are computed here in Python from the rows
the store returns, so SQLite and PostgreSQL give the same figures.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.cases.outcomes import HIT_RESULTS
from safelane.domain import Channel, Referral, TransportMode
from safelane.referrals import OFFICER_ROLES
from safelane.store.schema import (
    consignments,
    decision_events,
    decisions,
    inspection_outcomes,
    seconds_between,
    seizures,
    users,
    utc_period,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
LONGEST = timedelta(days=92)  # a quarter: beyond that the page would be a slow report, not a dashboard
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("< 1 h", HOUR),
    ("1-4 h", 4 * HOUR),
    ("4-12 h", 12 * HOUR),
    ("12-24 h", 24 * HOUR),
    ("> 24 h", None),
)
PERCENTILES = (50, 90, 99)
Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval
FIGURES = ("filings", "referrals", "channels", "queue_age", "decision_time", "hit_rate", "seizures")


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC, and the one office to count (None: every office)."""

    start: datetime
    end: datetime
    office: str | None = None

    @property
    def hourly(self) -> bool:
        """Hourly buckets up to two days; a longer window is counted per day so the chart stays readable."""
        return self.end - self.start <= 2 * DAY

    @property
    def step(self) -> timedelta:
        return HOUR if self.hourly else DAY

    def periods(self) -> list[datetime]:
        first = _floor(self.start, self.step)
        return [first + i * self.step for i in range(math.ceil((self.end - first) / self.step))]


@dataclass(frozen=True)
class Figure:
    """One figure's numbers: the table behind its chart and its CSV export."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def _floor(at: datetime, step: timedelta) -> datetime:
    at = at.astimezone(UTC)
    if step == HOUR:
        return at.replace(minute=0, second=0, microsecond=0)
    return datetime.combine(at.date(), time(), UTC)


def default_window(conn: sa.Connection, now: datetime, office: str | None = None) -> Window:
    """The 24 whole hours ending with the current one; if nothing was filed in them (old or demo data), the 24
    ending with the latest filing's hour instead, so the page opens on data rather than on an empty day."""
    latest = conn.execute(
        _office(sa.select(sa.func.max(consignments.c.filed_at)), consignments.c.office, office)
    ).scalar()
    end = latest if latest is not None and latest < now - DAY else now
    end = _floor(end, HOUR) + HOUR
    return Window(end - DAY, end, office)


def days_window(first: date, last: date, office: str | None = None) -> Window:
    """Whole UTC days from `first` to `last`, both included."""
    if last < first:
        raise ValueError("the window ends before it starts")
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(last, time(), UTC) + DAY
    if end - start > LONGEST:
        raise ValueError(f"choose at most {LONGEST.days} days")
    return Window(start, end, office)


def _office(query: sa.Select, column: Any, office: str | None) -> sa.Select:
    return query if office is None else query.where(column == office)


def _in(column: Any, window: Window) -> sa.ColumnElement[bool]:
    return sa.and_(column >= window.start, column < window.end)


def offices(conn: sa.Connection) -> list[str]:
    """Offices that have decisions, for the office filter."""
    query = sa.select(decisions.c.office).where(decisions.c.office.is_not(None)).distinct()
    return sorted(conn.execute(query).scalars())


def filings(conn: sa.Connection, window: Window) -> Figure:
    """Consignments filed per hour (or day) by transport mode; each version of a filing counts, as each was
    received and assessed."""
    key = utc_period(conn, consignments.c.filed_at, hourly=window.hourly)
    query = _office(
        sa.select(key, consignments.c.mode, sa.func.count())
        .where(_in(consignments.c.filed_at, window))
        .group_by(key, consignments.c.mode),
        consignments.c.office,
        window.office,
    )
    counts = {(period, mode): n for period, mode, n in conn.execute(query)}
    order = [m.value for m in TransportMode]
    modes = sorted({mode for _, mode in counts}, key=lambda m: (order.index(m) if m in order else len(order), m))
    rows = []
    for start in window.periods():
        period = start.strftime("%Y-%m-%d %H:00" if window.hourly else "%Y-%m-%d")
        row: dict[str, Any] = {"period": period, **{mode: counts.get((period, mode), 0) for mode in modes}}
        row["total"] = sum(row[mode] for mode in modes)
        rows.append(row)
    unit = "hour" if window.hourly else "day"
    return Figure("filings", f"Consignments filed per {unit} by mode", ("period", *modes, "total"), rows)


def _mix(conn: sa.Connection, window: Window, answer: str, values: Iterable[str], name: str, title: str) -> Figure:
    query = _office(
        sa.select(decisions.c.outcome, sa.func.count())
        .where(decisions.c.current.is_(True), decisions.c.answer == answer, _in(decisions.c.decided_at, window))
        .group_by(decisions.c.outcome),
        decisions.c.office,
        window.office,
    )
    counts: dict[str, int] = {key: n for key, n in conn.execute(query)}
    rows: list[dict[str, Any]] = [{"outcome": value, "consignments": counts.pop(value, 0)} for value in values]
    rows += [{"outcome": value, "consignments": n} for value, n in sorted(counts.items())]  # none expected
    total = sum(r["consignments"] for r in rows)
    for row in rows:
        row["share"] = round(row["consignments"] / total, 4) if total else 0.0
    return Figure(name, title, ("outcome", "consignments", "share"), rows)


def referrals(conn: sa.Connection, window: Window) -> Figure:
    """Pre-loading referrals as they stand now, of the decisions made in the window."""
    return _mix(conn, window, "referral", [r.value for r in Referral], "referrals", "Referral mix (current)")


def channels(conn: sa.Connection, window: Window) -> Figure:
    """Declaration channels as they stand now, of the decisions made in the window."""
    return _mix(conn, window, "channel", [c.value for c in Channel], "channels", "Channel mix (current)")


def queue_age(conn: sa.Connection, now: datetime, office: str | None = None) -> Figure:
    """Open referrals and selections now, by time since they were decided."""
    bucket = sa.case(
        *[(decisions.c.decided_at > now - limit, label) for label, limit in AGE_BUCKETS if limit],
        else_=AGE_BUCKETS[-1][0],
    )
    query = _office(
        sa.select(bucket, sa.func.count())
        .where(decisions.c.current.is_(True), decisions.c.state != "closed", decisions.c.decided_at <= now)
        .group_by(bucket),
        decisions.c.office,
        office,
    )
    counts: dict[str, int] = {key: n for key, n in conn.execute(query)}
    rows = [{"age": label, "open": counts.get(label, 0)} for label, _ in AGE_BUCKETS]
    return Figure("queue_age", "Open now, by time since decided", ("age", "open"), rows)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest observed value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def _spread(measure: str, seconds: list[float]) -> dict[str, Any]:
    row: dict[str, Any] = {"measure": measure, "decisions": len(seconds)}
    row.update({f"p{p}_seconds": percentile(seconds, p) for p in PERCENTILES})
    return row


def decision_time(conn: sa.Connection, window: Window) -> Figure:
    """Of decisions made in the window: filing time to the automated decision, and to an officer's first action
    (lift, close, issue ...) on it, in seconds at the 50th, 90th and 99th percentile."""
    automatic = _office(
        sa.select(seconds_between(conn, decisions.c.decided_at, consignments.c.filed_at))
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .where(_in(decisions.c.decided_at, window), decisions.c.replaces.is_(None)),  # a re-assessment is not one
        decisions.c.office,
        window.office,
    )
    first = (
        sa.select(decision_events.c.decision_id, sa.func.min(decision_events.c.at).label("at"))
        .join(users, users.c.name == decision_events.c.actor)
        .where(users.c.role.in_(sorted(OFFICER_ROLES)))
        .group_by(decision_events.c.decision_id)
        .subquery()
    )
    officer = _office(
        sa.select(seconds_between(conn, first.c.at, consignments.c.filed_at))
        .join(decisions, decisions.c.decision_id == first.c.decision_id)
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .where(_in(decisions.c.decided_at, window)),
        decisions.c.office,
        window.office,
    )
    rows = [
        _spread(measure, [round(float(seconds), 3) for seconds in conn.execute(query).scalars()])
        for measure, query in (("filing to decision", automatic), ("filing to officer action", officer))
    ]
    return Figure(
        "decision_time",
        "Time from filing to decision",
        ("measure", "decisions", *(f"p{p}_seconds" for p in PERCENTILES)),
        rows,
    )


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion: sound for small samples and rates near 0, unlike p ± z·se."""
    if n == 0:
        return None
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def selection_group(outcome_selection: str | None, decision_selection: str | None, random: bool | None) -> str:
    """'random' for the random compliance sample, 'targeted' for every other reason an inspection happened."""
    selection = outcome_selection or decision_selection or ("random" if random else None)
    return "random" if selection == "random" else "targeted"


def hit_rate(conn: sa.Connection, window: Window) -> Figure:
    """Inspections recorded in the window, targeted against random, with the share that found something.

    The selection is the one copied onto the outcome; for outcomes recorded without it, that of the decision
    the outcome answers, else of the decision on the inspected consignment version.
    """
    decided = sa.or_(
        decisions.c.decision_id == inspection_outcomes.c.decision_id,
        sa.and_(inspection_outcomes.c.decision_id.is_(None), decisions.c.row_id == inspection_outcomes.c.row_id),
    )
    query = _office(
        sa.select(
            inspection_outcomes.c.outcome_id,
            inspection_outcomes.c.result,
            inspection_outcomes.c.selection,
            decisions.c.selection,
            decisions.c.random,
        )
        .join(consignments, consignments.c.row_id == inspection_outcomes.c.row_id)
        .outerjoin(decisions, decided)
        .where(_in(inspection_outcomes.c.recorded_at, window))
        .order_by(inspection_outcomes.c.outcome_id, decisions.c.decided_at.desc()),
        consignments.c.office,
        window.office,
    )
    seen: set[str] = set()
    inspections: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for outcome_id, result, own, of_decision, random in conn.execute(query):
        if outcome_id in seen:
            continue
        seen.add(outcome_id)
        group = selection_group(own, of_decision, random)
        inspections[group] += 1
        hits[group] += result in HIT_RESULTS
    rows = []
    for group in ("targeted", "random"):
        n, k = inspections[group], hits[group]
        low, high = wilson(k, n) or (None, None)
        rows.append(
            {
                "selection": group,
                "inspections": n,
                "hits": k,
                "hit_rate": k / n if n else None,
                "ci95_low": low,
                "ci95_high": high,
            }
        )
    return Figure(
        "hit_rate",
        "Inspection hit rate: targeted against random",
        ("selection", "inspections", "hits", "hit_rate", "ci95_low", "ci95_high"),
        rows,
    )


def seizures_by_commodity(conn: sa.Connection, window: Window) -> Figure:
    """Seizures recorded in the window per commodity and unit, most frequent first."""
    office = sa.func.coalesce(seizures.c.office, consignments.c.office)
    query = _office(
        sa.select(seizures.c.commodity, seizures.c.unit, sa.func.count(), sa.func.sum(seizures.c.quantity))
        .outerjoin(inspection_outcomes, inspection_outcomes.c.outcome_id == seizures.c.outcome_id)
        .outerjoin(consignments, consignments.c.row_id == inspection_outcomes.c.row_id)
        .where(_in(seizures.c.recorded_at, window))
        .group_by(seizures.c.commodity, seizures.c.unit),
        office,
        window.office,
    )
    rows = [
        {"commodity": commodity, "seizures": n, "quantity": round(float(quantity), 3), "unit": unit}
        for commodity, unit, n, quantity in conn.execute(query)
    ]
    rows.sort(key=lambda r: (-r["seizures"], r["commodity"], r["unit"]))
    return Figure("seizures", "Seizures by commodity", ("commodity", "seizures", "quantity", "unit"), rows)


def figure(conn: sa.Connection, name: str, window: Window, now: datetime) -> Figure:
    if name == "filings":
        return filings(conn, window)
    if name == "referrals":
        return referrals(conn, window)
    if name == "channels":
        return channels(conn, window)
    if name == "queue_age":
        return queue_age(conn, now, window.office)
    if name == "decision_time":
        return decision_time(conn, window)
    if name == "hit_rate":
        return hit_rate(conn, window)
    if name == "seizures":
        return seizures_by_commodity(conn, window)
    raise KeyError(name)


def dashboard(conn: sa.Connection, window: Window, now: datetime) -> dict[str, Figure]:
    """Every figure, by name, in one read."""
    return {name: figure(conn, name, window, now) for name in FIGURES}

"""Office settings (inspection capacity, random sample, exploration) and the capacity used today.

Supervisors change settings while filings flow, so every change is one audited write (before and after)
and the pipeline picks it up through `StoredOffices` within a second, in every process.
"""

from datetime import datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.selection.capacity import BUILT_IN, KINDS, SELECTIONS, Offices, OfficeSettings, Usage
from safelane.store.database import Database
from safelane.store.filings import add_audit
from safelane.store.refreshing import Refreshing
from safelane.store.schema import audit_events, decisions, office_settings

CHANGERS = frozenset({"supervisor", "admin"})  # the roles that may change office settings


def get(conn: sa.Connection, office: str) -> dict[str, Any] | None:
    """One office's stored row: {office, settings (an OfficeSettings), changed_at, changed_by}."""
    row = conn.execute(sa.select(office_settings).where(office_settings.c.office == office)).mappings().first()
    return _row(dict(row)) if row else None


def listing(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(office_settings).order_by(office_settings.c.office)).mappings()
    return [_row(dict(r)) for r in rows]


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "settings": OfficeSettings.from_dict(row["office"], row["settings"])}


def offices(conn: sa.Connection) -> Offices:
    return Offices({r["office"]: r["settings"] for r in listing(conn)})


def set(conn: sa.Connection, settings: OfficeSettings, *, at: datetime, actor: str) -> dict[str, Any] | None:
    """Store an office's settings (already validated by OfficeSettings) and audit the change; returns the
    settings it replaced, if any. The caller checks that the actor may (CHANGERS)."""
    before = get(conn, settings.office)
    values = {"settings": settings.as_dict(), "changed_at": at, "changed_by": actor}
    if before is None:
        conn.execute(office_settings.insert().values(office=settings.office, **values))
    else:
        conn.execute(office_settings.update().where(office_settings.c.office == settings.office).values(**values))
    add_audit(
        conn,
        at,
        actor,
        "office.settings_changed",
        settings.office,
        {"before": before["settings"].as_dict() if before else None, "after": settings.as_dict()},
    )
    return before


def _marker(conn: sa.Connection) -> object:
    """The whole table (an office list: small), so any change, even at the same instant, is seen."""
    rows = conn.execute(
        sa.select(office_settings.c.office, office_settings.c.settings).order_by(office_settings.c.office)
    )
    return tuple((r.office, orjson.dumps(r.settings, option=orjson.OPT_SORT_KEYS)) for r in rows)


class StoredOffices(Refreshing[Offices]):
    """The stored office settings, reloaded when any changes (checked at most once per `check_every`)."""

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, _marker, offices, Offices(), check_every)


def day_of(at: datetime) -> tuple[datetime, datetime]:
    """The UTC day `at` falls in, as [start, end): capacity is per day."""
    start = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def usage(conn: sa.Connection, at: datetime, office: str | None = None) -> Usage:
    """Capacity used on the UTC day of `at`, per (office, kind, selection): current decisions that selected
    a consignment for control. One grouped query per batch (decided_at is indexed)."""
    start, end = day_of(at)
    query = (
        sa.select(decisions.c.office, decisions.c.inspection, decisions.c.selection, sa.func.count())
        .where(
            decisions.c.decided_at >= start,
            decisions.c.decided_at < end,
            decisions.c.current.is_(True),
            decisions.c.selection.is_not(None),
            decisions.c.inspection.is_not(None),
        )
        .group_by(decisions.c.office, decisions.c.inspection, decisions.c.selection)
    )
    if office is not None:
        query = query.where(decisions.c.office == office)
    return Usage({(r[0], r[1], r[2]): r[3] for r in conn.execute(query)})


def effective(conn: sa.Connection, office: str) -> dict[str, Any]:
    """The settings that apply to an office: its own row, else the "*" row, else the built-in default;
    `source` says which (office | default | built-in)."""
    row = get(conn, office) or (get(conn, "*") if office != "*" else None)
    if row is None:
        return {"office": office, "source": "built-in", "settings": BUILT_IN, "changed_at": None, "changed_by": None}
    return {**row, "office": office, "source": "office" if row["office"] == office else "default"}


def today(conn: sa.Connection, office: str, at: datetime) -> dict[str, dict[str, Any]]:
    """Per kind of control at an office on the UTC day of `at`: capacity, used, left, exploration reserve,
    and what was used by each kind of selection."""
    settings: OfficeSettings = effective(conn, office)["settings"]
    used = usage(conn, at, office)
    kinds = {}
    for kind in KINDS:
        limit, total = settings.limit(kind), used.total(office, kind)
        kinds[kind] = {
            "capacity": limit,
            "used": total,
            "left": None if limit is None else max(limit - total, 0),
            "exploration_reserve": settings.reserve(kind),
            "by_selection": {s: used.of(office, kind, s) for s in SELECTIONS},
        }
    return kinds


def changes(conn: sa.Connection, office: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest audited changes of office settings, newest first: who, when, before and after."""
    query = (
        sa.select(audit_events)
        .where(audit_events.c.action == "office.settings_changed")
        .order_by(audit_events.c.at.desc(), audit_events.c.event_id.desc())
        .limit(limit)
    )
    if office is not None:
        query = query.where(audit_events.c.subject == office)
    return [dict(r) for r in conn.execute(query).mappings()]

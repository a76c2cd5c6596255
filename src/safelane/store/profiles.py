"""Profiles repository: every version kept as written; activation switches which version is in force."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain import Problem
from safelane.domain.assessment import CUSTOMS
from safelane.risk.profiles import Profile, ProfileError, load_text
from safelane.store.filings import add_audit
from safelane.store.schema import profiles

STATUSES = ("draft", "active", "inactive")


def save(
    conn: sa.Connection, source: str, *, actor: str, at: datetime, origin: str = "<profile>", activate: bool = False
) -> tuple[Profile, str]:
    """Store a profile version; the same id and version with other content is refused (write a new version).

    Returns the profile and what happened: created, unchanged (same text stored already).
    """
    profile = load_text(source, origin)
    existing = conn.execute(
        sa.select(profiles.c.source, profiles.c.status).where(
            profiles.c.profile_id == profile.id, profiles.c.version == profile.version
        )
    ).first()
    if existing is not None:
        if existing.source.strip() != source.strip():
            raise ProfileError(
                [
                    Problem(
                        f"{origin} version",
                        "version_exists",
                        f"{profile.id} v{profile.version} is stored with other content; raise the version number",
                    )
                ]
            )
        outcome = "unchanged"
    else:
        conn.execute(
            profiles.insert().values(
                profile_id=profile.id,
                version=profile.version,
                title=profile.title,
                owner=profile.owner,
                source=source,
                status="draft",
                created_at=at,
                created_by=actor,
                changed_at=at,
            )
        )
        add_audit(conn, at, actor, "profile.created", f"{profile.id}@{profile.version}", None)
        outcome = "created"
    if activate:
        set_status(conn, profile.id, profile.version, "active", actor=actor, at=at)
    return profile, outcome


def set_status(conn: sa.Connection, profile_id: str, version: int, status: str, *, actor: str, at: datetime) -> None:
    """Activating a version deactivates the other versions of the same profile."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    found = conn.execute(
        profiles.update()
        .where(profiles.c.profile_id == profile_id, profiles.c.version == version)
        .values(status=status, changed_at=at)
    )
    if found.rowcount == 0:
        raise LookupError(f"no profile {profile_id} v{version}")
    if status == "active":
        conn.execute(
            profiles.update()
            .where(profiles.c.profile_id == profile_id, profiles.c.version != version, profiles.c.status == "active")
            .values(status="inactive", changed_at=at)
        )
    add_audit(conn, at, actor, f"profile.{status}", f"{profile_id}@{version}", None)


def listing(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(
            profiles.c.profile_id,
            profiles.c.version,
            profiles.c.title,
            profiles.c.owner,
            profiles.c.status,
            profiles.c.changed_at,
        ).order_by(profiles.c.profile_id, profiles.c.version)
    )
    return [dict(r) for r in rows.mappings()]


def agencies_of_versions(conn: sa.Connection) -> dict[tuple[str, int], str]:
    """The agency whose rule each stored (profile id, version) is, `customs` for customs' own.

    Read from the stored text (the table keeps no agency column); a text that no longer loads counts as customs'.
    """
    named = {}
    for row in conn.execute(sa.select(profiles.c.profile_id, profiles.c.version, profiles.c.source)):
        try:
            named[(row.profile_id, row.version)] = load_text(row.source, row.profile_id).agency
        except ProfileError:
            named[(row.profile_id, row.version)] = CUSTOMS
    return named


def versions_of_agency(conn: sa.Connection, agency: str) -> set[tuple[str, int]]:
    """The (profile id, version) pairs whose text names `agency` as the agency whose rule it is."""
    return {version for version, named in agencies_of_versions(conn).items() if named == agency}


def source_of(conn: sa.Connection, profile_id: str, version: int | None = None) -> str | None:
    """The stored text of a version (the newest if no version is given)."""
    query = sa.select(profiles.c.source).where(profiles.c.profile_id == profile_id)
    query = query.where(profiles.c.version == version) if version else query.order_by(profiles.c.version.desc())
    return conn.execute(query.limit(1)).scalar()


def active(conn: sa.Connection) -> list[Profile]:
    rows = conn.execute(sa.select(profiles.c.profile_id, profiles.c.source).where(profiles.c.status == "active"))
    return [load_text(r.source, r.profile_id) for r in rows]


def revision(conn: sa.Connection) -> tuple[int, datetime | None]:
    """Cheap change marker: count and newest change time of all profile rows."""
    row = conn.execute(sa.select(sa.func.count(), sa.func.max(profiles.c.changed_at))).one()
    changed = row[1]
    if isinstance(changed, str):  # SQLite aggregate bypasses the column type
        changed = datetime.fromisoformat(changed)
    return row[0], changed

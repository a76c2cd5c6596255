"""Users and their API keys. Keys are random and shown once; only their SHA-256 is stored."""

import hashlib
import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.store.filings import add_audit
from safelane.store.schema import users

ROLES = ("filer", "officer", "supervisor", "admin")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add(conn: sa.Connection, name: str, role: str, *, at: datetime, filer: str | None = None,
        office: str | None = None, actor: str = "admin") -> str:
    """Create a user and return the API key (the only time it is readable)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "filer":
        filer = filer or name
    key = f"sl_{secrets.token_urlsafe(24)}"
    conn.execute(users.insert().values(user_id=new_id("P"), name=name, role=role, filer=filer, office=office,
                                       key_hash=_hash(key), active=True, created_at=at))
    add_audit(conn, at, actor, "user.added", name, {"role": role, "filer": filer, "office": office})
    return key


def by_key(conn: sa.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(users).where(users.c.key_hash == _hash(key), users.c.active.is_(True))).mappings()
    found = row.first()
    return dict(found) if found else None


def listing(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(users.c.name, users.c.role, users.c.filer, users.c.office, users.c.active,
                                  users.c.created_at).order_by(users.c.name))
    return [dict(r) for r in rows.mappings()]

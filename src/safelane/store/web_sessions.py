"""Workbench sign-in sessions. The browser holds a random token; the store keeps only its SHA-256.

Sessions live in the database, not in a signed cookie, so signing out or deactivating a user ends
them at once, on every server process.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import users, web_sessions

SHIFT = timedelta(hours=12)  # a session outlives one shift, not more


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(conn: sa.Connection, user_name: str, *, at: datetime) -> str:
    """A new session for this user; returns the token for the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    conn.execute(web_sessions.delete().where(web_sessions.c.expires_at < at))
    conn.execute(
        web_sessions.insert().values(
            token_hash=_hash(token),
            user_name=user_name,
            csrf=secrets.token_urlsafe(24),
            created_at=at,
            expires_at=at + SHIFT,
        )
    )
    return token


def get(conn: sa.Connection, token: str, *, at: datetime) -> dict[str, Any] | None:
    """The signed-in user (name, role, filer, office, agency, a trader's operator) and the session's form token,
    if the session stands."""
    row = (
        conn.execute(
            sa.select(
                users.c.name,
                users.c.role,
                users.c.filer,
                users.c.office,
                users.c.agency,
                users.c.operator_id,
                web_sessions.c.csrf,
            )
            .join(users, users.c.name == web_sessions.c.user_name)
            .where(web_sessions.c.token_hash == _hash(token), web_sessions.c.expires_at > at, users.c.active.is_(True))
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def end(conn: sa.Connection, token: str) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.token_hash == _hash(token)))

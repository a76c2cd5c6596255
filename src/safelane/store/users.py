"""Users, their API keys and workbench passwords.

API keys are random and shown once; only their SHA-256 is stored. Passwords (for signing in to the
workbench) are kept as scrypt hashes with a per-user salt, compared in constant time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.scope import AGENCY_ROLE
from safelane.store.filings import add_audit
from safelane.store.schema import audit_events, trader_operators, users

# a trader key speaks for one operator (AEO 2.0); an agency officer for one border agency of the register
ROLES = ("filer", "officer", "supervisor", "admin", "trader", AGENCY_ROLE)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add(
    conn: sa.Connection,
    name: str,
    role: str,
    *,
    at: datetime,
    filer: str | None = None,
    office: str | None = None,
    operator_id: str | None = None,
    agency: str | None = None,
    actor: str = "admin",
) -> str:
    """Create a user and return the API key (the only time it is readable). A trader is bound to one
    registered operator and to nothing else: no filer, no office."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "trader") != (operator_id is not None):
        raise ValueError("a trader needs --operator (a registered operator id); only a trader has one")
    if (role == AGENCY_ROLE) != (agency is not None):
        raise ValueError(f"an {AGENCY_ROLE} needs --agency (a code in the agency register); only they have one")
    if agency is not None:
        from safelane.agencies.register import agency as registered

        try:
            registered(agency)
        except KeyError as error:
            raise ValueError(str(error.args[0])) from None
        filer = None
    if role == "trader":
        filer = office = None
        if (
            conn.execute(
                sa.select(trader_operators.c.operator_id).where(trader_operators.c.operator_id == operator_id)
            ).first()
            is None
        ):
            raise ValueError(f"no registered operator {operator_id}")
    if role == "filer":
        filer = filer or name
    key = f"sl_{secrets.token_urlsafe(24)}"
    conn.execute(
        users.insert().values(
            user_id=new_id("P"),
            name=name,
            role=role,
            filer=filer,
            office=office,
            operator_id=operator_id,
            agency=agency,
            key_hash=_hash(key),
            active=True,
            created_at=at,
        )
    )
    add_audit(
        conn,
        at,
        actor,
        "user.added",
        name,
        {"role": role, "filer": filer, "office": office, "operator_id": operator_id, "agency": agency},
    )
    return key


def by_key(conn: sa.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(users).where(users.c.key_hash == _hash(key), users.c.active.is_(True))).mappings()
    found = row.first()
    return dict(found) if found else None


def listing(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(
            users.c.name,
            users.c.role,
            users.c.filer,
            users.c.office,
            users.c.operator_id,
            users.c.agency,
            users.c.active,
            users.c.created_at,
        ).order_by(users.c.name)
    )
    return [dict(r) for r in rows.mappings()]


_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 8


def _scrypt(password: str, salt: bytes) -> str:
    return hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT).hex()


def set_password(conn: sa.Connection, name: str, password: str, *, at: datetime, actor: str = "admin") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(16)
    done = conn.execute(
        users.update()
        .where(users.c.name == name)
        .values(password_hash=f"scrypt${salt.hex()}${_scrypt(password, salt)}")
    )
    if done.rowcount != 1:
        raise LookupError(name)
    add_audit(conn, at, actor, "user.password_set", name, None)


def by_password(conn: sa.Connection, name: str, password: str) -> dict[str, Any] | None:
    """The active user with this name and password, else None (the same None for either mistake)."""
    row = conn.execute(sa.select(users).where(users.c.name == name, users.c.active.is_(True))).mappings().first()
    if row is None or not row["password_hash"]:
        _scrypt(password, b"0" * 16)  # as slow as a real check, so names cannot be probed by timing
        return None
    _, salt, digest = row["password_hash"].split("$")
    return dict(row) if hmac.compare_digest(_scrypt(password, bytes.fromhex(salt)), digest) else None


def by_name(conn: sa.Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(users).where(users.c.name == name, users.c.active.is_(True))).mappings().first()
    return dict(row) if row else None


def failed_signins(conn: sa.Connection, name: str, address: str, *, since: datetime) -> tuple[int, int]:
    """Sign-ins refused for a wrong password since then: under this name from this address, and from this
    address under any name (the workbench locks after a few of either)."""
    query = sa.select(audit_events.c.subject, audit_events.c.detail).where(
        audit_events.c.action == "workbench.signin_refused", audit_events.c.at >= since
    )
    named = anywhere = 0
    for subject, detail in conn.execute(query):
        if (detail or {}).get("reason") == "credential" and detail.get("address") == address:
            anywhere += 1
            named += subject == name
    return named, anywhere

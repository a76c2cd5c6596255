"""Anchors: chain heads (sequence, hash, time) that a verification confirmed, kept and exported.

An anchor kept in the database lets the workbench and /healthz verify only the rows written since; an
anchor exported (`safelane audit anchor`, the server's log) is what catches someone who can rewrite the
database, anchors included: the chain they rewrite no longer holds the exported hash at that sequence.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store.audit_verify import Anchor
from safelane.store.schema import audit_anchors


def record(conn: sa.Connection, anchor: Anchor, *, at: datetime, source: str) -> None:
    """Keep a verified head; the same sequence twice keeps the first."""
    if anchor.seq == 0:
        return
    known = conn.execute(sa.select(audit_anchors.c.seq).where(audit_anchors.c.seq == anchor.seq)).first()
    if known is None:
        conn.execute(audit_anchors.insert().values(seq=anchor.seq, hash=anchor.hash, at=at, source=source))


def latest(conn: sa.Connection) -> tuple[Anchor, datetime] | None:
    row = conn.execute(sa.select(audit_anchors).order_by(audit_anchors.c.seq.desc()).limit(1)).first()
    return (Anchor(int(row.seq), row.hash), row.at) if row else None


def every(conn: sa.Connection) -> dict[int, str]:
    return {int(r.seq): r.hash for r in conn.execute(sa.select(audit_anchors.c.seq, audit_anchors.c.hash))}


def exported(anchor: Anchor, at: datetime) -> dict[str, Any]:
    """An anchor as written to the log and to a file: what `safelane audit verify --anchor` reads back."""
    return {"chain": "events", "seq": anchor.seq, "hash": anchor.hash, "at": at.isoformat()}


def parse(data: dict[str, Any], source: str) -> Anchor:
    """An exported anchor read back; a ValueError names what is wrong with it."""
    seq, hashed = data.get("seq"), data.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"{source}: seq must be a whole number >= 0, not {seq!r}")
    if not isinstance(hashed, str) or len(hashed) != 64 or any(c not in "0123456789abcdef" for c in hashed):
        raise ValueError(f"{source}: hash must be 64 lower-case hex digits, not {hashed!r}")
    return Anchor(seq, hashed)

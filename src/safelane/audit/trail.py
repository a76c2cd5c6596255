"""Verify the whole chain, or anchor its head: what `safelane audit` runs.

A full walk that holds records its head as an anchor, so the server's watch (and the next anchor) only walk
the rows added since. An anchor is taken only after the rows since the previous one verify: exporting the
head of a chain already broken would vouch for the break.
"""

import logging
from collections.abc import Mapping
from datetime import datetime

from safelane.store import Database
from safelane.store import audit_anchors as anchor_store
from safelane.store.audit_verify import Report, snapshot, verify

log = logging.getLogger("safelane.service.audit")  # the server's JSON log carries the anchors


def verify_all(db: Database, *, at: datetime, anchors: Mapping[int, str] | None = None) -> Report:
    """Walk every row, against the anchors given (exported before) and those the store keeps."""
    with snapshot(db) as conn:
        report = verify(conn, anchors={**anchor_store.every(conn), **(anchors or {})})
    if report.ok and report.last.seq:
        with db.write() as conn:
            anchor_store.record(conn, report.last, at=at, source="verify")
    return report


def anchor(db: Database, *, at: datetime, source: str = "anchor") -> Report:
    """Verify the rows since the newest kept anchor; if they hold, keep and log the head as the new anchor."""
    with snapshot(db) as conn:
        kept = anchor_store.latest(conn)
        report = verify(conn, start=kept[0] if kept else None)
    if report.ok:
        with db.write() as conn:
            anchor_store.record(conn, report.last, at=at, source=source)
        log.info("audit.anchor", extra={"fields": anchor_store.exported(report.last, at)})
    else:
        log.error("audit.broken", extra={"fields": report.problem.as_dict() if report.problem else {}})
    return report

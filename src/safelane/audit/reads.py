"""Officers' reads of consignments, audited: who read what, when, and through which door.

A read must stay a read: writing (and, on SQLite, syncing) one audit event per page view would queue every
officer behind the filings being stored. So reads are collected in memory and written together, at most
one write transaction every `seconds` (and at once when many wait), each event in the hash chain like any
other. The price, stated in docs/security.md: a crash loses at most the last `seconds` of read events.
Without the background writer (no server running it) each read is written as it happens.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.store import Database
from safelane.store.filings import add_audit

log = logging.getLogger("safelane.service.audit")
MAX_PENDING = 10_000  # held through a database outage; beyond it the oldest are dropped, and logged

_Read = tuple[datetime, str, str, str, dict[str, Any] | None]


class ReadLog:
    def __init__(self, db: Database, clock: Callable[[], datetime], seconds: float = 1.0, batch: int = 500):
        self.db, self.clock, self.seconds, self.batch = db, clock, seconds, batch
        self._pending: list[_Read] = []
        self._lock = threading.Lock()  # the pending list
        self._writing = threading.Lock()  # one flush at a time: a flush returns once what it saw is written
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._pending.append((self.clock(), actor, action, subject, detail))
            if len(self._pending) > MAX_PENDING:
                del self._pending[: len(self._pending) - MAX_PENDING]
                log.error("audit.reads_dropped", extra={"fields": {"kept": MAX_PENDING}})
            many = len(self._pending) >= self.batch
        if self._thread is None:
            self.flush()
        elif many:
            self._wake.set()

    def flush(self) -> int:
        """Write what is pending in one transaction; on failure keep it for the next try. Returns how many."""
        with self._writing:
            with self._lock:
                taken, self._pending = self._pending, []
            if not taken:
                return 0
            try:
                with self.db.write() as conn:
                    for at, actor, action, subject, detail in taken:
                        add_audit(conn, at, actor, action, subject, detail)
            except sa.exc.SQLAlchemyError:
                with self._lock:
                    self._pending[:0] = taken
                raise
            return len(taken)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audit-reads", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.seconds)
            self._wake.clear()
            try:
                self.flush()
            except sa.exc.SQLAlchemyError:
                log.error("audit.reads_not_written", extra={"fields": {"pending": len(self._pending)}})
                self._stop.wait(self.seconds)

    def stop(self) -> None:
        """Stop the writer and write what is left (the server's shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            self.flush()
        except sa.exc.SQLAlchemyError:
            log.error("audit.reads_lost", extra={"fields": {"pending": len(self._pending)}})

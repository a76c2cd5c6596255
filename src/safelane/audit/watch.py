"""The chain's status for /healthz and the workbench, kept up to date a little at a time.

/healthz must answer within a second however large the chain, so it never walks it whole: each health probe
verifies at most STEP rows after the point the last probe reached (starting from the newest anchor the store
keeps, which a full `safelane audit verify` or a periodic anchor wrote), and pages read the result from memory.
A break found stays reported until the process restarts. A chain rewritten before the newest kept anchor
is the full walk's to find (`safelane audit verify --anchor FILE`); the watch checks only that the anchor's
row still carries its hash.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from safelane.audit import trail
from safelane.store import Database
from safelane.store import audit_anchors as anchor_store
from safelane.store.audit_verify import Anchor, Break, snapshot, verify

STEP = 2000  # rows per health probe: a few tens of milliseconds
log = logging.getLogger("safelane.service.audit")


class ChainWatch:
    def __init__(self, db: Database, clock: Callable[[], datetime]):
        self.db, self.clock = db, clock
        self._lock = threading.Lock()
        self.verified: Anchor | None = None  # None until the first check
        self.head: Anchor | None = None
        self.problem: Break | None = None
        self.checked_at: datetime | None = None

    def check(self) -> None:
        """Verify the next rows of the tail; a check already running elsewhere makes this one a no-op."""
        if self.problem is not None or not self._lock.acquire(blocking=False):
            return
        try:
            with snapshot(self.db) as conn:
                start = self.verified
                if start is None:
                    kept = anchor_store.latest(conn)
                    start = kept[0] if kept else None
                report = verify(conn, start=start, limit=STEP)
            self.head, self.checked_at = report.head, self.clock()
            if report.problem is not None:
                self.problem = report.problem
                log.error("audit.broken", extra={"fields": report.problem.as_dict()})
            else:
                self.verified = report.last
        finally:
            self._lock.release()

    def status(self) -> dict[str, Any]:
        """From memory: ok (verified to the head), verifying (catching up), broken, or unknown (not checked)."""
        if self.problem is not None:
            state = "broken"
        elif self.verified is None or self.head is None:
            state = "unknown"
        else:
            state = "ok" if self.verified.seq >= self.head.seq else "verifying"
        return {
            "status": state,
            "verified_to": self.verified.seq if self.verified else None,
            "head": self.head.seq if self.head else None,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "problem": self.problem.as_dict() if self.problem else None,
        }


class Anchoring:
    """While the server runs: the watch checks the tail every CHECK_SECONDS (so the workbench shows a status
    without anyone asking /healthz), and every `seconds` the rows since the last anchor are verified and the
    head logged as a new anchor (the log is the export: ship it off the host)."""

    CHECK_SECONDS = 10.0

    def __init__(self, watch: ChainWatch, seconds: float):
        self.watch, self.seconds = watch, seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audit-anchor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        waited = 0.0
        while True:
            try:
                self.watch.check()
                if self.seconds > 0 and waited >= self.seconds and self.watch.problem is None:
                    trail.anchor(self.watch.db, at=self.watch.clock(), source="periodic")
                    waited = 0.0
            except Exception:  # an outage must not end the thread: the next round tries again
                log.exception("audit.check_failed")
            step = min(self.CHECK_SECONDS, self.seconds) if self.seconds > 0 else self.CHECK_SECONDS
            if self._stop.wait(step):
                return
            waited += step

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

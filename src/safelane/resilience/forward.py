"""Store-and-forward: while the store is down, accept filings into the spool and forward them once it is back.

The API parses and validates a filing before it is spooled, so a filer still gets a located 422 at
once; what is valid is written to the spool (fsynced) and answered `202 Accepted` with a receipt. A
background thread probes the store and, once it answers, replays the spool in order through the one
pipeline, records each receipt's answer in the store and only then moves the checkpoint. A replay
cut short by a crash starts again from the checkpoint: the pipeline answers a filing it already
stored as a duplicate, so nothing is stored twice. While anything is still spooled, new filings are
spooled too, so a later amendment can never overtake the filing it amends.

A filer may ask about a receipt at any serving process: one not among the receipts this process remembers
(its latest, a bounded number, so a long outage does not grow memory) is looked up in the spool's files,
every process's segment included.
"""

import itertools
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

import sqlalchemy as sa

from safelane import deferred
from safelane.deferred import Envelope
from safelane.pipeline import Pipeline
from safelane.resilience.group_commit import GroupCommit
from safelane.resilience.spool import Spool, SpoolFull
from safelane.store import Database
from safelane.store.database import OUTAGES

log = logging.getLogger("safelane.resilience")

REMEMBERED = 100_000  # receipts kept in memory per process (about 10 MB); the others are found in the spool


class Forwarder:
    """The spool and the thread that empties it into the store."""

    def __init__(
        self,
        pipeline: Pipeline,
        db: Database,
        directory: Path,
        max_bytes: int,
        batch_size: int = 200,
        probe_every: float = 1.0,
        remembered: int = REMEMBERED,
    ):
        self.pipeline, self.db, self.batch_size, self.probe_every = pipeline, db, batch_size, probe_every
        self.spool = Spool(directory, max_bytes)
        self.writer = GroupCommit(self.spool)
        self._pending: OrderedDict[str, str | None] = OrderedDict()  # receipt id -> filer, the latest first out
        self._pending_lock, self._remembered = threading.Lock(), remembered
        waiting = 0
        for payload, _ in self.spool.pending():
            waiting += 1
            if waiting <= remembered:
                envelope = Envelope.loads(payload)
                self._remember(envelope.receipt_id, envelope.filer)
        self._store_down = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="safelane-forwarder", daemon=True)
        self._thread.start()
        if waiting:
            log.warning("spool_replay_pending", extra={"fields": {"receipts": waiting}})
            self._wake.set()

    @property
    def active(self) -> bool:
        """Whether new filings must go to the spool: the store is down, or earlier filings still wait there."""
        return self._store_down or not self.spool.empty

    @property
    def store_is_down(self) -> bool:
        return self._store_down

    def store_down(self, error: Exception) -> None:
        if not self._store_down:
            log.warning("store_down_spooling", extra={"fields": {"error": type(error).__name__}})
        self._store_down = True
        self._wake.set()

    def accept(self, body: bytes, *, filer: str | None, actor: str, format: str | None) -> Envelope:
        """Spool one validated message; returns once it is on disk. Raises SpoolFull when there is no room."""
        envelope = Envelope.new(body, filer=filer, actor=actor, format=format, at=self.pipeline.clock())
        self._remember(envelope.receipt_id, filer)
        self.spool.append(envelope.dumps())
        self._wake.set()
        return envelope

    async def accept_async(self, body: bytes, *, filer: str | None, actor: str, format: str | None) -> Envelope:
        """`accept` for a request on the event loop: the spool's writer thread puts it on disk in a group with
        the others arriving meanwhile (one write, one fsync); returns once it is there."""
        envelope = Envelope.new(body, filer=filer, actor=actor, format=format, at=self.pipeline.clock())
        self._remember(envelope.receipt_id, filer)
        try:
            await self.writer.append(envelope.dumps())
        except (SpoolFull, OSError):
            self.forget(envelope.receipt_id)
            raise
        self._wake.set()
        return envelope

    def pending(self, receipt_id: str) -> tuple[bool, str | None]:
        """Whether a receipt is still in the spool, and whose it is: from memory, else from the spool's files (any
        process's segment; blocking I/O, call it off the event loop). A remembered receipt another process has
        forwarded meanwhile still says True: the caller asks the store when it is up."""
        with self._pending_lock:
            if receipt_id in self._pending:
                return True, self._pending[receipt_id]
        payload = self.spool.find(Envelope.prefix(receipt_id))
        if payload is None:
            return False, None
        filer = Envelope.loads(payload).filer
        self._remember(receipt_id, filer)
        return True, filer

    @property
    def remembered(self) -> int:
        """How many receipts this process holds in memory."""
        return len(self._pending)

    def _remember(self, receipt_id: str, filer: str | None) -> None:
        with self._pending_lock:
            self._pending[receipt_id] = filer
            if len(self._pending) > self._remembered:
                self._pending.popitem(last=False)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.probe_every)
            self._wake.clear()
            if self._stop.is_set() or not self.active:
                continue
            try:
                self._probe()
                self._store_down = False
                self.drain()
            except OUTAGES as error:
                self._store_down = True
                log.info("store_still_down", extra={"fields": {"error": type(error).__name__}})
                time.sleep(self.probe_every)
            except Exception:  # a defect must not stop forwarding for good: log it, try again later
                log.exception("spool replay failed; retrying")
                time.sleep(self.probe_every)

    def _probe(self) -> None:
        with self.db.read() as conn:
            conn.execute(sa.text("SELECT 1"))

    def drain(self) -> int:
        """Forward every spooled record of every process in acceptance order, a batch per transaction; returns how
        many (0 when another process holds the replay). A store outage stops it after the last batch committed
        (what follows stays spooled)."""
        count = 0
        with self.spool.replaying() as mine:
            while mine and (chunk := list(itertools.islice(self.spool.pending(), self.batch_size))):
                envelopes = [Envelope.loads(payload) for payload, _ in chunk]
                answers = deferred.forward(self.pipeline, self.db, envelopes)
                for envelope, answer in zip(envelopes, answers, strict=True):
                    if answer["status"] == "failed":
                        self._set_aside(envelope, answer["error"])
                self.spool.checkpoint(position for _, position in chunk)
                for envelope in envelopes:
                    self.forget(envelope.receipt_id)
                count += len(chunk)
            if mine:
                self.spool.sweep()
        if count:
            log.info("spool_forwarded", extra={"fields": {"receipts": count}})
        return count

    def forget(self, receipt_id: str) -> None:
        """The store has this receipt's answer (another process may have forwarded it), or it was never spooled."""
        with self._pending_lock:
            self._pending.pop(receipt_id, None)

    def _set_aside(self, envelope: Envelope, error: str) -> None:
        """Keep a record the pipeline failed on in `failed/`, for an operator to look at and resubmit."""
        folder = self.spool.directory / "failed"
        folder.mkdir(exist_ok=True)
        (folder / f"{envelope.receipt_id}.json").write_bytes(envelope.dumps())
        (folder / f"{envelope.receipt_id}.error").write_text(error)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.writer.close()
        self.spool.close()

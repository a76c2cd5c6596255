"""Group commit for the API: one writer thread appends what concurrent requests hand it, one write and one fsync
per group, and wakes each request once its record is on disk.

Without it every spooled request took a worker thread of its own to wait for fsync (a thread hop in and out per
request, and one write per record); here a request awaits a future, and the records that arrive while an fsync
runs go to disk together with the next one. "Durable before acknowledged" holds: a future is resolved only after
the fsync that covers its record returned, and a record that did not fit (SpoolFull) or hit an I/O error is
answered with that error, never with a receipt.
"""

import asyncio
import queue
import threading

from safelane.resilience.spool import Spool, SpoolFull

MAX_GROUP = 512  # records per write and fsync at most, so one group's latency stays bounded

_Item = tuple[bytes, asyncio.Future[None], asyncio.AbstractEventLoop]


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.cancelled():
        return  # the client went away; its record, if written, is forwarded like any other
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class GroupCommit:
    """The spool's single writer for requests served on an event loop."""

    def __init__(self, spool: Spool):
        self.spool = spool
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="safelane-spool-writer", daemon=True)
        self._thread.start()

    async def append(self, payload: bytes) -> None:
        """Return once `payload` is on disk; raise SpoolFull (or the OSError) when it could not be written."""
        if self._closed:
            raise RuntimeError("the spool writer is closed (the server is stopping)")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put((payload, future, loop))
        await future

    def _group(self, first: _Item) -> list[_Item]:
        group = [first]
        while len(group) < MAX_GROUP:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # stop after this group
                break
            group.append(item)
        return group

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            group = self._group(first)
            error: BaseException | None = None
            try:
                written = self.spool.append_many([payload for payload, _, _ in group])
            except OSError as failure:  # nothing of this group is acknowledged
                written, error = 0, failure
            for i, (_, future, loop) in enumerate(group):
                if i < written:
                    outcome = None
                else:
                    outcome = error or SpoolFull(f"the spool holds {self.spool.size} bytes, its limit is "
                                                 f"{self.spool.max_bytes}")  # fmt: skip
                loop.call_soon_threadsafe(_settle, future, outcome)

    def close(self) -> None:
        """Finish what was handed over, then stop."""
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=5)

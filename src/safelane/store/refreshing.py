"""Knowledge kept in memory and rebuilt when the database says it changed.

Profiles, watch lists and the active model are read once and reused for every consignment; a cheap
marker query (at most once per `check_every` seconds, never per consignment) tells when another
process activated, imported or rolled back something, and only then is the value rebuilt.
"""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlalchemy as sa

from safelane.store.database import Database

T = TypeVar("T")


class Refreshing(Generic[T]):
    def __init__(
        self,
        db: Database,
        marker: Callable[[sa.Connection], object],
        load: Callable[[sa.Connection], T],
        initial: T,
        check_every: float = 1.0,
    ):
        self.db = db
        self.check_every = check_every
        self._marker_of = marker
        self._load = load
        self._checked = 0.0
        self._marker: object = None
        self._value = initial

    def __call__(self) -> T:
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            self._checked = now
            with self.db.read() as conn:
                marker = self._marker_of(conn)
                if marker != self._marker:
                    self._value = self._load(conn)
                    self._marker = marker
        return self._value

    def refresh(self) -> None:
        """Check the marker on the next call (after a change made by this process)."""
        self._checked = 0.0

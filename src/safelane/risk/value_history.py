"""Declared unit values of the store's accepted consignments, by HS subheading and by subheading and origin.

The distributions are the reference a declared value is judged against, so they are built from what traders
declared, with no inspection results needed. They are read once from the store and then kept up to date: at
most once per `check_every` seconds (never per consignment) the ids stored since the last look are listed, their
goods counted in, and the goods of the versions they amend counted out. Rows this process stored itself are
counted from the goods it kept in memory (`stored_here`) once the listing shows them committed; only other
processes' rows are read back. Nothing is recomputed from scratch and
nothing is written but checkpoints: every `checkpoint_rows` rows counted, the sketches are saved
(store/value_checkpoints.py), and a new process starts from the newest checkpoint and counts in only the rows
stored since, instead of reading the whole store again. A filing withdrawn after a checkpoint stays counted, as it
does in a process that was running when it was withdrawn.
"""

import threading
import time
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from safelane.reference.rates import to_eur
from safelane.risk.value_distribution import Sketch, bucket
from safelane.store import Database, value_checkpoints
from safelane.store import declared_values as stored
from safelane.store.declared_values import DeclaredRow

MEASURES = {"kg": "EUR/kg", "package": "EUR/package"}  # what a unit value is per, and how it is written
ANY_ORIGIN = ""
Key = tuple[str, str, str]  # (measure, HS-6, origin or ANY_ORIGIN)
MARGIN_SECONDS = 300.0  # a transaction may commit rows this much older than the newest row already read
BAND_SECONDS = 10.0  # the part of the margin checked for late rows at every look; the whole of it every FULL_EVERY
FULL_EVERY = 30
CHECKPOINT_ROWS = "SAFELANE_VALUATION_CHECKPOINT_ROWS"
DEFAULT_CHECKPOINT_ROWS = 50_000  # rows counted between checkpoints: a few seconds of a new process's start-up


class Counted(NamedTuple):
    """One consignment row as counted: its goods' unit values."""

    row_id: str
    consignment_id: str
    version: int
    goods: tuple["Declared", ...]


class Declared(NamedTuple):
    """One goods item's declared value in euro, per kg of net mass (else gross) and per package."""

    hs6: str
    origin: str
    eur: float
    per_kg: float | None
    per_package: float | None

    @property
    def per(self) -> dict[str, float]:
        """measure -> EUR per unit, for the measures the item gives."""
        found = {"kg": self.per_kg, "package": self.per_package}
        return {measure: value for measure, value in found.items() if value is not None}

    @property
    def judged(self) -> tuple[str, float]:
        """What the item is judged by: per kg where it gives a mass; per package only without one (a package may
        hold one phone or twenty, so its value spreads too widely to judge by while the mass says more)."""
        return ("kg", self.per_kg) if self.per_kg is not None else ("package", self.per_package or 0.0)


def declared(
    hs_code: str | None,
    amount: float | None,
    currency: str | None,
    mass_kg: float | None,
    packages: int | None,
    origin: str | None,
    on_date: date,
) -> Declared | None:
    """None when the item lacks what a unit value needs: an HS code, a positive value with a rated currency, and a
    mass or a package count."""
    if not hs_code or len(hs_code) < 6 or not amount or amount <= 0 or not currency:
        return None
    per_kg = mass_kg if mass_kg and mass_kg > 0 else None
    per_package = packages if packages and packages > 0 else None
    if per_kg is None and per_package is None:
        return None
    eur = to_eur(amount, currency, on_date)
    if eur is None:
        return None
    return Declared(
        hs_code[:6],
        origin or "",
        eur,
        eur / per_kg if per_kg else None,
        eur / per_package if per_package else None,
    )


def _country(party: dict[str, Any] | None) -> str | None:
    if not party:
        return None
    return party.get("country") or (party.get("address") or {}).get("country")


def declared_in(row: DeclaredRow) -> Iterable[Declared]:
    """The goods of a stored consignment as the assessor sees a lodged one (`valuation.declared_of`)."""
    on_date = row.filed_at.date()
    shipper = _country(row.consignor)
    for item in row.goods:
        value = item.get("value") or {}
        found = declared(
            item.get("hs_code"),
            value.get("amount"),
            value.get("currency"),
            item.get("net_mass_kg") or item.get("gross_mass_kg"),
            item.get("packages"),
            item.get("origin_country") or shipper,
            on_date,
        )
        if found is not None:
            yield found


def counted(row: DeclaredRow) -> Counted:
    return Counted(row.row_id, row.consignment_id, row.version, tuple(declared_in(row)))


class _Seen:
    """The ids seen within the margin: a set to test, and the same sorted to count a band and drop the oldest
    (both cost what changes, not what the margin holds: at a thousand rows a second it holds 300,000)."""

    def __init__(self, ids: Iterable[str] = ()):
        self.order = sorted(ids)
        self.ids = set(self.order)

    def __len__(self) -> int:
        return len(self.order)

    def __contains__(self, row_id: str) -> bool:
        return row_id in self.ids

    def add(self, ids: Iterable[str]) -> None:
        for row_id in ids:
            if row_id in self.ids:
                continue
            self.ids.add(row_id)
            if not self.order or row_id > self.order[-1]:
                self.order.append(row_id)
            else:
                insort(self.order, row_id)  # a late row: rare

    def since(self, floor: str) -> int:
        return len(self.order) - bisect_left(self.order, floor)

    def drop_below(self, floor: str) -> None:
        cut = bisect_left(self.order, floor)
        if cut:
            self.ids.difference_update(self.order[:cut])
            del self.order[:cut]


class ValueHistory:
    """The distributions, kept up to date from the store; call it for the distributions in force."""

    def __init__(
        self,
        db: Database,
        check_every: float = 1.0,
        margin: float = MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        checkpoint_rows: int = DEFAULT_CHECKPOINT_ROWS,
    ):
        """`checkpoint_rows`: save the sketches after this many rows were counted in or out (0: never)."""
        self.db = db
        self.checkpoint_rows = checkpoint_rows
        self._uncheckpointed = 0  # rows counted in or out since the last checkpoint was read or written
        self.restored: str | None = None  # the checkpoint's newest row when the history started from one
        self.check_every = check_every
        self.margin_ms = int(margin * 1000)
        self.clock = clock  # seconds; the demo sets its pipeline's clock, so what is read when follows its time
        self._checked: float | None = None
        self.sketches: dict[Key, Sketch] = {}
        self.rows = 0  # consignment rows counted in (amended ones counted out again)
        self._high = ""  # newest row id seen
        self._recent = _Seen()  # ids seen within the margin below it
        self._looks = 0
        self._lock = threading.Lock()
        # rows this process is storing, by row id: counted from memory once listed (never listed: rolled back)
        self._own: dict[str, Counted] = {}
        self._own_lock = threading.Lock()

    def __call__(self) -> dict[Key, Sketch]:
        if self._due():
            with self._lock:  # counting in is not idempotent: one thread at a time, and only once per look
                if self._due():
                    with self.db.read() as conn:
                        if self._checked is None:
                            self._load(conn)
                        else:
                            self._update(conn)
                    if self.checkpoint_rows and self._uncheckpointed >= self.checkpoint_rows:
                        self.checkpoint()
                    self._checked = self.clock()
        return self.sketches

    def checkpoint(self) -> None:
        """Save the sketches as counted so far (what a new process then starts from)."""
        saved = value_checkpoints.Checkpoint(
            self._high,
            self.rows,
            {key: dict(sketch.counts) for key, sketch in self.sketches.items()},
            list(self._recent.order),
            datetime.now(UTC),
        )
        with self.db.write() as conn:
            value_checkpoints.save(conn, saved)
        self._uncheckpointed = 0

    def stored_here(self, rows: Iterable[Counted]) -> None:
        """Rows this process writes in its current transaction: when a later look lists them (so they were
        committed) their goods are counted from these instead of being read back."""
        with self._own_lock:
            self._own.update((row.row_id, row) for row in rows)

    def _due(self) -> bool:
        # abs: a clock set back (the demo's, handing over to the wall clock) looks again at once
        return self._checked is None or abs(self.clock() - self._checked) >= self.check_every

    def refresh(self) -> None:
        """Read new rows on the next call (after this process stored some)."""
        if self._checked is not None:
            self._checked = -float("inf")

    @property
    def version(self) -> str:
        """What the judgements used: the newest row counted in, and how many rows."""
        return f"{self.rows} declarations to {self._high or 'none'}"

    def _floor(self) -> str:
        """The smallest row id within the margin below the newest seen (ids are a letter and hex milliseconds)."""
        if not self._high:
            return ""
        made = int(self._high[1:12], 16)
        return f"{self._high[0]}{max(0, made - self.margin_ms):011x}"

    def _count(self, row: Counted, sign: int) -> None:
        for item in row.goods:
            for measure, value in (("kg", item.per_kg), ("package", item.per_package)):
                if value is None:
                    continue
                k = bucket(value)  # once for both groups
                keys = (
                    ((measure, item.hs6, ANY_ORIGIN), (measure, item.hs6, item.origin))
                    if item.origin
                    else ((measure, item.hs6, ANY_ORIGIN),)
                )
                for key in keys:
                    self._add(key, k, sign)
        self.rows += sign
        self._uncheckpointed += 1

    def _add(self, key: Key, k: int, sign: int) -> None:
        sketch = self.sketches.get(key)
        if sketch is None:
            if sign < 0:
                return  # a version never counted in (its filing was withdrawn when the history loaded)
            sketch = self.sketches[key] = Sketch()
        if sign < 0 and k not in sketch.counts:
            return
        sketch.add(k, sign)
        if not sketch.count:
            del self.sketches[key]

    def _load(self, conn: Any) -> None:
        """From the newest checkpoint and the rows stored since, else every current consignment once."""
        saved = value_checkpoints.newest(conn)
        if saved is None:
            self._load_all(conn)
            return
        for key, counts in saved.sketches.items():
            sketch = self.sketches[key] = Sketch()
            for k, n in counts.items():
                sketch.add(k, n)
        self.rows, self._high, self._recent, self.restored = saved.rows, saved.high, _Seen(saved.recent), saved.high
        self._update(conn)

    def _load_all(self, conn: Any) -> None:
        """Every current consignment once; the margin's ids too, counted or not (a non-current one is replaced)."""
        self._high = stored.newest_id(conn) or ""  # the newest id before loading bounds the margin
        margin = set(stored.ids_since(conn, self._floor())) if self._high else set()
        for chunk in stored.current(conn):
            for row in chunk:
                self._count(counted(row), +1)
                self._high = max(self._high, row.row_id)
                margin.add(row.row_id)
        floor = self._floor()
        self._recent = _Seen(i for i in margin if i >= floor)
        self._forget_own()

    def _forget_own(self) -> None:
        """Drop kept rows already counted (by a full load) or below the margin (their transaction failed)."""
        floor = self._floor()
        with self._own_lock:
            self._own = {i: row for i, row in self._own.items() if i >= floor and i not in self._recent}

    def _band(self, seconds: float) -> str:
        made = int(self._high[1:12], 16)
        return f"{self._high[0]}{max(0, made - int(seconds * 1000)):011x}"

    def _late(self, conn: Any) -> list[str]:
        """Ids committed late within the margin: none unless the store holds more rows there than were seen (a
        count of one index range in the database; the ids are listed only when it differs, which is rare). The
        last `BAND_SECONDS` are checked at every look, the whole margin at every `FULL_EVERY`th: the count still
        costs the database what the range holds, and a transaction is rarely seconds late, let alone minutes."""
        if not self._high:
            return []
        self._looks += 1
        floor = self._floor() if self._looks % FULL_EVERY == 0 else max(self._floor(), self._band(BAND_SECONDS))
        if stored.count_between(conn, floor, self._high) <= self._recent.since(floor):
            return []
        return [i for i in stored.ids_since(conn, floor) if i <= self._high and i not in self._recent]

    def _update(self, conn: Any) -> None:
        fresh = self._late(conn) + stored.ids_after(conn, self._high)
        if not fresh:
            self._forget_own()
            return
        with self._own_lock:
            own = [self._own.pop(i) for i in fresh if i in self._own]
        kept = {row.row_id for row in own}
        others = [i for i in fresh if i not in kept]
        rows = own + [counted(row) for row in stored.by_ids(conn, others)] if others else own
        newest: dict[str, Counted] = {}
        for row in rows:  # of several versions of one consignment arriving together only the newest counts
            if row.consignment_id not in newest or row.version > newest[row.consignment_id].version:
                newest[row.consignment_id] = row
        fresh_ids = set(fresh)
        amended = {cid: row.version for cid, row in newest.items() if row.version > 1}
        for old in stored.replaced(conn, amended, fresh_ids) if amended else []:
            self._count(counted(old), -1)
        for row in newest.values():
            self._count(row, +1)
        self._high = max(self._high, *fresh)
        self._recent.add(sorted(fresh))
        self._recent.drop_below(self._floor())
        self._forget_own()

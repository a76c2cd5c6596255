"""The store's declarations as distributions: loaded once, then kept up to date from the rows stored since,
amendments counting the replaced version out; on SQLite and PostgreSQL, through the real pipeline."""

import random
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import pytest
import sqlalchemy as sa

from safelane.risk.valuation import NAME, ValuationAssessor
from safelane.risk.value_distribution import bucket
from safelane.risk.value_history import FULL_EVERY, Counted, Declared, ValueHistory
from safelane.store import value_checkpoints
from safelane.store.schema import consignments
from safelane.store.schema import value_checkpoints as value_checkpoints_table
from tests.factories import air_consignment, filing

PHONES = "851713"
KEY = ("kg", PHONES, "CN")


def phones(reference: str, eur_per_kg: float) -> dict:
    return air_consignment(
        house_document=reference,
        goods__0__hs_code=PHONES,
        goods__0__description="Smartphones",
        goods__0__value={"amount": round(eur_per_kg * 10, 2), "currency": "EUR"},
        goods__0__gross_mass_kg=10.0,
    )


def submit(system, number: str, values: list[float], version: int = 1):
    data = filing(*[phones(f"{number}-{i}", v) for i, v in enumerate(values)], document_number=number, version=version)
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
    return result


def ordinary(count: int, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [round(300 * rng.lognormvariate(0, 0.3), 2) for _ in range(count)]


class Ticking:
    """A clock the test moves: the history looks at the store only when `check_every` has passed on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def statements(db) -> Iterator[list[str]]:
    """The SQL the block sends to the database."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def valuation_of(system) -> ValuationAssessor:
    return next(a for a in system.pipeline.engine.assessors if isinstance(a, ValuationAssessor))


def test_an_under_valued_consignment_is_caught_by_the_pipeline_on_the_stores_own_history(system):
    submit(system, "HIST-1", ordinary(40))
    valuation_of(system).refresh()
    [low, fair] = submit(system, "LOW-1", [0.9, 290.0]).consignments
    [finding] = [f for f in low.findings if f["assessor"] == NAME]
    assert "below the 1st percentile of HS 851713 from CN" in finding["explanation"]
    assert finding["evidence"]["declarations"] == 40
    assert not [f for f in fair.findings if f["assessor"] == NAME]


def test_new_rows_are_counted_in_without_reading_the_store_again(system):
    submit(system, "HIST-1", ordinary(35))
    clock = Ticking()
    history = ValueHistory(system.db, check_every=1.0, clock=clock)
    assert history()[KEY].count == 35
    assert history.rows == 35
    submit(system, "HIST-2", [0.5, 1000.0, 301.0])
    with statements(system.db) as sent:
        assert history()[KEY].count == 35  # not a second later: no look at the store at all
    assert sent == []
    clock.now = 1.0
    with statements(system.db) as sent:
        sketch = history()[KEY]
    assert sketch.count == 38
    assert sketch.counts[bucket(0.5)] == 1
    assert not any("status" in statement for statement in sent)  # the full load joins filings; updates do not
    assert history.rows == 38
    clock.now = 2.0
    with statements(system.db) as sent:
        assert history()[KEY].count == 38  # nothing new: the margin counted, newer ids listed, nothing fetched
    queries = [s for s in sent if s != "BEGIN"]
    assert [s.split()[0] for s in queries] == ["SELECT", "SELECT"]
    assert "count(" in queries[0] and "consignments.row_id >=" in queries[0]  # the margin: counted, not listed
    assert "count(" not in queries[1] and "consignments.row_id >" in queries[1]


def test_an_amendment_counts_the_version_it_replaces_out(system):
    submit(system, "HIST-1", ordinary(30))
    submit(system, "AMEND-1", [1.0, 2.0])
    clock = Ticking()
    history = ValueHistory(system.db, clock=clock)
    assert history()[KEY].counts[bucket(1.0)] == 1
    submit(system, "AMEND-1", [280.0, 2.0], version=2)
    submit(system, "AMEND-1", [280.0, 2.0, 3.0], version=3)  # two versions between looks: only the newest counts
    clock.now = 5.0
    sketch = history()[KEY]
    assert sketch.count == 33
    assert bucket(1.0) not in sketch.counts
    assert sketch.counts[bucket(2.0)] == 1
    assert sketch.counts[bucket(3.0)] == 1
    fresh = ValueHistory(system.db)  # loaded from scratch: the same distribution
    assert fresh()[KEY].counts == sketch.counts


def late_row(system, seconds: float, reference: str) -> None:
    """A slow transaction's row: made (and so numbered) `seconds` before the newest row seen, committed now."""
    with system.db.write() as conn:
        row = conn.execute(sa.select(consignments).order_by(consignments.c.row_id.desc()).limit(1)).mappings().one()
        made = int(row["row_id"][1:12], 16) - int(seconds * 1000)
        late = {**row, "row_id": f"R{made:011x}0000000000", "consignment_id": f"C-{reference}", "reference": reference}
        conn.execute(consignments.insert().values(**late))


def test_a_row_committed_late_within_the_margin_is_still_counted(system):
    submit(system, "HIST-1", ordinary(30))
    clock = Ticking()
    history = ValueHistory(system.db, margin=300.0, clock=clock)
    assert history()[KEY].count == 30
    late_row(system, 5.0, "LATE-1")  # within the band checked at every look
    clock.now = 1.0
    assert history()[KEY].count == 31
    clock.now = 2.0
    assert history()[KEY].count == 31  # and only once
    late_row(system, 60.0, "LATE-2")  # older: the whole margin is checked at every FULL_EVERY-th look
    looks = 0
    while history()[KEY].count == 31 and looks <= FULL_EVERY:
        clock.now += 1.0
        looks += 1
    assert history()[KEY].count == 32 and looks <= FULL_EVERY
    for _ in range(FULL_EVERY + 1):
        clock.now += 1.0
        assert history()[KEY].count == 32  # and only once
    late_row(system, 301.0, "LATE-3")  # beyond the margin: a transaction is never that late
    for _ in range(FULL_EVERY + 1):
        clock.now += 1.0
        assert history()[KEY].count == 32


@pytest.mark.parametrize("values", [[], [300.0] * 3])
def test_too_little_history_judges_nobody(system, values):
    if values:
        submit(system, "HIST-1", values)
    valuation_of(system).refresh()
    [low] = submit(system, "LOW-1", [0.9]).consignments
    assert not [f for f in low.findings if f["assessor"] == NAME]


def test_by_a_clock_that_is_set_back_the_history_looks_again_at_once(system):
    submit(system, "HIST-1", ordinary(30))
    clock = Ticking()
    clock.now = 1_000_000.0  # a demo's simulated time, ahead of the wall clock it then hands over to
    history = ValueHistory(system.db, clock=clock)
    assert history()[KEY].count == 30
    submit(system, "HIST-2", [300.0])
    clock.now = 10.0
    assert history()[KEY].count == 31


def test_another_process_sees_the_declarations_one_process_stored(database_url):
    from safelane.settings import Settings
    from safelane.system import build

    first, second = (build(Settings(database_url=database_url)) for _ in range(2))
    try:
        submit(second, "OWN-1", [300.0])  # the second has read the store (then empty) for this one
        submit(first, "HIST-1", ordinary(40))
        valuation_of(second).refresh()  # as its next look, at most a second later, would
        [low] = submit(second, "LOW-1", [0.9]).consignments
        [finding] = [f for f in low.findings if f["assessor"] == NAME]
        assert finding["evidence"]["declarations"] == 41
    finally:
        first.db.dispose()
        second.db.dispose()


def test_a_new_process_starts_from_the_newest_checkpoint_and_counts_in_only_what_came_since(system):
    submit(system, "HIST-1", ordinary(30))
    submit(system, "AMEND-1", [1.0, 2.0])
    writer = ValueHistory(system.db, checkpoint_rows=2)  # 32 consignment rows counted: it saves at once
    assert writer()[KEY].count == 32
    with system.db.read() as conn:
        saved = value_checkpoints.newest(conn)
    assert saved is not None and saved.rows == 32 and saved.sketches[KEY] == writer.sketches[KEY].counts
    submit(system, "AMEND-1", [280.0, 2.0], version=2)  # replaces a version the checkpoint counted in
    submit(system, "HIST-2", [0.5, 301.0])
    restored = ValueHistory(system.db, checkpoint_rows=0)
    with statements(system.db) as sent:
        sketch = restored()[KEY]
    assert restored.restored == saved.high
    assert not any("filings.status" in s for s in sent)  # no full load: the checkpoint and the rows since
    full = ValueHistory(system.db, checkpoint_rows=0)
    with system.db.write() as conn:
        conn.execute(sa.delete(value_checkpoints_table))
    assert full()[KEY].counts == sketch.counts and full.restored is None
    assert sketch.count == 34 and bucket(1.0) not in sketch.counts and sketch.counts[bucket(0.5)] == 1
    assert restored.rows == full.rows


def test_only_the_newest_checkpoints_are_kept(system):
    submit(system, "HIST-1", ordinary(3))
    history = ValueHistory(system.db, checkpoint_rows=0)
    history()
    for _ in range(4):
        history.checkpoint()
    with system.db.read() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(value_checkpoints_table)).scalar_one()
    assert kept == value_checkpoints.KEEP


def test_a_pipeline_counts_its_own_rows_from_memory_and_reads_back_only_the_others(database_url):
    from safelane.settings import Settings
    from safelane.system import build

    first, second = (build(Settings(database_url=database_url)) for _ in range(2))
    try:
        valuation_of(first).keep_time(Ticking())  # it looks at the store only when told to
        submit(first, "HIST-1", ordinary(30))
        submit(second, "OTHER-1", [310.0, 290.0])
        history = valuation_of(first)._history
        assert isinstance(history, ValueHistory)
        submit(first, "AMEND-1", [1.0, 2.0])
        submit(first, "AMEND-1", [280.0, 2.0], version=2)  # its own amendment: the version replaced counted out
        submit(second, "OTHER-2", [0.5])
        submit(first, "OWN-2", [305.0, 295.0, 300.0])
        history.refresh()
        with statements(first.db) as sent:
            sketch = history()[KEY]
        fetched = [s for s in sent if "goods" in s]  # a read of stored documents: the other's rows, the replaced one
        assert len(fetched) == 2, sent
        fresh = ValueHistory(first.db)  # loaded from scratch: the same distribution
        assert fresh()[KEY].counts == sketch.counts
        assert sketch.count == 30 + 2 + 2 + 1 + 3 and bucket(1.0) not in sketch.counts
        assert history.rows == fresh.rows
        assert history._own == {}  # nothing kept once counted
    finally:
        first.db.dispose()
        second.db.dispose()


def test_rows_kept_for_a_transaction_that_failed_are_never_counted_and_then_forgotten(system):
    submit(system, "HIST-1", ordinary(30))
    clock = Ticking()
    history = ValueHistory(system.db, margin=300.0, clock=clock)
    assert history()[KEY].count == 30
    with system.db.read() as conn:
        newest = conn.execute(sa.select(consignments).order_by(consignments.c.row_id.desc()).limit(1)).mappings().one()
    made = int(newest["row_id"][1:12], 16)
    row_id = f"R{made + 1:011x}0000000000"
    kept = Counted(row_id, "C-FAILED", 1, (Declared(PHONES, "CN", 5.0, 0.5, None),))
    with pytest.raises(RuntimeError), system.db.write() as conn:
        conn.execute(consignments.insert().values(**{**newest, "row_id": row_id, "consignment_id": "C-FAILED"}))
        history.stored_here([kept])
        raise RuntimeError("the store transaction fails after the assessors recorded")
    clock.now = 1.0
    assert history()[KEY].count == 30 and bucket(0.5) not in history()[KEY].counts
    assert row_id in history._own  # within the margin its transaction might still commit
    submit(system, "LATER-1", [300.0])
    clock.now = 2.0
    assert history()[KEY].count == 31
    history._high = f"R{made + 301_000:011x}0000000000"  # five minutes and a second of traffic later
    clock.now = 3.0
    history()
    assert row_id not in history._own


def test_the_seen_margin_counts_a_band_and_drops_the_oldest():
    from safelane.risk.value_history import _Seen

    seen = _Seen(["R03", "R01"])
    seen.add(["R05", "R07"])
    seen.add(["R02", "R05"])  # a late row goes in order; one seen before is not counted twice
    assert seen.order == ["R01", "R02", "R03", "R05", "R07"] and len(seen) == 5
    assert seen.since("R03") == 3 and seen.since("R08") == 0 and seen.since("R") == 5
    seen.drop_below("R03")
    assert seen.order == ["R03", "R05", "R07"] and "R02" not in seen and "R05" in seen

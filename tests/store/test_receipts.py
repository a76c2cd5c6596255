"""Receipts: a batch of answers is recorded in one go, and a receipt keeps the first answer it was given."""

from datetime import UTC, datetime, timedelta

from safelane.store import receipts
from safelane.store.receipts import Receipt

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_a_batch_keeps_each_receipts_first_answer(db) -> None:
    with db.write() as conn:
        receipts.record(conn, [Receipt("R-1", "ACME", T0, {"status": "assessed", "n": 1})], T0)
    later = T0 + timedelta(minutes=5)
    batch = [
        Receipt("R-1", "ACME", T0, {"status": "failed"}),  # a replay of an answered receipt
        Receipt("R-2", "ACME", T0, {"status": "assessed", "n": 2}),
        Receipt("R-2", "ACME", T0, {"status": "failed"}),  # the same message twice in one batch
        Receipt("R-3", None, T0, {"status": "rejected"}),
    ]
    with db.write() as conn:
        receipts.record(conn, batch, later)
    with db.read() as conn:
        found = {r: receipts.get(conn, r) for r in ("R-1", "R-2", "R-3")}
    assert {r: (a["answer"], a["filer"]) for r, a in found.items() if a} == {
        "R-1": ({"status": "assessed", "n": 1}, "ACME"),
        "R-2": ({"status": "assessed", "n": 2}, "ACME"),
        "R-3": ({"status": "rejected"}, None),
    }
    assert found["R-1"]["forwarded_at"].replace(tzinfo=UTC) == T0
    assert found["R-2"]["forwarded_at"].replace(tzinfo=UTC) == later


def test_an_empty_batch_writes_nothing(db) -> None:
    with db.write() as conn:
        receipts.record(conn, [], T0)
    with db.read() as conn:
        assert receipts.get(conn, "R-1") is None

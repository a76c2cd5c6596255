"""Splitting through the store: the index kept with each filing, across batches, a 30-day window, amendments,
and two pipelines (two processes' worth of system) on one database — SQLite, and PostgreSQL when configured."""

from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from safelane.domain import InvalidMessage
from safelane.settings import Settings
from safelane.store.schema import ecommerce_parcels
from safelane.system import StoredSystem, build
from tests.factories import filing
from tests.risk.ecommerce_parcels import parcel


def file(system: StoredSystem, number: str, value: float, filed_at: str, **changes: Any) -> dict[str, Any]:
    """File one parcel as its own filing; returns its consignment result as the API would answer it."""
    message = filing(
        parcel(value, house_document=f"EXP-{number}", **changes), document_number=f"ORDER-{number}", filed_at=filed_at
    )
    message.update(changes.pop("filing", {}))
    [result] = system.pipeline.submit_message(orjson.dumps(message), filer="SHOP", actor="filer")
    assert result.status == "accepted", result
    return {"id": result.consignments[0].consignment_id, "findings": result.consignments[0].findings}


def split(result: dict[str, Any]) -> dict[str, Any] | None:
    return next((f for f in result["findings"] if f["code"] == "ECOM-SPLIT"), None)


def test_parcels_of_earlier_filings_count_within_30_days(system: StoredSystem) -> None:
    first = file(system, "1", 90, "2026-11-01T08:00:00Z")
    second = file(system, "2", 70, "2026-11-30T08:00:00Z")
    third = file(system, "3", 75, "2026-12-05T08:00:00Z")  # 34 days after the first, 5 after the second
    assert split(first) is None
    found = split(second)
    assert found is not None and found["evidence"]["total"] == 160.0
    assert [p["consignment_id"] for p in found["evidence"]["parcels"]] == [first["id"]]
    assert split(third) is None  # 70 + 75 = 145: the first parcel has left the window


def test_the_index_holds_low_value_parcels_only(system: StoredSystem) -> None:
    low = file(system, "1", 80, "2026-11-01T08:00:00Z")
    file(system, "2", 400, "2026-11-01T09:00:00Z")
    with system.db.read() as conn:
        rows = conn.execute(sa.select(ecommerce_parcels.c.consignment_id, ecommerce_parcels.c.key_kind)).all()
    assert sorted(rows) == [(low["id"], "name_address"), (low["id"], "phone")]


def test_two_pipelines_on_one_store_see_each_others_parcels(system: StoredSystem, database_url: str) -> None:
    other = build(Settings(database_url=database_url))
    try:
        first = file(system, "1", 90, "2026-11-10T08:00:00Z")
        second = file(other, "2", 90, "2026-11-11T08:00:00Z")
        third = file(system, "3", 10, "2026-11-12T08:00:00Z")
    finally:
        other.db.dispose()
    assert split(first) is None
    found = split(second)
    assert found is not None and [p["consignment_id"] for p in found["evidence"]["parcels"]] == [first["id"]]
    found = split(third)
    assert found is not None and found["evidence"]["total"] == 190.0
    assert [p["consignment_id"] for p in found["evidence"]["parcels"]] == [first["id"], second["id"]]


def test_parcels_in_one_message_are_compared_with_each_other(system: StoredSystem) -> None:
    message = filing(
        parcel(100, house_document="EXP-A"),
        parcel(100, house_document="EXP-B"),
        document_number="ORDER-AB",
        filed_at="2026-11-10T08:00:00Z",
    )
    [result] = system.pipeline.submit_message(orjson.dumps(message), filer="SHOP", actor="filer")
    first, second = result.consignments
    assert split({"findings": first.findings}) is None
    assert split({"findings": second.findings}) is not None


def test_an_amendment_replaces_its_parcel_in_the_index(system: StoredSystem) -> None:
    first = file(system, "1", 100, "2026-11-10T08:00:00Z")
    amended = filing(
        parcel(20, house_document="EXP-1"), document_number="ORDER-1", version=2, filed_at="2026-11-10T09:00:00Z"
    )
    [result] = system.pipeline.submit_message(orjson.dumps(amended), filer="SHOP", actor="filer")
    assert result.consignments[0].consignment_id == first["id"]
    with system.db.read() as conn:
        values = conn.execute(sa.select(ecommerce_parcels.c.value).distinct()).scalars().all()
    assert values == [20.0]
    assert split(file(system, "2", 100, "2026-11-11T08:00:00Z")) is None  # 20 + 100 stays under EUR 150


def test_a_rejected_batch_leaves_no_index_rows(system: StoredSystem) -> None:
    bad = filing(parcel(100, house_document="EXP-X", goods__0__hs_code="99"), document_number="ORDER-X")
    with pytest.raises(InvalidMessage):
        system.pipeline.submit_message(orjson.dumps(bad), filer="SHOP", actor="filer")
    with system.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ecommerce_parcels)).scalar_one() == 0


def test_a_failed_store_transaction_leaves_no_index_rows(system: StoredSystem, monkeypatch: pytest.MonkeyPatch) -> None:
    from safelane.store import filings as filing_store

    real = filing_store.save

    def failing(*args: Any) -> Any:
        real(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr("safelane.pipeline.filing_store.save", failing)
    with pytest.raises(RuntimeError):
        file(system, "1", 100, "2026-11-10T08:00:00Z")
    monkeypatch.undo()
    with system.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ecommerce_parcels)).scalar_one() == 0

"""Reading stored history back: narrowed to a profile's scope, and counted per day apart."""

from datetime import date

import orjson

from safelane.store.filings import stored_lodgements, stored_per_day
from tests.factories import air_consignment, filing, sea_consignment


def test_history_is_read_for_the_modes_asked_and_counted_for_all(system):
    for number, consignment, day in [
        ("S1", sea_consignment(master_document="B1"), "2026-11-18"),
        ("S2", sea_consignment(master_document="B2"), "2026-11-19"),
        ("A1", air_consignment(), "2026-11-19"),
    ]:
        data = filing(consignment, document_number=number, filed_at=f"{day}T10:00:00Z")
        system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="test")
    with system.db.read() as conn:
        sea = [lo.consignment.mode.value for batch in stored_lodgements(conn, modes=["sea"]) for lo in batch]
        pre_loading = [lo.document_number for batch in stored_lodgements(conn, kinds=["pre_loading"]) for lo in batch]
        every = [lo.document_number for batch in stored_lodgements(conn) for lo in batch]
        per_day = stored_per_day(conn)
    assert sea == ["sea", "sea"]
    assert pre_loading == ["A1"]
    assert sorted(every) == ["A1", "S1", "S2"]
    assert per_day == {date(2026, 11, 18): 1, date(2026, 11, 19): 2}

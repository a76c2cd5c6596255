"""Capacity is a database reservation: two pipelines (as two workers would be) on one store, filing at the
same moment, never give out more places than the office has (before it, each read usage outside its write
transaction and both could take the last places)."""

import threading
from datetime import UTC, datetime

import orjson
import pytest

from safelane.settings import Settings
from safelane.store import offices as office_store
from safelane.store import profiles as profile_store
from safelane.system import build
from tests.factories import filing
from tests.test_capacity_store import SCORED, set_office, shirt

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
CAPACITY, PER_WORKER = 3, 12


def _system(url: str):
    made = build(Settings(database_url=url, sample_key=b"reservation-test"))
    made.pipeline.clock = lambda: AT
    return made


@pytest.mark.parametrize("rounds", [3])
def test_two_pipelines_never_exceed_an_offices_daily_capacity(database_url, clock, rounds):
    first, second = _system(database_url), _system(database_url)
    with first.db.write() as conn:
        profile_store.save(conn, SCORED.format(id="SHIRTS", hs="6109", score=75), actor="t", at=AT, activate=True)
    for made in (first, second):
        made.profiles.refresh()
    set_office(first, clock, capacity={"physical": CAPACITY, "nii": 0})
    second.pipeline.offices.refresh()
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def file(made, name: str) -> None:
        try:
            start.wait()
            for i in range(PER_WORKER):
                data = filing(shirt(f"{name}{i}"), document_number=f"{name}-{i}", kind="pre_arrival")
                [result] = made.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
                outcomes.extend(c.outcome for c in result.consignments)
        except BaseException as error:
            errors.append(error)

    try:
        threads = [threading.Thread(target=file, args=(m, n)) for m, n in ((first, "A"), (second, "B"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(outcomes) == 2 * PER_WORKER
        with first.db.read() as conn:
            used = office_store.usage(conn, AT)
        assert used.total("NLRTM", "physical") == CAPACITY  # every place taken, none twice
        assert outcomes.count("red") == CAPACITY
    finally:
        first.db.dispose()
        second.db.dispose()

"""The late-certificate lookup index on the real store (SQLite and PostgreSQL): a certificate finds the open
consignments that quote its number or share its consignor and consignee, through the current version only."""

from datetime import timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.scope import Scope
from safelane.store import certificate_lookup
from safelane.store import profiles as profile_store
from safelane.store import reassessments as reassessment_store
from safelane.store.schema import certificate_lookup as lookup_table
from tests.documents.test_reassessment import NEEDS_CERTIFICATE
from tests.ephyto.test_matching import plants
from tests.factories import filing

NUMBER = "AR-PC-2026-0001"


@pytest.fixture(autouse=True)
def plant_health(system, clock):
    """Plant health holds these plants for a certificate, so their decisions stay open to it."""
    with system.db.write() as conn:
        profile_store.save(conn, NEEDS_CERTIFICATE, actor="test", at=clock.now, origin="ph.yaml", activate=True)
    system.profiles.refresh()


def submit(system, *consignments, number="DOC-1", version=1):
    data = orjson.dumps(filing(*consignments, document_number=number, version=version))
    [result] = system.pipeline.submit_message(data, filer="acme", actor="acme")
    return result


def looked_up(system, clock, number=NUMBER, consignor="Juan Perez", consignee="Importer SA"):
    with system.db.read() as conn:
        since = reassessment_store.window(clock.now)
        return reassessment_store.open_with_certificate(conn, number, consignor, consignee, since=since)


def test_a_certificate_finds_the_consignments_quoting_its_number_or_naming_its_parties(system, clock):
    quoting = plants(documents=[{"type": "N851", "reference": "ar pc.2026 0001"}], consignee__name="Someone Else")
    by_parties = plants(documents=None, master_document="MAEU000000002")
    other = plants(
        documents=[{"type": "N851", "reference": "AR-PC-2026-9999"}],
        consignee__name="Other Ltd",
        master_document="MAEU000000003",
    )
    result = submit(system, quoting, by_parties, other)
    ids = [c.consignment_id for c in result.consignments]

    assert looked_up(system, clock) == sorted(ids[:2])
    assert looked_up(system, clock, consignee=None) == [ids[0]]  # without both parties, the number only
    assert looked_up(system, clock, number="AR-PC-2026-9999", consignee="Nobody") == [ids[2]]
    assert looked_up(system, clock, number="XX-1", consignee="Nobody") == []


def test_only_the_current_version_of_an_active_recent_filing_is_found(system, clock):
    first = submit(system, plants(consignee__name="Someone Else"))
    [consignment] = first.consignments
    assert looked_up(system, clock) == [consignment.consignment_id]

    clock.now += timedelta(hours=1)
    submit(system, plants(documents=None, consignee__name="Someone Else"), version=2)  # the number is gone
    assert looked_up(system, clock) == []

    again = submit(system, plants(master_document="MAEU000000002"), number="DOC-2")
    [found] = again.consignments
    assert looked_up(system, clock) == [found.consignment_id]
    clock.now += timedelta(days=31)
    assert looked_up(system, clock) == []  # filed before the 30 days looked back
    clock.now -= timedelta(days=31)

    system.pipeline.withdraw(again.filing_id, scope=Scope.of("acme", "filer", filer="acme"))
    assert looked_up(system, clock) == []


def test_reindex_indexes_consignments_stored_before_the_index(system, clock):
    [consignment] = submit(system, plants()).consignments
    with system.db.write() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(lookup_table)).scalar_one()
        conn.execute(lookup_table.delete())
    assert before == 2  # its quoted number and its parties
    assert looked_up(system, clock) == []

    with system.db.write() as conn:
        assert certificate_lookup.reindex(conn) == 2
        assert certificate_lookup.reindex(conn) == 0  # already indexed
    assert looked_up(system, clock) == [consignment.consignment_id]


def test_a_consignment_no_late_certificate_can_change_costs_no_index_rows(system, clock):
    timber = plants(goods=[{"description": "Sawn pine timber", "hs_code": "440711", "packages": 20}])
    [cleared, held] = submit(system, timber, plants(master_document="MAEU000000002")).consignments
    assert (cleared.outcome, cleared.requirements) == ("green", [])  # closed, and no agency holds it
    with system.db.read() as conn:
        indexed = set(conn.execute(sa.select(lookup_table.c.row_id).distinct()).scalars())
    assert len(indexed) == 1  # the held plants only
    assert looked_up(system, clock) == [held.consignment_id]

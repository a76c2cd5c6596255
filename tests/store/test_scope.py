"""The repositories under a Scope, on both engines: a posted officer's rows are its office's, of a filing its part,
an amendment that moves a consignment moves it to the other office, and filers keep their whole filings."""

import orjson
import pytest

from safelane.cases import queue
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from tests.factories import filing, sea_consignment

ROTTERDAM = Scope.of("olga", "officer", office="NLRTM")
ANTWERP = Scope.of("pieter", "officer", office="BEANR")
SUPERVISOR = Scope.of("sam", "supervisor", office="NLRTM")  # an office stored with a supervisor does not narrow
ACME = Scope.of("acme-user", "filer", filer="ACME")
GLOBEX = Scope.of("globex-user", "filer", filer="GLOBEX")


def _submit(system, data):
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme-user")
    assert result.status == "accepted", result.problems
    return result


def _two_offices(version: int = 1, antwerp: str = "BEANR"):
    return filing(
        sea_consignment(house_document="HBL-RTM"),
        sea_consignment(house_document="HBL-ANR", itinerary__place_of_unloading=antwerp),
        document_number="MIX",
        version=version,
    )


def test_a_filing_across_offices_is_each_officers_part(system) -> None:
    result = _submit(system, _two_offices())
    rotterdam, antwerp = (c.consignment_id for c in result.consignments)
    with system.db.read() as conn:
        assert filing_store.part_of(conn, result.filing_id, ROTTERDAM) == {rotterdam}
        assert filing_store.part_of(conn, result.filing_id, ANTWERP) == {antwerp}
        assert filing_store.part_of(conn, result.filing_id, SUPERVISOR) is None  # all of it
        assert filing_store.visible_filing(conn, result.filing_id, GLOBEX) is None
        assert filing_store.visible_filing(conn, result.filing_id, ACME) is not None
        [version] = filing_store.versions_of(conn, result.filing_id, only=frozenset({rotterdam}))
        assert [c["consignment_id"] for c in version["consignments"]] == [rotterdam]
        assert version["raw"] is None
        shown = filing_store.results_of(conn, result.filing_id, 1, only=frozenset({antwerp}))
        assert [c.consignment_id for c in shown] == [antwerp]
        assert {d["office"] for d in decision_store.search(conn, scope=ROTTERDAM)} == {"NLRTM"}
        assert len(decision_store.search(conn, scope=SUPERVISOR)) == 2
        assert decision_store.search(conn, scope=GLOBEX) == []
        antwerp_decision = shown[0].decision_id
        assert decision_store.get(conn, antwerp_decision, scope=ROTTERDAM) is None
        assert decision_store.get(conn, antwerp_decision, scope=ANTWERP) is not None
        assert filing_store.consignment_history(conn, antwerp, scope=ROTTERDAM) == []
        assert len(filing_store.consignment_history(conn, antwerp, scope=ACME)) == 1
        in_queue = queue.open_cases(conn, queue.Filters(), ROTTERDAM, now=system.pipeline.clock())
        assert [r["consignment_id"] for r in in_queue.rows] == [rotterdam]


def test_lists_hold_the_filings_with_a_consignment_in_scope(system) -> None:
    mixed = _submit(system, _two_offices())
    antwerp_only = _submit(
        system, filing(sea_consignment(itinerary__place_of_unloading="BEANR"), document_number="ANR")
    )
    with system.db.read() as conn:
        assert [f["filing_id"] for f in filing_store.list_filings(conn, scope=ROTTERDAM)] == [mixed.filing_id]
        assert {f["filing_id"] for f in filing_store.list_filings(conn, scope=ANTWERP)} == {
            mixed.filing_id,
            antwerp_only.filing_id,
        }
        assert filing_store.visible_filing(conn, antwerp_only.filing_id, ROTTERDAM) is None
        assert filing_store.list_filings(conn, scope=GLOBEX) == []


def test_an_amendment_that_moves_a_consignment_moves_it_to_the_other_office(system) -> None:
    first = _submit(system, _two_offices())
    moved = first.consignments[1].consignment_id
    _submit(system, _two_offices(version=2, antwerp="NLRTM"))  # the Antwerp consignment now unloads at Rotterdam
    with system.db.read() as conn:
        assert filing_store.part_of(conn, first.filing_id, ANTWERP) == frozenset()
        assert filing_store.visible_filing(conn, first.filing_id, ANTWERP) is None
        assert filing_store.consignment_history(conn, moved, scope=ANTWERP) == []
        history = filing_store.consignment_history(conn, moved, scope=ROTTERDAM)
        assert [r["office"] for r in history] == ["BEANR", "NLRTM"]  # with the version filed for Antwerp


def test_withdrawing_needs_the_whole_filing_in_scope(system) -> None:
    result = _submit(system, _two_offices())
    with pytest.raises(PermissionError):
        system.pipeline.withdraw(result.filing_id, scope=ROTTERDAM)
    with pytest.raises(LookupError):
        system.pipeline.withdraw(result.filing_id, scope=GLOBEX)
    with system.db.read() as conn:
        assert filing_store.get_filing(conn, result.filing_id)["status"] == "active"
    assert system.pipeline.withdraw(result.filing_id, scope=SUPERVISOR)["status"] == "withdrawn"

"""Need-to-know on both engines: an agency officer's repositories hold only the consignments its agency has a
requirement on, never another agency's, and its users carry the agency from the register."""

import orjson
import pytest

from safelane.cases import queue
from safelane.domain.assessment import AgencyRequirement
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from safelane.store import requirements
from safelane.store import users as user_store
from safelane.store.schema import agency_requirements
from tests.factories import filing, sea_consignment

PLANTS = Scope.of("pia", "agency_officer", agency="plant_health")
VETS = Scope.of("vic", "agency_officer", agency="veterinary")
NOBODY = Scope.of("nel", "agency_officer")  # an agency officer without an agency sees nothing


def _two(system):
    data = filing(sea_consignment(house_document="HBL-1"), sea_consignment(house_document="HBL-2"))
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme-user")
    assert result.status == "accepted", result.problems
    plants, other = result.consignments
    with system.db.write() as conn:
        conn.execute(
            agency_requirements.insert(),
            requirements.rows(
                plants.decision_id,
                plants.consignment_id,
                [AgencyRequirement("plant_health", "hold", "Plants from an origin under a pest alert")],
            ),
        )
    return result, plants, other


def test_an_agency_sees_only_the_consignments_it_holds_a_requirement_on(system) -> None:
    result, plants, other = _two(system)
    with system.db.read() as conn:
        assert [d["consignment_id"] for d in decision_store.search(conn, scope=PLANTS)] == [plants.consignment_id]
        assert decision_store.search(conn, scope=VETS) == [] and decision_store.search(conn, scope=NOBODY) == []
        assert decision_store.get(conn, plants.decision_id, scope=PLANTS) is not None
        assert decision_store.get(conn, other.decision_id, scope=PLANTS) is None
        assert decision_store.get(conn, plants.decision_id, scope=VETS) is None
        assert filing_store.part_of(conn, result.filing_id, PLANTS) == {plants.consignment_id}
        assert filing_store.part_of(conn, result.filing_id, VETS) == set()
        for scope, seen in ((PLANTS, [plants.consignment_id]), (VETS, [])):
            rows = queue.open_cases(conn, queue.Filters(), scope, now=system.pipeline.clock()).rows
            assert [r["consignment_id"] for r in rows if r["consignment_id"] in {plants.consignment_id}] == seen
            assert all(r["consignment_id"] != other.consignment_id for r in rows)


def test_agency_scope_never_acts_for_customs() -> None:
    assert not PLANTS.is_customs and not PLANTS.acts_for_customs and PLANTS.is_partial
    assert PLANTS.filer is None and PLANTS.agency == "plant_health"
    assert not PLANTS.sees("ACME", None) and not PLANTS.sees("ACME", None, agencies=frozenset({"veterinary"}))
    assert PLANTS.sees("ACME", None, agencies=frozenset({"plant_health"}))
    assert Scope.of("olga", "officer", agency="plant_health").agency is None  # customs is never narrowed


def test_users_belong_to_a_registered_agency(system) -> None:
    at = system.pipeline.clock()
    with system.db.write() as conn:
        key = user_store.add(conn, "pia", "agency_officer", at=at, agency="plant_health", filer="ACME")
        row = user_store.by_key(conn, key)
        assert row is not None and row["agency"] == "plant_health" and row["filer"] is None
        with pytest.raises(ValueError, match="needs --agency"):
            user_store.add(conn, "nel", "agency_officer", at=at)
        with pytest.raises(ValueError, match="needs --agency"):
            user_store.add(conn, "olga", "officer", at=at, agency="plant_health")
        with pytest.raises(ValueError, match="no agency 'fisheries'"):
            user_store.add(conn, "fred", "agency_officer", at=at, agency="fisheries")


def test_an_agency_reads_the_history_of_its_own_consignments_only(system) -> None:
    _, plants, other = _two(system)
    with system.db.read() as conn:
        assert len(filing_store.consignment_history(conn, plants.consignment_id, scope=PLANTS)) == 1
        assert filing_store.consignment_history(conn, plants.consignment_id, scope=VETS) == []
        assert filing_store.consignment_history(conn, other.consignment_id, scope=PLANTS) == []

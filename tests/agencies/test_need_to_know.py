"""Need-to-know on both engines: an agency officer's repositories hold only the consignments in its agency's scope
(its goods, its rules, its requirements: the agency_scope index), never another agency's, and its users carry the
agency from the register."""

import orjson
import pytest

from safelane.cases import queue
from safelane.domain.assessment import AgencyRequirement
from safelane.scope import Scope
from safelane.store import agency_scope as scope_store
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from safelane.store import requirements
from safelane.store import users as user_store
from safelane.store.schema import agency_requirements
from tests.factories import filing, sea_consignment

PLANTS = Scope.of("pia", "agency_officer", agency="plant_health")
VETS = Scope.of("vic", "agency_officer", agency="veterinary")
WILD = Scope.of("wil", "agency_officer", agency="wildlife")
NOBODY = Scope.of("nel", "agency_officer")  # an agency officer without an agency sees nothing


def _two(system):
    """Two banana consignments (HS 08: plant health's and food safety's by their goods); veterinary services
    hold a requirement on the first only."""
    data = filing(sea_consignment(house_document="HBL-1"), sea_consignment(house_document="HBL-2"))
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme-user")
    assert result.status == "accepted", result.problems
    held, other = result.consignments
    with system.db.write() as conn:
        conn.execute(
            agency_requirements.insert(),
            requirements.rows(
                held.decision_id,
                held.consignment_id,
                [AgencyRequirement("veterinary", "hold", "Packed with straw from a holding under restriction")],
            ),
        )
        scope_store.add(conn, held.consignment_id, {"veterinary": "requirement"})
    return result, held, other


def test_an_agency_sees_only_the_consignments_in_its_scope(system) -> None:
    result, held, other = _two(system)
    both = {held.consignment_id, other.consignment_id}
    with system.db.read() as conn:
        assert [d["consignment_id"] for d in decision_store.search(conn, scope=VETS)] == [held.consignment_id]
        assert {d["consignment_id"] for d in decision_store.search(conn, scope=PLANTS)} == both
        assert decision_store.search(conn, scope=WILD) == [] and decision_store.search(conn, scope=NOBODY) == []
        assert decision_store.get(conn, held.decision_id, scope=VETS) is not None
        assert decision_store.get(conn, other.decision_id, scope=VETS) is None
        assert decision_store.get(conn, held.decision_id, scope=WILD) is None
        assert filing_store.part_of(conn, result.filing_id, VETS) == {held.consignment_id}
        assert filing_store.part_of(conn, result.filing_id, WILD) == set()
        for scope, seen in ((VETS, [held.consignment_id]), (WILD, [])):
            rows = queue.open_cases(conn, queue.Filters(), scope, now=system.pipeline.clock()).rows
            assert [r["consignment_id"] for r in rows if r["consignment_id"] in {held.consignment_id}] == seen
            assert all(r["consignment_id"] != other.consignment_id for r in rows)
        customs = queue.open_cases(conn, queue.Filters(), Scope.of("olga", "officer"), now=system.pipeline.clock())
        assert other.consignment_id in {r["consignment_id"] for r in customs.rows}  # so its absence above counts


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
    _, held, other = _two(system)
    with system.db.read() as conn:
        assert len(filing_store.consignment_history(conn, held.consignment_id, scope=VETS)) == 1
        assert len(filing_store.consignment_history(conn, other.consignment_id, scope=PLANTS)) == 1
        assert filing_store.consignment_history(conn, held.consignment_id, scope=WILD) == []
        assert filing_store.consignment_history(conn, other.consignment_id, scope=VETS) == []


def test_goods_in_an_agencys_competence_put_a_consignment_in_its_scope_at_ingest(system) -> None:
    python = {"description": "Handbags of Python reticulatus skin", "hs_code": "420221", "packages": 3}
    data = filing(sea_consignment(house_document="HBL-B"), sea_consignment(house_document="HBL-P", goods=[python]))
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme-user")
    bananas, bags = result.consignments
    with system.db.read() as conn:
        assert scope_store.of(conn, bananas.consignment_id) == {"plant_health", "food_safety"}  # chapter 08
        assert scope_store.of(conn, bags.consignment_id) == {"wildlife"}  # a CITES species named in the description
        wild = Scope.of("wil", "agency_officer", agency="wildlife")
        assert [d["consignment_id"] for d in decision_store.search(conn, scope=wild)] == [bags.consignment_id]
        assert {d["consignment_id"] for d in decision_store.search(conn, scope=PLANTS)} == {bananas.consignment_id}


def test_an_amendment_keeps_the_agencies_and_adds_new_ones(system) -> None:
    first = filing(sea_consignment(house_document="HBL-A"))
    [one] = system.pipeline.submit_message(orjson.dumps(first), filer="ACME", actor="acme-user")
    meat = {"description": "Frozen beef", "hs_code": "020230", "packages": 20}
    amended = filing(sea_consignment(house_document="HBL-A", goods=[meat]), version=2)
    [two] = system.pipeline.submit_message(orjson.dumps(amended), filer="ACME", actor="acme-user")
    assert two.status == "accepted", two.problems
    [c] = two.consignments
    assert c.consignment_id == one.consignments[0].consignment_id
    with system.db.read() as conn:
        assert scope_store.of(conn, c.consignment_id) == {"plant_health", "food_safety", "veterinary"}
        assert scope_store.reindex(conn) == 0  # everything stored is indexed already

"""Continuity tier 2 asks the register: a certified AEO known by the identifier it filed goes right after
essential goods during a disruption; a stranger, a name match or an AEO suspended before filing does not."""

from datetime import UTC, datetime

from safelane.domain import Filing
from safelane.resilience.disruption import Declaration
from safelane.store import disruptions as disruption_store
from tests.factories import air_consignment, filing

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _declare(system) -> None:
    with system.db.write() as conn:
        disruption_store.declare(
            conn, Declaration.from_dict({"kind": "surge", "scope": {"modes": ["air"]}}, now=AT), at=AT, actor="sam"
        )
    system.pipeline.disruptions_changed()


def _tier(system, consignment, number: str) -> int:
    data = filing(consignment, document_number=number, filed_at="2026-11-20T09:00:00Z", filer="ACME")
    [result] = system.pipeline.submit([Filing.model_validate(data)], actor="test")
    return result.consignments[0].priority["tier"]


def test_an_aeo_known_by_its_eori_is_tier_2_and_a_stranger_tier_3(traders):
    _declare(traders)
    system = traders
    assert _tier(system, air_consignment(), "DOC-AEO") == 2  # consignee Northwind, EORI DE123456789012345
    stranger = air_consignment(consignee__identifiers=[{"scheme": "EORI", "value": "DE999999999999999"}])
    assert _tier(system, stranger, "DOC-OTHER") == 3


def test_a_name_match_alone_does_not_jump_the_queue(traders):
    _declare(traders)
    named_only = air_consignment(consignee__identifiers=None)  # Northwind by name and address, no number
    assert _tier(traders, named_only, "DOC-NAME") == 3

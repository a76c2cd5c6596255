"""Agencies' rules on the one assessment: a plant-health profile's hit becomes its requirement on the decision,
stored with it and carried in the filer's one answer (issue 14)."""

import orjson
import pytest

from safelane.domain import Channel
from safelane.risk.profiles import ProfileError, load_text
from safelane.store import profiles as profile_store
from safelane.store import releases as release_store
from safelane.store import requirements as requirement_store
from tests.factories import air_consignment, filing
from tests.risk.test_profiles import profile

PLANTS = profile(
    "hs_prefix: ['0602']\norigin_country: [CN]\ndocuments_missing: [N851]",
    "requirement: documents\ndocuments: [N851]",
    id="PH-PLANTS-CN",
    agency="plant_health",
)


def _plants(**changes):
    goods = [
        {
            "description": "Live bonsai plants",
            "hs_code": "060290",
            "packages": 4,
            "gross_mass_kg": 80,
            "value": {"amount": 900, "currency": "USD"},
            "origin_country": "CN",
        }
    ]
    return air_consignment(goods=goods, **changes)


def test_agency_profile_needs_an_agency_for_a_requirement():
    with pytest.raises(ProfileError, match="set agency"):
        load_text(profile("hs_prefix: ['0602']", "requirement: hold"))
    with pytest.raises(ProfileError, match="documents need requirement"):
        load_text(profile("hs_prefix: ['0602']", "requirement: hold\ndocuments: [N851]", agency="plant_health"))


def _submit(system, clock, data):
    with system.db.write() as conn:
        profile_store.save(conn, PLANTS, actor="test", at=clock.now, origin="ph.yaml", activate=True)
    system.profiles.refresh()
    return system.pipeline.submit_message(orjson.dumps(data), filer="acme", actor="acme")[0]


def test_agency_hit_is_a_requirement_on_the_decision_and_the_answer(system, clock):
    result = _submit(system, clock, filing(_plants()))
    (item,) = result.consignments
    finding = next(f for f in item.findings if f["code"] == "PH-PLANTS-CN")
    assert finding["agency"] == "plant_health"
    (requirement,) = item.requirements
    assert requirement["agency"] == "plant_health"
    assert requirement["action"] == "documents"
    assert requirement["documents"] == ["N851"]
    assert requirement["reasons"] == ["PH-PLANTS-CN"]
    assert item.as_dict()["requirements"] == [requirement]
    with system.db.read() as conn:
        stored = requirement_store.of_decision(conn, item.decision_id)
        assert [r.as_dict() for r in stored] == [requirement]
        assert release_store.holding_agencies(conn, [item.consignment_id]) == {item.consignment_id: {"plant_health"}}
    # a resubmission answers the same, requirements included, from the store
    again = system.pipeline.submit_message(orjson.dumps(filing(_plants())), filer="acme", actor="acme")[0]
    assert again.status == "duplicate"
    assert again.consignments[0].requirements == [requirement]


def test_a_declared_certificate_means_no_requirement(system, clock):
    documents = [{"type": "N851", "reference": "PHYTO-CN-2026-0001"}]
    result = _submit(system, clock, filing(_plants(documents=documents)))
    (item,) = result.consignments
    assert item.requirements == []
    assert not any(f.get("agency") for f in item.findings)
    assert item.outcome in {c.value for c in Channel} | {"ASSESSMENT_COMPLETE"}

"""Releases and agencies' requirements: who still holds a consignment, and a release recorded once."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.domain.assessment import AgencyRequirement
from safelane.store import releases, requirements
from safelane.store.schema import agency_requirements
from tests.factories import filing

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_requirement_action_is_checked() -> None:
    with pytest.raises(ValueError, match="not one of"):
        AgencyRequirement("plant_health", "inspect", "…")
    req = AgencyRequirement("plant_health", "documents", "Phytosanitary certificate required", ("N851",), ("P1",))
    assert AgencyRequirement.from_dict(req.as_dict()) == req and req.holds


def test_holding_agencies_until_each_releases(system) -> None:
    [result] = system.pipeline.submit_message(orjson.dumps(filing()), filer="ACME", actor="ACME-user")
    [consignment] = result.consignments
    decision_id, consignment_id = consignment.decision_id, consignment.consignment_id
    reqs = [
        AgencyRequirement("plant_health", "hold", "Plants from an origin under a pest alert"),
        AgencyRequirement("veterinary", "documents", "Health certificate required", ("C644",)),
        AgencyRequirement("food_safety", "release", "No food-safety rule applies"),
    ]
    with system.db.write() as conn:
        conn.execute(agency_requirements.insert(), requirements.rows(decision_id, consignment_id, reqs))
    with system.db.write() as conn:
        assert requirements.of_decision(conn, decision_id) == tuple(sorted(reqs, key=lambda r: r.agency))
        assert releases.holding_agencies(conn, [consignment_id]) == {consignment_id: {"plant_health", "veterinary"}}
        assert releases.record(conn, consignment_id, "plant_health", T0, "ph-officer")
        assert not releases.record(conn, consignment_id, "plant_health", T0 + timedelta(hours=1), "again")
        assert releases.holding_agencies(conn, [consignment_id]) == {consignment_id: {"veterinary"}}
        [only] = releases.of(conn, consignment_id)
        assert only["at"] == T0 and only["actor"] == "ph-officer"
        with pytest.raises(ValueError, match="release kind"):
            releases.record(conn, consignment_id, "veterinary", T0, "x", kind="lost")
        assert conn.execute(sa.select(sa.func.count()).select_from(agency_requirements)).scalar_one() == 3

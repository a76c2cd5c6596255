"""Profile effectiveness from decisions stored by the pipeline and outcomes recorded against them."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from safelane.cases import effectiveness
from safelane.store import models as model_store
from safelane.store.filings import consignment_history
from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN, RFS_FALCON

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _submit(system, number: str, version: int = 1, **changes):
    data = filing(
        air_consignment(master_document="176-12345675", house_document=f"H-{number}", **changes),
        document_number=f"DOC-{number}",
        version=version,
    )
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="test")
    [consignment] = result.consignments
    return consignment


def _current(conn, consignment_id: str) -> dict:
    return consignment_history(conn, consignment_id)[-1]


def _record(system, consignment_id: str, result: str, *, with_decision: bool = True, minutes: int = 0) -> None:
    with system.db.write() as conn:
        row = _current(conn, consignment_id)
        model_store.record_outcome(
            conn,
            row["row_id"],
            method="physical",
            result=result,
            actor="olga",
            at=AT + timedelta(minutes=minutes),
            decision_id=row["decision_id"] if with_decision else None,
        )


@pytest.fixture
def decided(system):
    """Four toner-from-Yemen consignments (DNL by AIR-TONER-YE), one to Falcon Star (RFS), one clean."""
    toner = [_submit(system, f"T{i}", **DNL_TONER_YEMEN) for i in range(4)]
    falcon = _submit(system, "F1", **RFS_FALCON)
    clean = _submit(system, "C1")
    assert all(any(f["code"] == "AIR-TONER-YE" for f in c.findings) for c in toner)
    assert any(f["code"] == "PARTY-WATCH-FALCON" for f in falcon.findings)
    assert not clean.findings
    return toner, falcon, clean


def test_selections_inspections_hits_and_rate(system, decided):
    toner, falcon, clean = decided
    _record(system, toner[0].consignment_id, "no_irregularity")
    _record(system, toner[0].consignment_id, "seizure", minutes=5)  # a second look found it: one hit, not two
    _record(system, toner[1].consignment_id, "no_irregularity")
    _record(system, toner[2].consignment_id, "irregularity")
    _record(system, falcon.consignment_id, "irregularity", with_decision=False)  # by consignment only
    _record(system, clean.consignment_id, "seizure")  # no profile caused it: counts for none
    with system.db.read() as conn:
        found = effectiveness.by_profile(conn)
    assert found["AIR-TONER-YE"] == effectiveness.Effectiveness("AIR-TONER-YE", selections=4, inspections=3, hits=2)
    assert found["AIR-TONER-YE"].hit_rate == pytest.approx(2 / 3)
    assert found["PARTY-WATCH-FALCON"].as_dict() == {
        "profile_id": "PARTY-WATCH-FALCON",
        "selections": 1,
        "inspections": 1,
        "hits": 1,
        "hit_rate": 1.0,
    }
    assert set(found) == {"AIR-TONER-YE", "PARTY-WATCH-FALCON"}


def test_an_amended_consignment_counts_once_with_its_outcome(system, decided):
    toner, _, _ = decided
    _record(system, toner[3].consignment_id, "seizure")  # recorded against version 1's decision
    amended = _submit(system, "T3", version=2)  # harmless goods now, but the open DNL stands through it
    assert amended.consignment_id == toner[3].consignment_id
    assert not amended.findings
    assert amended.outcome == "DNL"
    with system.db.read() as conn:
        assert len(consignment_history(conn, amended.consignment_id)) == 2
        measure = effectiveness.of_profile(conn, "AIR-TONER-YE")
        nothing = effectiveness.of_profile(conn, "NO-SUCH-PROFILE")
    assert (measure.selections, measure.inspections, measure.hits) == (4, 1, 1)  # not 5: v1's decision is past
    assert nothing == effectiveness.Effectiveness("NO-SUCH-PROFILE")
    assert nothing.hit_rate is None


def test_since_limits_to_recent_decisions(system, decided):
    with system.db.read() as conn:
        assert effectiveness.by_profile(conn, ["AIR-TONER-YE"], since=AT + timedelta(days=3650)) == {}
        assert effectiveness.by_profile(conn, ["AIR-TONER-YE"])["AIR-TONER-YE"].selections == 4

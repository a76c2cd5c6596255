"""A re-assessment whose new findings concern an agency the consignment was not in scope of puts it in that
agency's scope, on both engines: timber (HS 44, no agency's chapters) that a late phytosanitary certificate
names by its parties becomes plant health's to see, through the one need-to-know filter."""

import orjson

from safelane.scope import Scope
from safelane.store import agency_scope as scope_store
from safelane.store import decisions as decision_store
from safelane.store import profiles as profile_store
from tests.documents.test_reassessment import certificate_arrives
from tests.ephyto.test_matching import plants
from tests.factories import filing
from tests.risk.test_profiles import profile

PLANTS = Scope.of("pia", "agency_officer", agency="plant_health")
VETS = Scope.of("vic", "agency_officer", agency="veterinary")
TIMBER_RED = profile("hs_prefix: ['4407']", "score: 30\nchannel: red", id="C-TIMBER", title="Sawn timber")


def test_a_re_assessment_that_concerns_a_new_agency_shows_the_consignment_to_it(system, clock):
    with system.db.write() as conn:  # customs selects the timber, so its decision is still open when it arrives
        profile_store.save(conn, TIMBER_RED, actor="test", at=clock.now, origin="c.yaml", activate=True)
    system.profiles.refresh()
    timber = plants(
        goods=[{"description": "Sawn pine timber", "hs_code": "440711", "packages": 20, "gross_mass_kg": 9000}],
        documents=None,  # quotes no certificate: the certificate finds it by consignor and consignee
    )
    [result] = system.pipeline.submit_message(orjson.dumps(filing(timber)), filer="acme", actor="acme")
    [item] = result.consignments
    assert item.outcome == "red" and item.requirements == []
    with system.db.read() as conn:
        assert "plant_health" not in scope_store.of(conn, item.consignment_id)
        assert decision_store.get(conn, item.decision_id, scope=PLANTS) is None

    [redone] = certificate_arrives(system, clock, "matching.xml")  # Ribes plants certified: not this timber
    assert "EPHYTO-MISMATCH" in {f["code"] for f in redone.findings}
    assert [(r["agency"], r["action"]) for r in redone.requirements] == [("plant_health", "hold")]
    with system.db.read() as conn:
        assert "plant_health" in scope_store.of(conn, item.consignment_id)
        assert decision_store.get(conn, redone.decision_id, scope=PLANTS) is not None
        seen = {d["consignment_id"] for d in decision_store.search(conn, scope=PLANTS)}
        assert item.consignment_id in seen
        assert decision_store.get(conn, redone.decision_id, scope=VETS) is None  # only the agency concerned

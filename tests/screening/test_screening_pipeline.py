"""End to end on a real store: a listed consignee under an alias or in another script changes the decision;
list versions record what changed; a list update re-screens open consignments."""

from datetime import timedelta

import orjson
import sqlalchemy as sa

from safelane.screening.assessor import ScreeningAssessor
from safelane.screening.policy import ScreeningPolicy
from safelane.screening.rescreen import rescreen, screener_from_store
from safelane.store import lists as list_store
from safelane.store.schema import audit_events
from tests.factories import air_consignment, filing, sea_consignment
from tests.screening.conftest import import_list


def _screening(system) -> ScreeningAssessor:
    return next(a for a in system.pipeline.engine.assessors if a.name == "screening")


def _submit(system, data, filer="ACME"):
    return system.pipeline.submit_message(orjson.dumps(data), filer=filer, actor="test")


def _load_lists(system, clock):
    import_list(system.db, "ofac_sdn/sdn.csv", "ofac-sdn", clock.now)
    import_list(system.db, "un_sc_excerpt.xml", "un-xml", clock.now)
    _screening(system).source.refresh()


def test_consignee_listed_under_an_alias_gets_a_screening_referral(system, clock):
    _load_lists(system, clock)
    consignee = {"name": "National Bank of Cuba", "address": {"city": "Havana", "country": "CU"}}
    [result] = _submit(system, filing(air_consignment(consignee=consignee)))
    [item] = result.consignments
    assert item.outcome == ScreeningPolicy().strong_referral.value == "RFS"
    finding = next(f for f in item.findings if f["assessor"] == "screening")
    assert finding["code"] == "ofac-sdn-306"
    assert finding["referral"] == "RFS"
    assert finding["channel"] == "red"
    assert finding["evidence"]["matched_name"] == "NATIONAL BANK OF CUBA"
    assert finding["evidence"]["alias"]
    assert "consignee" in finding["explanation"]
    assert "ofac-sdn" in finding["explanation"]
    assert "screening" in item.basis


def test_original_script_name_hits_and_dnl_policy_applies(system, clock, monkeypatch):
    _load_lists(system, clock)
    _screening(system).policy = ScreeningPolicy(strong_referral=ScreeningPolicy().strong_referral.DNL)
    consignee = {"name": "قصي صدام حسين التكريتي", "address": {"city": "Baghdad", "country": "IQ"}}
    [result] = _submit(system, filing(air_consignment(consignee=consignee)))
    [item] = result.consignments
    assert item.outcome == "DNL"
    assert next(f for f in item.findings if f["assessor"] == "screening")["code"] == "un-sc-iqi-002"


def test_consignee_written_in_cyrillic_matches_the_latin_entry(system, clock):
    _load_lists(system, clock)
    consignee = {"name": "Кусай Саддам Хусейн аль-Тикрити", "address": {"city": "Baghdad", "country": "IQ"}}
    [result] = _submit(system, filing(air_consignment(consignee=consignee)))
    [item] = result.consignments
    finding = next(f for f in item.findings if f["assessor"] == "screening")
    assert item.outcome == "RFS"
    assert finding["code"] == "un-sc-iqi-002"
    assert finding["evidence"]["matched_name"] == "QUSAY SADDAM HUSSEIN AL-TIKRITI"
    assert {"query": "kusai", "list": "qusay", "how": "sound"} in finding["evidence"]["why"]["name_parts"]


def test_sea_cargo_with_a_listed_vessel_goes_red(system, clock):
    _load_lists(system, clock)
    sea = sea_consignment(transport_means={"identifier": "IMO 9187629", "name": "NEW NAME", "nationality": "PA"})
    [result] = _submit(system, filing(sea, kind="pre_arrival"))
    [item] = result.consignments
    assert item.outcome == "red"
    finding = next(f for f in item.findings if f["assessor"] == "screening")
    assert finding["code"] == "ofac-sdn-15036"
    assert finding["evidence"]["why"]["identifiers"]


def test_clean_parties_raise_nothing(system, clock):
    _load_lists(system, clock)
    [result] = _submit(system, filing(air_consignment()))
    assert not [f for f in result.consignments[0].findings if f["assessor"] == "screening"]


def test_list_versions_record_added_changed_removed(db, clock):
    first = import_list(db, "ofac_sdn/sdn.csv", "ofac-sdn", clock.now, "watch")
    assert (first.version, len(first.added), first.changed, first.removed) == (1, 6, [], [])
    again = import_list(db, "ofac_sdn/sdn.csv", "ofac-sdn", clock.now, "watch")
    assert again.unchanged
    assert again.version == 1
    second = import_list(db, "ofac_cons/cons_prim.csv", "ofac-cons", clock.now + timedelta(hours=1), "watch")
    assert (second.version, len(second.added), len(second.removed)) == (2, 3, 6)
    with db.read() as conn:
        [row] = list_store.summary(conn)
        changes = list_store.changes(conn, second.version_id)
        assert row["version"] == 2
        assert row["entries"] == 3
        assert {c["change"] for c in changes} == {"added", "removed"}
        removed = next(c for c in changes if c["change"] == "removed" and c["entity_id"] == "watch-306")
        assert removed["before"]["properties"]["name"] == ["BANCO NACIONAL DE CUBA"]
        assert [r["version"] for r in list_store.history(conn, "watch")] == [1, 2]


def test_changed_entry_is_recorded_with_before_and_after(db, clock, tmp_path):
    path = tmp_path / "national.csv"
    path.write_text("id,name,aliases,country\nA1,Blue Heron Shipping,,PA\n")
    from safelane.screening.sources import read

    def load(at):
        name, entities = read(path, "csv")
        with db.write() as conn:
            return list_store.import_version(
                conn, name, "csv", path.name, [e.to_dict() for e in entities], actor="test", at=at
            )

    load(clock.now)
    path.write_text("id,name,aliases,country\nA1,Blue Heron Shipping,Blue Heron Maritime,PA\n")
    result = load(clock.now + timedelta(minutes=5))
    assert result.changed == ["national-a1"]
    assert not result.added
    with db.read() as conn:
        [change] = list_store.changes(conn, result.version_id)
    assert change["before"]["properties"].get("alias") is None
    assert change["after"]["properties"]["alias"] == ["Blue Heron Maritime"]


def test_list_update_rescreens_open_consignments_once(system, clock):
    _load_lists(system, clock)
    consignee = {"name": "Falcon Star General Trading L.L.C.", "address": {"city": "Dubai", "country": "AE"}}
    [before] = _submit(system, filing(air_consignment(consignee=consignee)))
    assert not [f for f in before.consignments[0].findings if f["assessor"] == "screening"]
    update = import_list(system.db, "opensanctions_style.ftm.jsonl", "ftm", clock.now)
    changed = [(update.list_name, e) for e in update.added]
    report = rescreen(system.db, screener_from_store(system.db), changed, at=clock.now)
    assert report.consignments == 1
    assert len(report.new_hits) == 1
    hit = report.new_hits[0]
    assert hit["consignment_id"] == before.consignments[0].consignment_id
    assert hit["role"] == "consignee"
    assert hit["finding"]["referral"] == "RFS"
    assert "Falcon Star" in hit["finding"]["explanation"]
    with system.db.read() as conn:
        assert list_store.hits_of(conn, hit["consignment_id"])[0]["entity_id"] == "opensanctions-style-nk-falcon-star"
        actions = conn.execute(sa.select(audit_events.c.action)).scalars().all()
    assert "screening.new_hit" in actions
    again = rescreen(system.db, screener_from_store(system.db), changed, at=clock.now)
    assert again.new_hits == []  # already known: no second alert

"""Facilitation through the one pipeline (SQLite and PostgreSQL): the status as of the filing time, the MRA's
scope, name matches kept weak, and the rules facilitation never breaks (strong screening hits, DNL, profile
floors that apply to trusted traders)."""

from datetime import UTC, datetime

import sqlalchemy as sa

from safelane.domain import Filing
from safelane.store import profiles as profile_store
from safelane.store import traders as trader_store
from safelane.store.schema import assessments
from safelane.traders.importing import read
from tests.factories import air_consignment, filing, sea_consignment
from tests.screening.conftest import import_list
from tests.traders.conftest import registered


def _submit(system, consignment, *, filed_at="2026-11-20T08:00:00Z", number="DOC-1"):
    result = system.pipeline.submit(
        [Filing.model_validate(filing(consignment, document_number=number, filed_at=filed_at, filer="ACME"))],
        actor="test",
    )
    return result[0].consignments[0]


def _trader_findings(item):
    return [f for f in item.findings if f["assessor"] == "traders"]


def _refresh(system):
    for assessor in system.pipeline.engine.assessors:
        if assessor.name == "traders":
            assessor.register.refresh()
            assessor.offices.refresh()


def test_a_home_aeo_by_eori_gets_its_benefits_in_one_sentence(traders):
    item = _submit(traders, air_consignment())  # consignee Northwind, EORI DE123456789012345
    (finding,) = _trader_findings(item)
    assert finding["explanation"].startswith(
        "AEOS DE AEOS-123 certified since 2021-03-01: risk score reduced by 30 %; "
        "random-sample rate 0.2 % instead of 1 %"
    )
    assert finding["score"] == -30
    assert finding["evidence"]["match"] == "identifier"


def test_the_assessment_records_the_authorisation_and_register_revision_it_relied_on(traders):
    item = _submit(traders, air_consignment())
    (finding,) = _trader_findings(item)
    with traders.db.read() as conn:
        (northwind,) = trader_store.search(conn, "Northwind")
        versions = conn.execute(sa.select(assessments.c.versions)).scalar_one()
    assert finding["evidence"]["authorisation_id"] == northwind.authorisations[0].authorisation_id
    assert versions["traders"].startswith("5 operators")


def test_a_suspension_applies_from_its_date_and_not_before(traders):
    broker = {"declarant": {"name": "Hanse", "identifiers": [{"scheme": "EORI", "value": "DE998877665544332"}]}}
    before = _submit(traders, air_consignment(**broker), filed_at="2026-11-14T10:00:00Z", number="D-14")
    after = _submit(traders, air_consignment(**broker, house_document="H2"), filed_at="2026-11-16T10:00:00Z")
    assert [f["evidence"]["status"] for f in _trader_findings(before) if f["code"].endswith("AEOC-77")] == ["certified"]
    (suspended,) = [f for f in _trader_findings(after) if f["code"].endswith("AEOC-77")]
    assert suspended["evidence"]["status"] == "suspended"
    assert suspended["score"] == 0
    assert "irregularities found" in suspended["explanation"]


def test_a_revocation_recorded_later_does_not_reach_back_before_its_date(traders, clock):
    with traders.db.read() as conn:
        (northwind,) = trader_store.search(conn, "Northwind")
    with traders.db.write() as conn:
        trader_store.set_status(
            conn,
            northwind.authorisations[0].authorisation_id,
            "revoked",
            reason="security breach",
            actor="sue",
            at=clock.now,
            effective_at=datetime(2026, 11, 19, tzinfo=UTC),
        )
    _refresh(traders)
    earlier = _submit(traders, air_consignment(), filed_at="2026-11-18T08:00:00Z", number="D-18")
    later = _submit(traders, air_consignment(house_document="H3"), filed_at="2026-11-19T08:00:00Z", number="D-19")
    assert _trader_findings(earlier)[0]["evidence"]["status"] == "certified"
    assert _trader_findings(later)[0]["evidence"]["status"] == "revoked"


def test_a_partner_aeo_gets_only_the_benefits_the_mra_grants(traders):
    shipper = {"consignor": {"name": "Acme Freight Inc", "identifiers": [{"scheme": "CTPAT", "value": "CTPAT778899"}]}}
    item = _submit(traders, air_consignment(**shipper, consignee=None))
    (finding,) = _trader_findings(item)
    benefits = finding["evidence"]["benefits"]
    assert finding["evidence"]["basis"] == "mutual recognition with United States"
    assert benefits["score_reduction"] == 30
    assert benefits["random_rate_factor"] == 0.2
    assert benefits["explore_factor"] == 1.0
    assert benefits["documentary_instead_of_physical"] is False


def test_a_name_match_is_marked_and_earns_nothing_that_lifts_a_control(traders):
    importer = {"consignee": {"name": "Fresh Fruit Import B.V.", "address": {"city": "Rotterdam", "country": "NL"}}}
    item = _submit(traders, sea_consignment(**importer))  # bananas from EC via PA: a red profile floor
    (finding,) = _trader_findings(item)
    assert finding["evidence"]["match"] == "name match"
    assert finding["evidence"]["benefits"]["documentary_instead_of_physical"] is False
    assert finding["evidence"]["benefits"]["random_rate_factor"] == 1.0
    assert "name only" in finding["explanation"]
    assert item.outcome == "red"


def _with_eori(**changes):
    importer = {
        "consignee": {
            "name": "Fresh Fruit Import BV",
            "address": {"city": "Rotterdam", "country": "NL"},
            "identifiers": [{"scheme": "EORI", "value": "NL100200300"}],
        }
    }
    return sea_consignment(**importer, **changes)


def test_a_profile_floor_becomes_a_documentary_check_for_an_aeof_known_by_eori(traders):
    item = _submit(traders, _with_eori())
    assert item.outcome == "yellow"
    assert "documentary check instead of physical inspection for trusted trader EU-AEO AEOF NLAEOF0042" in item.basis


def test_a_profile_floor_marked_applies_to_trusted_holds_for_an_aeo(traders, clock):
    with traders.db.write() as conn:
        source = profile_store.source_of(conn, "SEA-BANANA-COCAINE") or ""
        source = source.replace("version: 1", "version: 2").replace(
            "valid_from:", "applies_to_trusted: true\nvalid_from:"
        )
        profile_store.save(conn, source, actor="test", at=clock.now, activate=True)
    traders.profiles.refresh()
    item = _submit(traders, _with_eori())
    assert item.outcome == "red"


def test_a_strong_screening_hit_stays_red_for_an_aeo(traders, clock):
    import_list(traders.db, "national_list.csv", "csv", clock.now)
    listed = {"notify_party": {"name": "Northstar Dual Use Components Ltd", "country": "GB"}}
    item = _submit(traders, _with_eori(**listed, goods__0__hs_code="081090", goods__0__description="Fresh figs"))
    assert any(f["assessor"] == "screening" for f in item.findings)
    assert item.outcome == "red"


def test_a_dnl_stands_for_an_aeo(traders):
    toner = {
        "itinerary__place_of_loading": "YESAH",
        "goods__0__hs_code": "844399",
        "goods__0__description": "Printer toner cartridges",
    }
    item = _submit(traders, air_consignment(**toner))
    assert _trader_findings(item)[0]["evidence"]["applied"] is True
    assert item.outcome == "DNL"


def test_a_name_namesakes_share_earns_no_facilitation_and_says_why(traders, clock):
    """Two AEOs of one name and country: a party naming it without an identifier or a place that tells them
    apart is neither of them (not whichever id sorts first)."""
    rows = read(
        "name,country,city,eori,programme,type,number,administration,status,effective,reason\n"
        "Baltic Timber GmbH,DE,Hamburg,DE111111111111111,EU-AEO,AEOF,AEOF-1,DE,certified,2021-01-01,audit passed\n"
        "Baltic Timber GmbH,DE,Munich,DE222222222222222,EU-AEO,AEOF,AEOF-2,DE,certified,2021-01-01,audit passed\n"
    )
    registered(traders, rows, at=clock.now, random_rate=0.01)
    _refresh(traders)
    timber = {"consignee": {"name": "Baltic Timber GmbH", "address": {"country": "DE"}}}
    item = _submit(traders, sea_consignment(**timber))
    (finding,) = _trader_findings(item)
    assert finding["code"] == "TRADER-NAME-AMBIGUOUS"
    assert finding["score"] == 0
    assert len(finding["evidence"]["operator_ids"]) == 2
    assert "matches 2 registered operators equally well" in finding["explanation"]
    placed = {"consignee": {"name": "Baltic Timber GmbH", "address": {"city": "Munich", "country": "DE"}}}
    (munich,) = _trader_findings(_submit(traders, sea_consignment(**placed), number="DOC-2"))
    assert munich["code"].endswith("AEOF-2")
    assert munich["evidence"]["match"] == "name match"

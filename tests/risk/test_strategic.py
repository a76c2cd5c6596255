"""The strategic goods assessor on lodgements from tests/factories.py, and through the pipeline on the store."""

from datetime import date
from pathlib import Path

import orjson
import pytest

from safelane.demo import PROFILES_DIR
from safelane.domain import Channel, Referral
from safelane.formats.native import to_filing
from safelane.reference.strategic import shipped
from safelane.risk.strategic import StrategicAssessor
from safelane.risk.strategic.licences import Licence, LicenceBook
from safelane.screening.index import Screener
from safelane.screening.policy import ScreeningPolicy
from safelane.screening.sources import read
from safelane.settings import Settings
from safelane.store import licences as licence_store
from safelane.system import build
from tests.factories import air_consignment, filing, lodgement, sea_consignment

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


def precursor(description: str | None, hs: str | None = "280800", **changes):
    return sea_consignment(goods__0__hs_code=hs, goods__0__description=description, **changes)


def findings(data, book: LicenceBook | None = None, screener: Screener | None = None, **kw):
    assessor = StrategicAssessor(
        shipped(), (lambda: book) if book else (lambda: LicenceBook([])), (lambda: screener) if screener else None
    )
    return assessor.assess([lodgement(data, **kw)])[0]


def only(data, **kw):
    [finding] = findings(data, **kw)
    return finding


@pytest.mark.parametrize("percent", ["3 %", "3%", "3.0 %", "2,5 %"])
def test_nitric_acid_at_or_below_the_3_percent_limit_is_not_restricted(percent: str):
    assert findings(precursor(f"Nitric acid {percent}")) == []


def test_nitric_acid_just_above_the_limit_needs_a_licence_reference():
    finding = only(precursor("Nitric acid 3.1 % solution"))
    assert finding.explanation == (
        "Item 1, HS 2808 00 with 'Nitric acid 3.1 %' in the description: EU 2019/1148 Annex I (restricted explosives "
        "precursors), Nitric acid (CAS 7697-37-2) under ex 2808 00 00: above the 3 % limit, licence reference "
        "required; no licence reference is declared."
    )
    assert (finding.code, finding.channel, finding.referral) == (
        "eu_precursors_restricted:AI-1",
        Channel.YELLOW,
        Referral.RFI,
    )
    assert finding.evidence["requirement"] == "licence"
    assert finding.evidence["concentration"] == 3.1
    assert finding.evidence["licence"]["status"] == "missing"


def test_at_the_upper_limit_a_licence_may_still_cover_it_and_above_no_licence_can():
    assert only(precursor("Nitric acid 10 %")).evidence["requirement"] == "licence"
    above = only(precursor("Nitric acid 10.5 %"))
    assert above.evidence["requirement"] == "professional_user"
    assert "10.5 % is above the 3 % limit and above the 10 % a licence may cover" in above.explanation
    assert above.channel is Channel.YELLOW
    chlorate = only(precursor("Sodium chlorate 41 %", hs="282911"))
    assert "no licence may be granted for it" in chlorate.explanation
    assert findings(precursor("Sodium chlorate 40 %", hs="282911")) == []


def test_one_finding_per_entry_from_the_item_that_asks_most():
    items = [
        {"sequence": 1, "description": "Nitric acid 3 %", "hs_code": "280800"},
        {"sequence": 2, "description": "Nitric acid 8 %", "hs_code": "280800"},
        {"sequence": 3, "description": "Nitric acid 68 %", "hs_code": "280800"},
    ]
    finding = only(sea_consignment(goods=items))
    assert (finding.evidence["item"], finding.evidence["requirement"]) == (3, "professional_user")


def test_a_restricted_precursor_without_its_concentration_is_asked_for():
    finding = only(precursor(None, hs="284700"))  # HS 2847 00 00 is wholly hydrogen peroxide
    assert finding.evidence["requirement"] == "concentration"
    assert "the concentration is not stated (restricted above 12 %)" in finding.explanation
    assert finding.channel is Channel.YELLOW


def test_a_declared_licence_document_counts_when_no_licences_table_is_loaded():
    data = precursor("Hydrogen peroxide 30 %", hs="284700", documents=[{"type": "X002", "reference": "DE-H2O2-1"}])
    # Annex I lists no harmonised document code: without a table only a loaded licence can cover it
    assert only(data).channel is Channel.YELLOW


def test_a_licence_in_the_table_covers_the_goods():
    book = LicenceBook([Licence("DE-H2O2-1", "eu_precursors_restricted", "Fresh Fruit Import BV", date(2026, 1, 1))])
    data = precursor("Hydrogen peroxide 30 %", hs="284700", documents=[{"type": "C999", "reference": "de-h2o2-1"}])
    finding = only(data, book=book)
    assert (finding.channel, finding.referral, finding.score) == (None, None, 5.0)
    assert finding.evidence["licence"] == {
        "status": "valid",
        "reference": "DE-H2O2-1",
        "document_type": "C999",
        "reason": "licence of Fresh Fruit Import BV",
    }


@pytest.mark.parametrize(
    ("licence", "reason"),
    [
        (
            Licence("L-1", "eu_precursors_restricted", "X", date(2025, 1, 1), date(2026, 11, 19)),
            "expired on 2026-11-19",
        ),
        (Licence("L-1", "eu_precursors_restricted", "X", date(2026, 11, 21)), "valid only from 2026-11-21"),
        (Licence("L-1", "dual_use", "X", date(2025, 1, 1)), "granted under dual_use"),
        (Licence("L-1", "eu_precursors_restricted", "X", date(2025, 1, 1), hs_prefix="2807"), "covers HS 2807"),
        (Licence("L-1", "eu_precursors_restricted", "X", date(2025, 1, 1), holder_identifier="NL1"), "identifier NL1"),
    ],
)
def test_a_licence_that_does_not_cover_the_goods_is_said_why(licence: Licence, reason: str):
    data = precursor("Hydrogen peroxide 30 %", hs="284700", documents=[{"type": "C999", "reference": "L-1"}])
    finding = only(data, book=LicenceBook([licence]))
    assert finding.evidence["licence"]["status"] == "invalid"
    assert reason in finding.evidence["licence"]["reason"]
    assert finding.channel is Channel.YELLOW


def test_a_reportable_precursor_is_scored_without_a_floor():
    finding = only(precursor("Acetone, technical", hs="291411"))
    assert (finding.code, finding.channel, finding.referral, finding.score) == (
        "eu_precursors_reportable:AII-2",
        None,
        None,
        15.0,
    )
    assert "reported within 24 hours" in finding.explanation


def test_a_chpl_item_towards_a_destination_of_concern_is_red():
    towards = sea_consignment(
        goods__0__hs_code="854231",
        goods__0__description="Microcontrollers",
        itinerary__routing_countries=["KZ"],
        consignee__address__country="RU",
    )
    finding = only(towards)
    assert (finding.code, finding.channel, finding.referral) == ("chpl:854231", Channel.RED, Referral.RFI)
    assert "destination of concern: Russia" in finding.explanation
    assert finding.evidence["concerns"][0]["country"] == "RU"
    # everyday electronics elsewhere: no finding (a profile may still select them with in_list)
    assert findings(sea_consignment(goods__0__hs_code="854231", goods__0__description="Microcontrollers")) == []


def test_a_route_of_concern_is_red_too():
    via = sea_consignment(goods__0__hs_code="847150", itinerary__routing_countries=["BY"])
    assert only(via).channel is Channel.RED


def test_the_consignee_on_a_watch_list_makes_a_listed_item_red():
    name, entities = read(LISTS / "national_list.csv", "csv")
    screener = Screener.from_entities([(name, e) for e in entities], version="t")
    data = sea_consignment(
        goods__0__hs_code="854231",
        consignee={"name": "Northstar Dual Use Components Ltd", "address": {"city": "Testtown", "country": "GB"}},
    )
    finding = only(data, screener=screener)
    assert finding.channel is Channel.RED
    assert finding.evidence["end_user"]["entity_id"] == "national-list-nat-001"
    assert "the consignee matches 'Northstar Dual Use Components Ltd'" in finding.explanation


def test_sparse_goods_raise_nothing():
    assert findings(sea_consignment(goods=[{"packages": 1}])) == []
    assert findings(sea_consignment(goods__0__hs_code=None, goods__0__description=None)) == []
    bare = {"mode": "sea", "master_document": "B1", "goods": [{"description": "Nitric acid 60%"}]}
    assert only(bare).code == "eu_precursors_restricted:AI-1"


def test_tables_are_applied_as_of_the_filing_day():
    data = sea_consignment(goods__0__hs_code="854231", itinerary__routing_countries=["RU"])
    assert findings(data, filed_at="2024-02-22T12:00:00Z") == []
    assert only(data, filed_at="2024-02-23T12:00:00Z").code == "chpl:854231"


def test_the_pipeline_holds_a_precursor_above_the_limit_and_records_the_tables(database_url: str):
    system = build(Settings(database_url=database_url))
    try:
        data = precursor("Nitric acid 68 % in IBC")
        [result] = system.pipeline.submit_message(
            orjson.dumps(filing(data, document_number="NA-1")), filer="ACME", actor="t"
        )
        [consignment] = result.consignments
        assert consignment.outcome == "yellow"
        assert [f["code"] for f in consignment.findings if f["assessor"] == "strategic"] == [
            "eu_precursors_restricted:AI-1"
        ]
    finally:
        system.db.dispose()


def test_a_licence_loaded_into_the_store_covers_the_next_filing(database_url: str, clock):
    system = build(Settings(database_url=database_url))
    try:
        with system.db.write() as conn:
            licence_store.load(
                conn,
                [Licence("NL-PRE-7", "eu_precursors_restricted", "Fresh Fruit Import BV", date(2026, 1, 1))],
                source="licences.csv",
                actor="t",
                at=clock.now,
            )
        data = precursor("Nitric acid 8 %", documents=[{"type": "C999", "reference": "NL-PRE-7"}])
        [result] = system.pipeline.submit_message(
            orjson.dumps(filing(data, document_number="NA-2")), filer="ACME", actor="t"
        )
        [finding] = [f for f in result.consignments[0].findings if f["assessor"] == "strategic"]
        assert finding["evidence"]["licence"]["status"] == "valid"
        assert "channel" not in finding
    finally:
        system.db.dispose()


def test_pre_loading_air_cargo_gets_the_rfi_referral():
    data = air_consignment(goods__0__hs_code="284700", goods__0__description="Hydrogen peroxide 50 %")
    assert only(data, kind="pre_loading").referral is Referral.RFI


PROFILE = """
id: CHPL-ANY
version: 1
title: High-priority items
owner: customs
rationale: Items on the Common High Priority List, whatever their route.
valid_from: 2024-01-01
when:
  in_list: [{lists}]
  origin_country: [CN]
outcome:
  score: 30
"""


def test_a_profile_refers_to_list_membership():
    from safelane.risk.profiles import ProfileSet, load_text

    profiles = ProfileSet([load_text(PROFILE.format(lists="chpl"))])
    chips = sea_consignment(goods__0__hs_code="854231", goods__0__origin_country="CN")
    [hit] = profiles.findings(lodgement(chips))
    assert hit.code == "CHPL-ANY"
    assert profiles.findings(lodgement(sea_consignment(goods__0__origin_country="CN"))) == []
    # the same item must be on the list and from CN; and the list as in force on the filing day
    assert profiles.findings(lodgement(chips, filed_at="2024-02-01T00:00:00Z")) == []


def test_a_profile_naming_an_unknown_list_is_refused_where_it_says_so():
    from safelane.risk.profiles import ProfileError, load_text

    with pytest.raises(ProfileError) as error:
        load_text(PROFILE.format(lists="chpl, no_such_list"), "p.yaml")
    [problem] = error.value.problems
    assert "no control list 'no_such_list'" in problem.message
    assert problem.location == "p.yaml:9 when.in_list[1]"


@pytest.fixture
def restore_tables():
    from safelane.reference import strategic

    before = list(strategic._installed)
    yield
    strategic._installed[:] = before


def test_an_administrations_tables_and_correlation_come_from_its_settings(tmp_path: Path, restore_tables):
    own = tmp_path / "tables"
    own.mkdir()
    (own / "chpl.csv").write_text("hs6,tier,valid_from,valid_to\n903020,TIER_4_A,2024-02-23,\n")
    correlation = tmp_path / "correlation.csv"
    correlation.write_text("cn_code,control_number\n8401 10 00,0A001\n")
    options = {"SAFELANE_STRATEGIC_DIR": str(own), "SAFELANE_STRATEGIC_DUAL_USE": str(correlation)}
    system = build(Settings(options=options), store=False, profiles_dir=PROFILES_DIR)
    reactor = sea_consignment(goods__0__hs_code="84011000", goods__0__description="Nuclear reactor vessel")
    chips = sea_consignment(goods__0__hs_code="854231", itinerary__routing_countries=["RU"])
    scope = sea_consignment(goods__0__hs_code="903020", itinerary__routing_countries=["RU"])
    results = system.pipeline.evaluate(
        [
            to_filing(
                filing(c, document_number=f"D{i}", filed_at="2026-11-20T08:00:00Z"),
                filer="ACME",
                message_type="safelane-json",
            )
            for i, c in enumerate((reactor, chips, scope))
        ]
    )
    codes = [[f["code"] for f in r.consignments[0].findings if f["assessor"] == "strategic"] for r in results]
    assert codes == [["dual_use:0A001"], [], ["chpl:903020"]]
    assert results[0].consignments[0].outcome == "yellow"  # no X002 licence or Y901 statement declared


def test_a_dual_use_statement_or_licence_document_satisfies_the_correlation(tmp_path: Path):
    from safelane.reference.strategic import load

    correlation = tmp_path / "correlation.csv"
    correlation.write_text("cn_code,control_number\n8401 10 00,0A001\n")
    assessor = StrategicAssessor(load(dual_use=correlation))
    reactor = sea_consignment(goods__0__hs_code="84011000")
    statement = sea_consignment(goods__0__hs_code="84011000", documents=[{"type": "Y901", "reference": "not listed"}])
    licence = sea_consignment(goods__0__hs_code="84011000", documents=[{"type": "X002", "reference": "DE-DU-1"}])
    missing, stated, licensed = (assessor.assess([lodgement(c)])[0][0] for c in (reactor, statement, licence))
    assert (missing.channel, stated.channel, licensed.channel) == (Channel.YELLOW, None, None)
    assert "no licence or statement document is declared" in missing.explanation
    assert "document Y901 not listed is declared" in stated.explanation
    assert licensed.evidence["licence"]["status"] == "declared"


def test_a_possible_end_user_match_holds_for_a_documentary_check():
    name, entities = read(LISTS / "national_list.csv", "csv")
    screener = Screener.from_entities([(name, e) for e in entities], version="t")
    data = sea_consignment(
        goods__0__hs_code="854231",
        consignee={"name": "Northstar Dual Use Components Ltd", "address": {"city": "Leeds", "country": "GB"}},
    )
    # a policy under which only identifiers make a match strong: the name alone is a possible match
    policy = ScreeningPolicy(strong=1.01)
    [finding] = StrategicAssessor(shipped(), screener=lambda: screener, policy=policy).assess([lodgement(data)])[0]
    assert finding.evidence["end_user"]["strength"] == "possible"
    assert (finding.channel, finding.score) == (Channel.YELLOW, 60.0)

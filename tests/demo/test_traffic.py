"""The demo's generated day: deterministic, valid, realistic in shape, and planted to hit each demo profile."""

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from safelane.demo import PROFILES_DIR, SCENARIOS, generate, generate_day, generate_hours
from safelane.demo.traffic import (
    AIR_DESTINATIONS,
    AIR_ORIGINS,
    AIRLINES,
    CATALOGUE,
    SEA_DESTINATIONS,
    SEA_ORIGINS,
    awb_number,
    imo_number,
)
from safelane.domain import Filing, FilingKind, Lodgement
from safelane.formats.native import to_filing
from safelane.reference import hs_subheading_known, location
from safelane.risk.profiles import ProfileSet, load_folder
from safelane.settings import Settings
from safelane.system import build

DAY = date(2026, 11, 20)
COUNT = 1500

# What each planted consignment must end with, by mode: a floor the profile sets.
EXPECTED = {
    "AIR-TONER-YE": {"air": "DNL"},
    "AIR-LITHIUM-TOYS": {"air": "RFS", "express": "RFS"},
    "SEA-BANANA-COCAINE": {"sea": "red"},
    "SEA-TEXTILE-UNDERVALUE": {"sea": "yellow"},
    "PARTY-WATCH-FALCON": {"air": "RFS", "sea": "red"},
    "DUALUSE-SANCTIONED-ROUTE": {"air": "RFI", "sea": "red"},
    "EXPRESS-NIGHT-PHONES": {"express": "RFI"},
    "STRAT-PRECURSOR": {"sea": "yellow"},
    "STRAT-CHPL-RUSSIA": {"sea": "red"},
}


@pytest.fixture(scope="module")
def traffic():
    return generate(DAY, COUNT, seed=7)


@pytest.fixture(scope="module")
def filings(traffic) -> list[Filing]:
    """Every generated filing, validated as received native JSON is (shape and reference codes)."""
    return [to_filing(f, filer=None, message_type="safelane-json") for f in traffic.filings]


def _reference(consignment) -> str:
    return consignment.house_document or consignment.master_document


def _lodgement(filing: Filing, consignment) -> Lodgement:
    assert filing.filer
    assert filing.filed_at
    return Lodgement(
        _reference(consignment),
        consignment,
        filing.filing_kind,
        filing.filer,
        filing.filed_at,
        filing.document_number,
        filing.version,
    )


def test_curated_places_and_goods_are_real():
    airports = [code for _, ports in AIR_ORIGINS.values() for code, _ in ports]
    airports += [code for code, _ in AIR_DESTINATIONS] + [a.hub for a in AIRLINES.values() if a.hub]
    assert all(location(code) and location(code).is_airport for code in airports)
    ports = [code for _, places in SEA_ORIGINS.values() for code, _ in places] + [c for c, _ in SEA_DESTINATIONS]
    carriers_usage = {"CNSHA", "CNNGB"}  # what carriers write; UN/LOCODE has these as airports
    assert all(location(code) and (location(code).is_port or code in carriers_usage) for code in ports)
    assert all(hs_subheading_known(goods.hs) for goods in CATALOGUE)


def test_same_seed_same_day_and_another_seed_another(traffic):
    assert generate(DAY, COUNT, seed=7).filings == traffic.filings
    assert generate(DAY, COUNT, seed=8).filings != traffic.filings
    assert generate(DAY + timedelta(days=1), COUNT, seed=7).filings != traffic.filings


def test_exact_count_and_a_mix_of_modes_and_filers(traffic, filings):
    modes = Counter(c.mode.value for f in filings for c in f.consignments)
    assert sum(modes.values()) == traffic.consignments == COUNT
    assert set(modes) == {"air", "express", "sea"}
    assert all(n > COUNT * 0.1 for n in modes.values())
    assert {f.filer for f in filings} == {"fwd-hkg", "carrier-ocean"}
    assert any(len(f.consignments) > 3 for f in filings if f.filing_kind is FilingKind.PRE_LOADING)  # consolidations
    assert len({f.document_number for f in filings}) == len(filings)


def test_every_consignment_validates(filings):
    assert sum(len(f.consignments) for f in filings) == COUNT  # to_filing raised nothing: codes all exist


def test_numbers_look_real(filings):
    for filing in filings:
        for c in filing.consignments:
            if c.mode.value == "air":
                assert re.fullmatch(r"\d{3}-\d{8}", c.master_document)
                serial = c.master_document[4:]
                assert int(serial[:7]) % 7 == int(serial[7])  # the air waybill check digit
            elif c.mode.value == "sea":
                assert re.fullmatch(r"[A-Z]{4}\d{9}", c.master_document)
            eori = c.consignee.identifier("EORI")
            if eori:
                assert eori[:2] == c.consignee.country_code
    assert awb_number("176", 1234567) == "176-12345675"
    assert imo_number(907472) == "9074729"  # 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139: check digit 9


def test_filed_during_the_day_departing_after_filing_arriving_after_departure(filings):
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    for filing in filings:
        assert start <= filing.filed_at < start + timedelta(days=1)
        for c in filing.consignments:
            assert filing.filed_at < c.itinerary.departure_at < c.itinerary.arrival_at


def test_each_scenario_is_planted_and_hits_exactly_its_profile(traffic, filings):
    profiles = ProfileSet(load_folder(PROFILES_DIR))
    assert {p.profile.id for p in profiles.profiles} == {profile_id for profile_id, _ in SCENARIOS}
    assert Counter(traffic.planted.values()) == {profile_id: 1 for profile_id, _ in SCENARIOS}  # 0.07 % of 1500
    found = Counter()
    for filing in filings:
        for c in filing.consignments:
            intended = traffic.planted.get((filing.document_number, _reference(c)))
            codes = [f.code for f in profiles.findings(_lodgement(filing, c))]
            assert codes == ([intended] if intended else []), (filing.document_number, intended, codes)
            found[intended] += bool(intended)
    assert sum(found.values()) == len(SCENARIOS)


def test_planted_consignments_get_the_outcome_their_profile_demands(traffic, filings):
    pipeline = build(Settings(), store=False, profiles_dir=PROFILES_DIR).pipeline
    planted = [f for f in filings if any((f.document_number, _reference(c)) in traffic.planted for c in f.consignments)]
    for filing, result in zip(planted, pipeline.evaluate(planted), strict=True):
        for c, item in zip(filing.consignments, result.consignments, strict=True):
            profile_id = traffic.planted[(filing.document_number, _reference(c))]
            assert item.outcome == EXPECTED[profile_id][c.mode.value], (profile_id, item.basis)


def test_more_consignments_plant_about_half_a_percent():
    traffic = generate(DAY, 10_000, seed=3)
    assert Counter(traffic.planted.values()) == {profile_id: 7 for profile_id, _ in SCENARIOS}
    assert traffic.consignments == 10_000


def test_generate_day_gives_validated_filings():
    filings = generate_day(DAY, 40, seed=1)
    assert all(isinstance(f, Filing) for f in filings)
    assert sum(len(f.consignments) for f in filings) == 40
    with pytest.raises(ValueError):
        generate(DAY, 0)


def test_the_last_24_hours_are_filed_between_their_start_and_now():
    now = datetime(2026, 6, 1, 12, 34, 56, tzinfo=UTC)
    traffic = generate_hours(now - timedelta(days=1), 400, seed=7)
    filed = [datetime.fromisoformat(f["filed_at"]) for f in traffic.filings]
    assert min(filed) >= now - timedelta(days=1)
    assert max(filed) < now


def test_the_last_24_hours_are_deterministic():
    start = datetime(2026, 6, 1, 12, 34, 56, tzinfo=UTC)
    assert generate_hours(start, 200, seed=7).filings == generate_hours(start, 200, seed=7).filings


def test_a_day_from_midnight_is_the_calendar_day():
    assert generate_hours(datetime(2026, 11, 20, tzinfo=UTC), 100, seed=7).filings == generate(DAY, 100, 7).filings

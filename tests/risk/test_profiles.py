import textwrap
from pathlib import Path

import pytest

from safelane.domain import Channel, Referral
from safelane.risk.profiles import ProfileError, ProfileSet, compile_profile, load_folder, load_text
from tests.factories import air_consignment, lodgement, sea_consignment

DEMO_PROFILES = Path(__file__).parents[2] / "src" / "safelane" / "demo" / "profiles"


def profile(when: str, outcome: str = "score: 50", **header: str) -> str:
    head = {
        "id": "P-1",
        "version": "1",
        "title": "Test profile",
        "owner": "customs",
        "rationale": "Because the test says so.",
        "valid_from": "2026-01-01",
        **header,
    }
    lines = [f"{k}: {v}" for k, v in head.items()]
    return (
        "\n".join(lines)
        + "\nwhen:\n"
        + textwrap.indent(textwrap.dedent(when), "  ")
        + "\noutcome:\n"
        + textwrap.indent(outcome, "  ")
        + "\n"
    )


def hits(text: str, data: dict, **kw) -> bool:
    return compile_profile(load_text(text)).match(lodgement(data, **kw)) is not None


def test_demo_profiles_are_valid():
    profiles = load_folder(DEMO_PROFILES)
    assert len(profiles) >= 6
    assert {p.owner for p in profiles} == {"customs"}


@pytest.mark.parametrize(
    ("when", "data", "expected"),
    [
        ("hs_prefix: ['9503']", air_consignment(), True),
        ("hs_prefix: ['8507']", air_consignment(), False),
        ("origin_country: [cn]", air_consignment(), True),
        ("loading_country: [HK]", air_consignment(), True),
        ("unloading_country: [FR]", air_consignment(), False),
        ("routing_country: [PA]", sea_consignment(), True),
        ("routing_country: [EC]", sea_consignment(), True),  # the loading country is on the route
        ("place_of_loading: [ecgye]", sea_consignment(), True),
        ("mode: [sea]", air_consignment(), False),
        ("description_matches: ['building\\s+BLOCKS']", air_consignment(), True),
        ("{currency: USD, value_min: 2000}", air_consignment(), True),
        ("{currency: EUR, value_min: 2000}", air_consignment(), False),  # other currency: no comparison
        ("{currency: USD, value_per_kg_max: 10}", air_consignment(), False),  # 19.9 USD/kg
        ("{currency: USD, value_per_kg_max: 25}", air_consignment(), True),
        ("{mass_min_kg: 100, mass_max_kg: 200}", air_consignment(), True),
        ("party: [{name_matches: ['northwind']}]", air_consignment(), True),
        ("party: [{roles: [consignor], name_matches: ['northwind']}]", air_consignment(), False),
        ("party: [{identifiers: [de123456789012345]}]", air_consignment(), True),
        ("party: [{country: [DE], roles: [consignee]}]", air_consignment(), True),
    ],
)
def test_each_condition(when, data, expected):
    assert hits(profile(when), data) is expected


def test_item_conditions_must_hold_on_the_same_item():
    data = air_consignment(
        goods=[
            {"description": "Toy cars", "hs_code": "950300", "origin_country": "VN", "gross_mass_kg": 5},
            {"description": "Lithium cells", "hs_code": "850760", "origin_country": "CN", "gross_mass_kg": 5},
        ]
    )
    assert hits(profile("{hs_prefix: ['850760'], origin_country: [CN]}"), data)
    assert not hits(profile("{hs_prefix: ['850760'], origin_country: [VN]}"), data)


def test_time_window_wraps_midnight_and_weekdays():
    text = profile("time_window: {at: filed, hours: '22:00-05:00', weekdays: [fri]}")
    assert hits(text, air_consignment(), filed_at="2026-11-20T23:30:00Z")  # a Friday
    assert hits(text, air_consignment(), filed_at="2026-11-20T04:59:00Z")
    assert not hits(text, air_consignment(), filed_at="2026-11-20T12:00:00Z")
    assert not hits(text, air_consignment(), filed_at="2026-11-21T23:30:00Z")  # Saturday
    departure = profile("time_window: {at: departure, hours: '09:00-11:00'}")
    assert hits(departure, air_consignment())


def test_finding_explains_itself():
    text = profile("hs_prefix: ['9503']", "score: 30\nreferral: RFS\nchannel: red", title="Toys from China")
    finding = compile_profile(load_text(text)).match(lodgement())
    assert finding.assessor == "profiles"
    assert finding.code == "P-1"
    assert finding.referral is Referral.RFS
    assert finding.channel is Channel.RED
    assert "Toys from China" in finding.explanation
    assert "HS 950300" in finding.explanation
    assert "Because the test says so." in finding.explanation
    assert finding.evidence == {"profile": "P-1", "version": 1, "item": 1}


def test_validity_and_kind_decide_whether_a_profile_is_in_force():
    text = profile("hs_prefix: ['9503']", valid_from="2026-11-21", applies_to="[declaration]")
    profiles = ProfileSet([load_text(text)])
    assert profiles.findings(lodgement()) == []  # not yet valid, and wrong kind
    later = ProfileSet([load_text(profile("hs_prefix: ['9503']", valid_from="2026-11-21", version="2"))])
    assert profiles.revision != later.revision
    assert later.findings(lodgement(filed_at="2026-11-21T00:00:00Z"))
    assert not later.findings(lodgement(filed_at="2026-11-20T23:59:59Z"))


@pytest.mark.parametrize(
    ("text", "location", "code"),
    [
        (profile("hs_prefix: ['95x3']"), "<profile>:8 when.hs_prefix[0]", "string_pattern_mismatch"),
        (profile("origin: [CN]"), "<profile>:8 when.origin", "extra_forbidden"),
        (profile("value_min: 10"), "<profile>:8 when", "currency_required"),
        (profile("description_matches: ['(unclosed']"), "<profile>:8 when.description_matches[0]", "bad_pattern"),
        (profile("mode: [air]", "score: 0"), "<profile>:10 outcome", "empty_outcome"),
        (profile("mode: [air]", "channel: green"), "<profile>:10 outcome", "no_floor"),
        (profile("mode: [air]", valid_to="2025-01-01"), "<profile>:7 valid_to", "validity_out_of_order"),
        ("id: [unclosed", "<profile>:1", "yaml_syntax"),
    ],
)
def test_errors_name_file_line_and_field(text, location, code):
    with pytest.raises(ProfileError) as caught:
        load_text(text)
    assert [(p.location, p.code) for p in caught.value.problems] == [(location, code)]


def test_folder_reports_every_file_and_duplicates(tmp_path):
    (tmp_path / "a.yaml").write_text(profile("mode: [air]"))
    (tmp_path / "b.yaml").write_text(profile("mode: [sea]"))
    (tmp_path / "c.yml").write_text(profile("nonsense: 1", id="P-2"))
    with pytest.raises(ProfileError) as caught:
        load_folder(tmp_path)
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["duplicate_profile", "extra_forbidden"]


def test_index_offers_only_profiles_that_could_hit():
    texts = [
        profile("{mode: [sea], hs_prefix: ['0803']}", id="SEA-BANANA"),
        profile("hs_prefix: ['9503', '8507']", id="TOYS-CELLS"),
        profile("origin_country: [CN]", id="ANY-CN"),
        profile("{mode: [air], hs_prefix: ['61']}", id="AIR-APPAREL"),
    ]
    profiles = ProfileSet([load_text(t) for t in texts])
    offered = [c.profile.id for c in profiles.candidates(lodgement())]  # air, HS 950300
    assert offered == ["ANY-CN", "TOYS-CELLS"]
    assert [f.code for f in profiles.findings(lodgement())] == ["ANY-CN", "TOYS-CELLS"]
    sea = [c.profile.id for c in profiles.candidates(lodgement(sea_consignment()))]
    assert sea == ["ANY-CN", "SEA-BANANA"]

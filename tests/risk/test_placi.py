import pytest

from safelane.domain import Referral
from safelane.risk.placi import PlaciAssessor, vague_description
from tests.factories import air_consignment, lodgement, sea_consignment


def findings(data, kind=None):
    [found] = PlaciAssessor().assess([lodgement(data, kind=kind)])
    return found


def test_complete_7_plus_1_data_passes():
    assert findings(air_consignment()) == []


def test_missing_elements_are_named_and_ask_for_information():
    data = air_consignment(
        consignee__address=None, total_packages=None, goods__0__packages=None, goods__0__gross_mass_kg=None
    )
    [finding] = findings(data)
    assert finding.referral is Referral.RFI
    assert finding.score == 0
    assert finding.evidence["missing"] == [
        "consignee address (street, city, country)",
        "number of pieces",
        "gross weight",
    ]
    assert "consignee address" in finding.explanation
    assert "gross weight" in finding.explanation


def test_missing_consignor_names_both_its_elements():
    [finding] = findings(air_consignment(consignor=None))
    assert finding.evidence["missing"] == ["consignor name", "consignor address"]


@pytest.mark.parametrize(
    "description",
    [
        "Consolidation",
        "GENERAL CARGO",
        "gifts",
        "Parts",
        "spare parts",
        "CONSOLIDATED CARGO AS PER ATTACHED MANIFEST",
        "STC 4 boxes",
        "x",
    ],
)
def test_vague_descriptions_ask_for_information(description):
    assert vague_description(description)
    [finding] = findings(air_consignment(goods__0__description=description))
    assert finding.referral is Referral.RFI
    assert finding.evidence["vague"][0].startswith("goods description")


@pytest.mark.parametrize(
    "description",
    [
        "Plastic building blocks",
        "Brake pads for passenger cars",
        "Cotton T-shirts, men's",
        "Lithium-ion batteries for laptops",
    ],
)
def test_specific_descriptions_pass(description):
    assert not vague_description(description)


def test_placeholder_party_name_is_vague():
    [finding] = findings(air_consignment(consignee__name="TO ORDER"))
    assert finding.evidence["vague"] == ["consignee name"]


def test_only_pre_loading_lodgements_are_checked():
    assert findings(air_consignment(goods__0__description="gifts"), kind="pre_arrival") == []
    assert findings(sea_consignment(goods__0__description="general cargo")) == []


def test_versions_record_the_rules():
    assert PlaciAssessor().versions() == {"placi": "7+1/2026-11"}


def test_missing_goods_description_is_asked_for_not_refused():
    [finding] = findings(air_consignment(goods__0__description=None))
    assert finding.referral is Referral.RFI
    assert finding.evidence["missing"] == ["goods description"]


def test_waybills_without_a_description_are_filed_and_answered_with_an_rfi():
    """Cargo-IMP without /NG and Cargo-XML without any description: accepted, then an RFI names the gap."""
    from safelane.formats import parse
    from safelane.pipeline import Pipeline
    from safelane.risk.engine import RiskEngine
    from safelane.selection import Policy
    from tests.conftest import FIXTURES

    own = FIXTURES / "messages" / "own"
    lines = (own / "safelane__FWB_16.txt").read_bytes().splitlines(keepends=True)
    fwb = b"".join(line for line in lines if not line.startswith(b"/NG/"))
    assert len(fwb) < sum(map(len, lines))
    import re

    xfwb = (FIXTURES / "messages" / "cargo-xml" / "riege__888-11111111_XFWB.xml").read_bytes()
    xfwb = re.sub(
        rb"<NatureIdentificationTransportCargo>.*?</NatureIdentificationTransportCargo>|"
        rb"<SummaryDescription>[^<]*</SummaryDescription>",
        b"",
        xfwb,
        flags=re.S,
    )
    assert b"NatureIdentificationTransportCargo" not in xfwb
    pipeline = Pipeline(RiskEngine([PlaciAssessor()]), Policy())
    for message in (fwb, xfwb):
        [result] = pipeline.evaluate(parse(message))
        [consignment] = result.consignments
        assert consignment.outcome == "RFI"
        assert "goods description" in consignment.findings[0]["explanation"]

"""The assessor on its own: one finding per listed party, the policy's floors, and the versions it records."""

from safelane.domain import Channel, Referral
from safelane.screening.assessor import EMPTY, ScreeningAssessor
from safelane.screening.policy import ScreeningPolicy
from tests.factories import air_consignment, lodgement, sea_consignment


def test_each_listed_party_gives_one_finding_with_the_policy_floor(screener):
    consignment = air_consignment(
        consignee={"name": "BANCO NACIONAL DE CUBA", "address": {"city": "Zurich", "country": "CH"}},
        consignor={
            "name": "Northstar DUC",
            "address": {"city": "Testtown", "country": "GB"},
            "identifiers": [{"scheme": "EORI", "value": "GB987654321000"}],
        },
    )
    [findings] = ScreeningAssessor(lambda: screener).assess([lodgement(consignment)])
    by_role = {f.evidence["role"]: f for f in findings}
    assert set(by_role) == {"consignee", "consignor"}
    assert by_role["consignor"].evidence["why"]["identifiers"][0]["value"] == "GB987654321000"
    assert all(f.referral is Referral.RFS and f.channel is Channel.RED for f in findings)


def test_possible_hits_ask_for_information_and_versions_are_recorded(screener):
    weak = sea_consignment(consignee={"name": "Falcon Star", "address": {"city": "Dubai", "country": "AE"}})
    assessor = ScreeningAssessor(lambda: screener, ScreeningPolicy())
    [[finding]] = assessor.assess([lodgement(weak)])
    assert finding.evidence["strength"] == "possible"
    assert (finding.referral, finding.channel) == (Referral.RFI, Channel.YELLOW)
    assert assessor.versions() == {"screening": "fixtures"}


def test_no_lists_no_findings():
    assessor = ScreeningAssessor(lambda: EMPTY)
    assert assessor.assess([lodgement()]) == [[]]
    assert assessor.versions() == {}

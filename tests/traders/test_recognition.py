"""The MRA table's scope: only recognised programmes and types, only while in force, only the benefits granted."""

from datetime import UTC, datetime

from safelane.traders.recognition import BENEFITS, Benefits, packaged

AT = datetime(2026, 11, 20, tzinfo=UTC)


def test_the_shipped_arrangements_name_only_known_benefits_and_programmes():
    recognition = packaged()
    for arrangement in recognition.arrangements.values():
        assert arrangement.benefits <= set(BENEFITS), arrangement.partner
        assert arrangement.types <= set(recognition.programmes[arrangement.programme].types), arrangement.partner


def test_the_eu_mra_partners_are_the_seven_the_commission_lists():
    partners = {a.partner for a in packaged().arrangements.values()}
    assert partners == {"Norway", "Switzerland", "Japan", "Moldova", "United States", "China", "United Kingdom"}


def test_an_arrangement_not_yet_in_force_earns_nothing():
    recognition = packaged()
    assert recognition.earned("JP-AEO", "AEO", datetime(2011, 5, 23, tzinfo=UTC)) is None
    assert recognition.earned("JP-AEO", "AEO", datetime(2011, 5, 24, tzinfo=UTC)) is not None


def test_a_type_the_arrangement_does_not_recognise_earns_nothing():
    assert packaged().earned("US-CTPAT", "TIER1", AT) is None


def test_a_partner_gets_the_equivalent_home_type_restricted_to_what_the_mra_grants():
    recognition = packaged()
    home = recognition.home_benefits[("EU-AEO", "AEOS")]
    earned = recognition.earned("US-CTPAT", "TIER2", AT)
    assert earned is not None
    assert earned.benefits == Benefits(
        score_reduction=home.score_reduction,
        random_rate_factor=home.random_rate_factor,
        queue_priority=home.queue_priority,
    )


def test_a_home_aeoc_gets_its_own_benefits():
    earned = packaged().earned("EU-AEO", "AEOC", AT)
    assert earned is not None
    assert earned.basis == "home programme"
    assert earned.benefits.documentary_instead_of_physical is True

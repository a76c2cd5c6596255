"""The selection rule: trusted traders stay in the random sample at their lower rate; documentary instead of
physical only where no floor that must hold demands red."""

from dataclasses import replace

from safelane.domain import Assessment, Channel, Decision, Finding
from safelane.selection import Policy
from safelane.selection.capacity import OfficeSettings, Usage, allocate
from safelane.selection.facilitation import documentary_instead
from tests.factories import air_consignment, lodgement

KEY = b"fixed test key"


def _trusted(factor: float = 0.2, documentary: bool = True) -> Finding:
    return Finding(
        "traders",
        "EU-AEO AEOF X-1",
        -40,
        "AEOF X-1 certified",
        {
            "applied": True,
            "benefits": {
                "random_rate_factor": factor,
                "explore_factor": 1.0,
                "documentary_instead_of_physical": documentary,
            },
        },
    )


def _sampled(findings: tuple[Finding, ...], n: int = 4000) -> list[Decision]:
    base = lodgement(air_consignment(), kind="pre_arrival")
    items = [(replace(base, consignment_id=f"C{i}"), Assessment(0.0, findings)) for i in range(n)]
    green = [Decision("channel", Channel.GREEN, "below", ()) for _ in items]
    settings = OfficeSettings("*", {}, random_rate=0.05)
    return allocate(items, green, lambda office: settings, Usage(), Policy(), KEY)


def test_trusted_traders_stay_in_the_random_sample_at_their_rate():
    everyone = sum(d.selection == "random" for d in _sampled(()))
    trusted = _sampled((_trusted(0.2),))
    sampled = [d for d in trusted if d.selection == "random"]
    assert 150 <= everyone <= 250  # 5 % of 4000
    assert 20 <= len(sampled) <= 60  # 1 % of 4000
    assert "1.00% of consignments" in sampled[0].basis


def _red(*findings: Finding) -> tuple:
    lo = lodgement(air_consignment(), kind="pre_arrival")
    decision = Decision("channel", Channel.RED, "red required", findings, "mandatory", "physical")
    return lo, Assessment(70.0, findings), decision


def test_a_profile_floor_not_marked_for_trusted_traders_becomes_documentary():
    profile = Finding("profiles", "P1", 50, "hit", {"profile": "P1"}, channel=Channel.RED)
    decided = documentary_instead(*_red(profile, _trusted()), Policy())
    assert (decided.outcome, decided.inspection) == (Channel.YELLOW, "documentary")


def test_a_profile_floor_marked_for_trusted_traders_holds():
    profile = Finding("profiles", "P1", 50, "hit", {"profile": "P1", "applies_to_trusted": True}, channel=Channel.RED)
    assert documentary_instead(*_red(profile, _trusted()), Policy()).outcome is Channel.RED


def test_a_screening_floor_holds():
    hit = Finding("screening", "E1", 95, "strong hit", {"strength": "strong"}, channel=Channel.RED)
    assert documentary_instead(*_red(hit, _trusted()), Policy()).outcome is Channel.RED


def test_without_the_documentary_benefit_red_stays_red():
    profile = Finding("profiles", "P1", 50, "hit", {"profile": "P1"}, channel=Channel.RED)
    assert documentary_instead(*_red(profile, _trusted(documentary=False)), Policy()).outcome is Channel.RED

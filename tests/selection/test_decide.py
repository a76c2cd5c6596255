from safelane.domain import Assessment, Channel, Finding, Referral
from safelane.selection import Policy, decide
from tests.factories import lodgement, sea_consignment

POLICY = Policy(rfs_score=70, red_score=70, yellow_score=45, blue_score=25)


def assessment(*findings: Finding) -> Assessment:
    from safelane.risk.engine import combine

    return Assessment(combine(findings), findings)


def test_referral_floor_beats_a_low_score():
    dnl = Finding("profiles", "P", 10, "bomb", referral=Referral.DNL)
    other = Finding("profiles", "Q", 5, "meh", referral=Referral.RFI)
    [decision] = decide([(lodgement(), assessment(dnl, other))], POLICY)
    assert decision.answer == "referral"
    assert decision.outcome is Referral.DNL
    assert decision.reasons == (dnl,)
    assert "DNL required by profiles P" in decision.basis


def test_score_threshold_gives_rfs_and_lists_contributing_findings():
    a, b = Finding("profiles", "A", 50, "x"), Finding("profiles", "B", 45, "y")
    [decision] = decide([(lodgement(), assessment(a, b))], POLICY)
    assert decision.outcome is Referral.RFS
    assert decision.reasons == (a, b)


def test_nothing_found_completes_the_assessment():
    [decision] = decide([(lodgement(), assessment())], POLICY)
    assert decision.outcome is Referral.ASSESSMENT_COMPLETE
    assert decision.reasons == ()


def test_channels_by_score_and_floor():
    sea = lodgement(sea_consignment())
    cases = [
        (10, None, Channel.GREEN),
        (30, None, Channel.BLUE),
        (50, None, Channel.YELLOW),
        (75, None, Channel.RED),
        (10, Channel.RED, Channel.RED),
        (80, Channel.YELLOW, Channel.RED),
    ]
    for score, floor, expected in cases:
        [decision] = decide([(sea, assessment(Finding("p", "X", score, "z", channel=floor)))], POLICY)
        assert decision.answer == "channel"
        assert decision.outcome is expected, (score, floor)


def test_floors_count_only_from_assessors_that_declare_them():
    policy = Policy(floor_assessors=frozenset({"profiles"}))
    undeclared = Finding("plugin", "P", 0, "wants red", channel=Channel.RED)
    [decision] = decide([(lodgement(sea_consignment()), assessment(undeclared))], policy)
    assert decision.outcome is Channel.GREEN


def test_a_declared_floor_counts():
    policy = Policy(floor_assessors=frozenset({"plugin"}))
    declared = Finding("plugin", "P", 0, "wants red", channel=Channel.RED)
    [decision] = decide([(lodgement(sea_consignment()), assessment(declared))], policy)
    assert decision.outcome is Channel.RED

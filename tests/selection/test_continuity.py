"""Continuity priority in selection: tier by tier, documentary for tiers 1-2, security never suspended."""

import pytest

from safelane.domain import Assessment, Channel, Finding, Referral
from safelane.selection import Offices, OfficeSettings, Policy, Usage, allocate, continuity, decide
from safelane.selection.continuity import Priority, queue_key
from tests.factories import air_consignment, lodgement, sea_consignment

KEY = b"test key"
POLICY = Policy(floor_assessors=frozenset({"profiles", "screening", "placi"}))


def sea(ref: str):
    return lodgement(sea_consignment(master_document=ref))


def scored(score: float, *floors: Finding) -> Assessment:
    return Assessment(score, (Finding("profiles", f"S{score:g}", score, "score only"), *floors))


def priority(tier: int) -> Priority:
    return Priority("X1", tier, "test", 4.0, documentary=tier in (1, 2))


def test_without_a_disruption_it_is_exactly_the_capacity_allocation():
    items = [(sea(f"B{i}"), scored(s)) for i, s in enumerate([75, 90, 80])]
    book = Offices({"*": OfficeSettings("*", {"physical": 1, "nii": 0}, 0.0, 0.0)})
    plain = allocate(items, decide(items, POLICY), book, Usage(), POLICY, KEY)
    tiered = continuity.allocate(items, decide(items, POLICY), [None] * 3, book, Usage(), POLICY, KEY)
    assert tiered == plain


def test_capacity_goes_to_tier_1_before_a_riskier_tier_3():
    items = [(sea("RISKY-TIER3"), scored(95)), (sea("ESSENTIAL"), scored(75))]
    book = Offices({"*": OfficeSettings("*", {"physical": 1, "nii": 0}, 0.0, 0.0)})
    [tier3, tier1] = continuity.allocate(items, decide(items, POLICY), [3, 1], book, Usage(), POLICY, KEY)
    assert (tier1.outcome, tier1.selection) == (Channel.RED, "risk")
    assert tier3.outcome is Channel.BLUE and "capacity" in tier3.basis


def test_tiers_1_and_2_get_a_documentary_check_instead_of_a_physical_inspection():
    items = [(sea(f"T{t}"), scored(80)) for t in (1, 2, 3)]
    relieved = continuity.relieve(decide(items, POLICY), [priority(1), priority(2), priority(3)])
    assert [d.outcome for d in relieved] == [Channel.YELLOW, Channel.YELLOW, Channel.RED]
    assert relieved[0].inspection == "documentary" and "continuity plan of X1" in relieved[0].basis


STRONG_HIT = Finding(
    "screening", "un-1", 80, "consignee on a sanctions list", channel=Channel.RED, referral=Referral.DNL
)
RED_PROFILE = Finding("profiles", "BANANAS", 55, "bananas via a hub", channel=Channel.RED)


@pytest.mark.parametrize("tier", [1, 2, 3])
@pytest.mark.parametrize("floor", [STRONG_HIT, RED_PROFILE], ids=["screening", "profile"])
def test_security_floors_stand_in_every_tier_even_over_capacity(tier, floor):
    items = [(sea("FLOORED"), scored(20, floor))]
    book = Offices({"*": OfficeSettings("*", {"physical": 0, "nii": 0}, 0.0, 0.0)})
    decisions = continuity.relieve(decide(items, POLICY), [priority(tier)])
    [d] = continuity.allocate(items, decisions, [tier], book, Usage(), POLICY, KEY)
    assert (d.outcome, d.selection) == (Channel.RED, "mandatory")


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_a_dnl_stands_in_every_tier(tier):
    items = [(lodgement(air_consignment()), scored(10, STRONG_HIT))]
    decisions = continuity.relieve(decide(items, POLICY), [priority(tier)])
    [d] = continuity.allocate(items, decisions, [tier], Offices(), Usage(), POLICY, KEY)
    assert d.outcome is Referral.DNL


def test_temporary_capacity_is_added_to_the_office_limit():
    items = [(sea(f"B{i}"), scored(90)) for i in range(3)]
    book = Offices({"*": OfficeSettings("*", {"physical": 1, "nii": 0}, 0.0, 0.0)})
    more = continuity.with_extra(book, {"NLRTM": {"physical": 1}})
    decisions = allocate(items, decide(items, POLICY), more, Usage(), POLICY, KEY)
    assert sum(d.outcome is Channel.RED for d in decisions) == 2
    assert more("DEHAM") == book("DEHAM")


def test_the_queue_key_orders_by_tier_then_risk():
    rows = [(3, 99.0), (None, 50.0), (1, 10.0), (2, 80.0), (1, 60.0)]
    assert sorted(rows, key=lambda r: queue_key(*r)) == [(1, 60.0), (1, 10.0), (2, 80.0), (3, 99.0), (None, 50.0)]

"""allocate(): selection under each office's daily capacity, pure (no store, no clock)."""

import random

import pytest

from safelane.domain import Assessment, Channel, Decision, Finding, Referral
from safelane.selection import BUILT_IN, InvalidSettings, Offices, OfficeSettings, Policy, Usage, allocate, decide
from tests.factories import air_consignment, lodgement, sea_consignment

KEY = b"test key"
POLICY = Policy()  # red 70, yellow 45, blue 25, RFS 70


def sea(ref: str, office: str = "NLRTM"):
    return lodgement(sea_consignment(master_document=ref, office=office))


def scored(score: float, *floors: Finding) -> Assessment:
    return Assessment(score, (Finding("profiles", f"S{score:g}", score, "score only"), *floors))


def model(p: float, score: float = 5.0) -> Assessment:
    return Assessment(score, (Finding("model", "model:fraud", 0.0, "learned model", {"probability": p}),))


RED_FLOOR = Finding("profiles", "BANANAS", 55, "bananas via a hub", channel=Channel.RED)


def run(
    items, offices: dict[str, OfficeSettings] | OfficeSettings, used: Usage | None = None, key: bytes = KEY
) -> list[Decision]:
    book = Offices({"*": offices} if isinstance(offices, OfficeSettings) else offices)
    return allocate(items, decide(items, POLICY), book, used or Usage(), POLICY, key)


def only(
    physical: int | None = None,
    nii: int | None = 0,
    documentary: int | None = None,
    referral: int | None = None,
    random_rate: float = 0.0,
    explore_rate: float = 0.0,
    **more,
) -> OfficeSettings:
    limits = {"physical": physical, "nii": nii, "documentary": documentary, "referral": referral}
    return OfficeSettings("*", {k: v for k, v in limits.items() if v is not None}, random_rate, explore_rate, **more)


def test_highest_risk_fills_capacity_and_the_rest_fall_to_blue_saying_why():
    scores = [75, 90, 80, 71, 95]
    items = [(sea(f"B{i}"), scored(s)) for i, s in enumerate(scores)]
    decisions = run(items, only(physical=2))
    chosen = {items[i][1].score for i, d in enumerate(decisions) if d.outcome is Channel.RED}
    assert chosen == {95, 90}
    for d in decisions:
        if d.outcome is Channel.RED:
            assert (d.selection, d.inspection) == ("risk", "physical")
        else:
            assert d.outcome is Channel.BLUE
            assert d.selection is None
            assert d.inspection is None
            assert d.basis.startswith("physical inspection and non-intrusive inspection capacity at NLRTM reached")
            assert "2 of 2 physical inspections today" in d.basis
            assert "released blue" in d.basis
            assert "reaches the red threshold 70" in d.basis
    shuffled = items[:]
    random.Random(3).shuffle(shuffled)  # the batch's order does not decide, the score does
    again = {
        a.score for (_, a), d in zip(shuffled, run(shuffled, only(physical=2)), strict=True) if d.outcome is Channel.RED
    }
    assert again == chosen


def test_red_goes_to_nii_when_physical_is_full_and_yellow_uses_documentary():
    items = [(sea("A"), scored(90)), (sea("B"), scored(80)), (sea("C"), scored(50)), (sea("D"), scored(48))]
    decisions = run(items, only(physical=1, nii=1, documentary=1))
    assert [(d.outcome, d.inspection) for d in decisions] == [
        (Channel.RED, "physical"),
        (Channel.RED, "nii"),
        (Channel.YELLOW, "documentary"),
        (Channel.BLUE, None),
    ]
    assert "documentary check capacity at NLRTM reached (1 of 1" in decisions[3].basis


def test_below_the_blue_threshold_an_over_capacity_selection_is_released_green():
    policy = Policy(red_score=20, blue_score=25)
    items = [(sea("A"), scored(22))]
    [decision] = allocate(items, decide(items, policy), Offices({"*": only(physical=0)}), Usage(), policy, KEY)
    assert decision.outcome is Channel.GREEN
    assert "released green" in decision.basis


def test_mandatory_passes_over_capacity_and_uses_it():
    items = [(sea(f"M{i}"), scored(10, RED_FLOOR)) for i in range(3)] + [(sea("R"), scored(99))]
    decisions = run(items, only(physical=1), used=Usage({("NLRTM", "physical", "risk"): 1}))
    assert [d.outcome for d in decisions] == [Channel.RED] * 3 + [Channel.BLUE]
    assert all(d.selection == "mandatory" and d.inspection == "physical" for d in decisions[:3])
    assert "red required by profiles BANANAS" in decisions[0].basis
    mixed = [(sea("M1"), scored(10, RED_FLOOR)), (sea("R1"), scored(99)), (sea("R2"), scored(98))]
    assert [d.outcome for d in run(mixed, only(physical=2))] == [Channel.RED, Channel.RED, Channel.BLUE]


def test_a_floor_below_the_score_still_holds_over_capacity():
    yellow = Finding("profiles", "TEXTILES", 10, "undervalued", channel=Channel.YELLOW)
    items = [(sea("A"), Assessment(90, (Finding("profiles", "X", 89, "x"), yellow)))]
    [decision] = run(items, only(physical=0, documentary=0))
    assert (decision.outcome, decision.selection, decision.inspection) == (Channel.YELLOW, "mandatory", "documentary")
    assert "yellow as required by profiles TEXTILES" in decision.basis


def test_earlier_batches_and_other_offices_count_separately():
    items = [(sea("A", "NLRTM"), scored(90)), (sea("B", "DEHAM"), scored(90))]
    used = Usage({("NLRTM", "physical", "mandatory"): 2})
    decisions = run(items, only(physical=2), used)
    assert [d.outcome for d in decisions] == [Channel.BLUE, Channel.RED]
    per_office = {"NLRTM": only(physical=5), "DEHAM": only(physical=0)}
    assert [d.outcome for d in run(items, per_office)] == [Channel.RED, Channel.BLUE]  # the default "*" is absent
    assert used.total("NLRTM", "physical") == 2  # allocate does not change what it was given


def test_referrals_over_capacity_complete_the_assessment_but_a_dnl_stands():
    air = lambda ref: lodgement(air_consignment(house_document=ref))  # noqa: E731
    dnl = Finding("profiles", "TONER", 90, "toner from Yemen", referral=Referral.DNL)
    items = [(air("D"), scored(10, dnl)), (air("S1"), scored(80)), (air("S2"), scored(75))]
    decisions = run(items, only(referral=2))
    assert [d.outcome for d in decisions] == [Referral.DNL, Referral.RFS, Referral.ASSESSMENT_COMPLETE]
    assert decisions[0].selection == "mandatory"
    assert decisions[1].selection == "risk"
    assert {d.inspection for d in decisions[:2]} == {"referral"}
    assert "referral follow-up capacity at DEFRA reached (2 of 2" in decisions[2].basis


def test_random_sample_is_recorded_as_random_whatever_the_capacity_and_never_for_referrals():
    items = [(sea(f"G{i}"), scored(5)) for i in range(5)] + [(sea("R"), scored(90))]
    items += [(lodgement(air_consignment(house_document="AIR")), scored(5))]
    decisions = run(items, only(physical=1, random_rate=1.0))
    assert all(
        d.selection == "random" and d.outcome is Channel.RED and d.inspection == "physical" for d in decisions[:5]
    )
    assert "random compliance sample (100.00% of consignments at NLRTM)" in decisions[0].basis
    assert decisions[0].random
    assert decisions[0].reasons == ()
    assert decisions[5].selection == "risk"  # selected anyway: not part of the sample
    assert decisions[6].outcome is Referral.ASSESSMENT_COMPLETE
    assert decisions[6].selection is None
    documentary = run(items[:1], only(random_rate=1.0, random_inspection="documentary"))
    assert (documentary[0].outcome, documentary[0].inspection) == (Channel.YELLOW, "documentary")


def test_random_sample_rate_is_kept_deterministic_and_keyed():
    items = [(sea(f"C{i:04d}"), scored(5)) for i in range(2000)]

    def picked(key):
        return {i for i, d in enumerate(run(items, only(random_rate=0.05), key=key)) if d.selection == "random"}

    first = picked(KEY)
    assert 60 <= len(first) <= 140  # 5 % of 2000 = 100
    assert picked(KEY) == first  # a replay draws the same
    assert picked(b"another secret") != first  # without the key a filer cannot tell which are drawn


def test_exploration_fills_its_reserve_with_what_the_model_is_least_sure_of():
    risky = [(sea(f"R{i}"), scored(80)) for i in range(25)]
    unsure = [(sea(f"U{i}"), model(0.5)) for i in range(200)]
    sure = [(sea(f"S{i}"), model(0.02)) for i in range(200)]
    certain = [(sea(f"C{i}"), model(1.0)) for i in range(50)] + [(sea(f"N{i}"), scored(5)) for i in range(50)]
    settings = only(physical=100, explore_rate=0.2)  # 20 held for exploration
    decisions = run(risky + unsure + sure + certain, settings)
    assert sum(d.selection == "risk" for d in decisions) == 25
    explored = [i for i, d in enumerate(decisions) if d.selection == "exploration"]
    assert len(explored) == 20
    assert all(decisions[i].outcome is Channel.RED and decisions[i].inspection == "physical" for i in explored)
    assert "learned model is unsure" in decisions[explored[0]].basis
    assert decisions[explored[0]].reasons[0].assessor == "model"
    assert sum(25 <= i < 225 for i in explored) >= 15  # weight 1 against 0.08: mostly the unsure ones
    assert not any(i >= 425 for i in explored)  # p = 1 teaches nothing; no model finding, no exploration
    assert run(risky + unsure + sure + certain, settings) == decisions


def test_the_exploration_reserve_is_held_back_from_risk_until_spent():
    risky = [(sea(f"R{i}"), scored(80)) for i in range(25)]
    settings = only(physical=20, explore_rate=0.1)  # 2 held for exploration
    assert sum(d.selection == "risk" for d in run(risky, settings)) == 18
    spent = Usage({("NLRTM", "physical", "exploration"): 2})
    assert sum(d.selection == "risk" for d in run(risky, settings, spent)) == 18
    assert [d.selection for d in run([(sea("U"), model(0.5))], settings, spent)] == [None]


def test_built_in_default_changes_nothing_decide_called_for():
    items = [(sea(f"S{i}"), scored(s)) for i, s in enumerate([5, 30, 50, 90])] + [(sea("M"), scored(1, RED_FLOOR))]
    decisions = allocate(items, decide(items, POLICY), Offices(), Usage(), POLICY, KEY)
    assert decisions == decide(items, POLICY)
    assert [(d.outcome, d.selection, d.inspection) for d in decisions] == [
        (Channel.GREEN, None, None),
        (Channel.BLUE, None, None),
        (Channel.YELLOW, "risk", "documentary"),
        (Channel.RED, "risk", "physical"),
        (Channel.RED, "mandatory", "physical"),
    ]
    assert Offices()(None) is BUILT_IN
    assert BUILT_IN.random_rate == 0.0


def test_offices_fall_back_to_the_default_row():
    nl, default = OfficeSettings("NLRTM", {"physical": 3}), OfficeSettings("*", {"physical": 9})
    book = Offices({"NLRTM": nl, "*": default})
    assert book("NLRTM") is nl
    assert book("DEHAM") is default
    assert book(None) is default


def test_settings_round_trip_and_located_problems():
    settings = OfficeSettings.from_dict("NLRTM", {"capacity": {"physical": 20, "referral": None}, "random_rate": 0.02})
    assert settings.as_dict() == {
        "capacity": {"physical": 20},
        "random_rate": 0.02,
        "explore_rate": 0.05,
        "random_inspection": "physical",
    }
    assert OfficeSettings.from_dict("NLRTM", settings.as_dict()) == settings
    assert settings.reserve("physical") == 1
    assert settings.reserve("nii") == 0
    assert settings.limit("nii") is None
    # exploration inspects: referral follow-ups hold no reserve, so none of their capacity lies unused
    assert OfficeSettings("XX", {"referral": 100}, explore_rate=0.05).reserve("referral") == 0
    with pytest.raises(InvalidSettings) as error:
        OfficeSettings.from_dict(
            "nl rtm",
            {
                "capacity": {"physical": -1, "xray": 3, "nii": 2.5},
                "random_rate": 1.5,
                "explore_rate": "much",
                "random_inspection": "referral",
                "colour": 1,
            },
        )
    assert {(p.location, p.code) for p in error.value.problems} == {
        ("colour", "unknown_field"),
        ("office", "invalid_office"),
        ("capacity.physical", "invalid_capacity"),
        ("capacity.xray", "unknown_kind"),
        ("capacity.nii", "invalid_capacity"),
        ("random_rate", "invalid_rate"),
        ("explore_rate", "invalid_rate"),
        ("random_inspection", "unknown_kind"),
    }
    with pytest.raises(InvalidSettings):
        OfficeSettings.from_dict("NLRTM", {"capacity": {"physical": True}})

"""Priority tiers: the dated essential-goods table, trusted traders, and which disruption covers what."""

import csv
from datetime import UTC, date, datetime
from importlib.resources import files

import pytest

from safelane.domain import Problem
from safelane.resilience.disruption import ContinuityPlan, Declaration, Disruption, InvalidDisruption, Scope
from safelane.resilience.essential import entries, essential_entry
from safelane.resilience.tiers import NamedTrustedTraders, NoTrustedTraders, priorities, tier_of
from tests.factories import air_consignment, lodgement, sea_consignment

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
VACCINES = {"goods__0__hs_code": "300215", "goods__0__description": "Vaccines"}


def test_every_essential_prefix_is_an_hs_2022_heading_or_subheading():
    text = files("safelane.reference").joinpath("data/hs2022.csv").read_text(encoding="utf-8")
    codes = {row["code"] for row in csv.DictReader(text.splitlines())}
    assert entries()
    assert [e.hs_prefix for e in entries() if e.hs_prefix not in codes] == []
    assert {e.category for e in entries()} == {"medical", "food", "relief", "energy"}


def test_the_table_is_dated_and_matched_by_the_longest_prefix():
    assert essential_entry("4015120000", date(2021, 12, 31)) is None  # HS 2022's medical gloves: from 2022
    assert essential_entry("4015120000", date(2022, 1, 1)).category == "medical"
    assert essential_entry("38221900", date(2024, 5, 1)).hs_prefix == "3822"  # a heading takes its subheadings
    assert essential_entry("950300", date(2024, 5, 1)) is None


def test_tiers_essential_goods_then_trusted_traders_then_the_rest():
    essential = lodgement(sea_consignment(**VACCINES), filer="AEO-1")
    trusted = lodgement(sea_consignment(), filer="AEO-1")
    other = lodgement(sea_consignment(), filer="ACME")
    registry = NamedTrustedTraders({"AEO-1"})
    assert tier_of(essential, AT, registry)[0] == 1
    assert "HS 300215" in tier_of(essential, AT, registry)[1]
    assert tier_of(trusted, AT, registry)[0] == 2
    assert tier_of(other, AT, registry)[0] == 3
    assert tier_of(trusted, AT, NoTrustedTraders())[0] == 3  # the default until the trader registry plugs in


def _disruption(scope: Scope, plan: ContinuityPlan | None = None, ended: datetime | None = None) -> Disruption:
    return Disruption(
        "X1", "port_closure", scope, datetime(2026, 11, 20, tzinfo=UTC), None, plan or ContinuityPlan(), None, ended
    )


def test_a_disruption_covers_its_scope_from_its_start_until_it_is_ended():
    rotterdam = Scope(offices=("NLRTM",), modes=("sea",))
    at_rotterdam, at_frankfurt = lodgement(sea_consignment()), lodgement(air_consignment())
    [p, none] = priorities([at_rotterdam, at_frankfurt], AT, [_disruption(rotterdam)], NoTrustedTraders())
    assert none is None
    assert (p.disruption_id, p.tier, p.expected_hours) == ("X1", 3, 48.0)
    before = datetime(2026, 11, 19, tzinfo=UTC)
    assert priorities([at_rotterdam], before, [_disruption(rotterdam)], NoTrustedTraders()) == [None]
    ended = _disruption(rotterdam, ended=datetime(2026, 11, 20, 7, tzinfo=UTC))
    assert priorities([at_rotterdam], AT, [ended], NoTrustedTraders()) == [None]
    by_origin = _disruption(Scope(origins=("EC",)))
    assert priorities([at_rotterdam], AT, [by_origin], NoTrustedTraders())[0] is not None
    by_route = _disruption(Scope(routes=("CNSHA-NLRTM",)))
    assert priorities([at_rotterdam], AT, [by_route], NoTrustedTraders()) == [None]


def test_a_fifo_plan_sets_no_tiers_and_no_documentary_measure():
    plan = ContinuityPlan(priority="fifo")
    [p] = priorities([lodgement(sea_consignment(**VACCINES))], AT, [_disruption(Scope(), plan)], NoTrustedTraders())
    assert (p.tier, p.documentary) == (3, False)
    [t] = priorities([lodgement(sea_consignment(**VACCINES))], AT, [_disruption(Scope())], NoTrustedTraders())
    assert (t.tier, t.documentary, t.expected_hours) == (1, True, 4.0)


def test_a_bad_declaration_names_every_problem_where_it_is():
    with pytest.raises(InvalidDisruption) as error:
        Declaration.from_dict(
            {
                "kind": "volcano",
                "scope": {"offices": ["nl rtm"], "modes": ["boat"], "routes": ["CNSHA"], "origins": ["NLD"]},
                "starts_at": "2026-11-20T08:00:00+00:00",
                "expected_end": "2026-11-20T07:00:00+00:00",
                "plan": {"priority": "random", "documentary_tiers": [4], "extra_capacity": {"NLRTM": {"x": 1}}},
                "colour": "red",
            },
            now=AT,
        )
    located = {p.location for p in error.value.problems}
    assert located == {
        "kind",
        "scope.offices[0]",
        "scope.modes[0]",
        "scope.routes[0]",
        "scope.origins[0]",
        "expected_end",
        "plan.priority",
        "plan.documentary_tiers",
        "plan.extra_capacity.NLRTM.x",
        "colour",
    }
    assert all(isinstance(p, Problem) and p.message for p in error.value.problems)


def test_a_declaration_without_a_zone_is_refused_and_a_good_one_round_trips():
    with pytest.raises(InvalidDisruption) as error:
        Declaration.from_dict({"kind": "surge", "starts_at": "2026-11-20T08:00:00"}, now=AT)
    assert [p.location for p in error.value.problems] == ["starts_at"]
    good = Declaration.from_dict({"kind": "surge", "scope": {"modes": ["air"]}}, now=AT)
    assert good.starts_at == AT
    assert Declaration.from_dict(good.as_dict(), now=AT) == good

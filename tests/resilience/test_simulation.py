"""The disruption simulator: reproducible with a seed, the real policy's floors in every plan, and the properties a
plan comparison must have (not hard-coded outputs)."""

from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.resilience import report, simulation
from safelane.resilience.disruption import ContinuityPlan
from safelane.resilience.scenario import InvalidScenario, PlanRun, parse

SHIPPED = Path(__file__).parents[2] / "src" / "safelane" / "resilience" / "scenarios" / "seaport_closure_48h.yaml"
SMALL = {
    "name": "small closure",
    "seed": 3,
    "start": "2026-03-02T00:00:00Z",
    "hours": 96,
    "traffic": [{"office": "NLRTM", "mode": "sea", "per_hour": 12, "essential_share": 0.1, "trusted_share": 0.3}],
    "offices": {"NLRTM": {"lanes": 6, "capacity": {"physical": 8, "documentary": 40}}},
    "service_hours": {"green": 0.2, "blue": 0.2, "yellow": 1.0, "red": 3.0},
    "dwell_hours": {"sea": 4},
    "risk": {"mean_score": 20, "floor_share": 0.02},
    "disruption": {"kind": "port_closure", "office": "NLRTM", "start_hour": 24, "hours": 12, "capacity_factor": 0.1},
    "recovery": {"capacity_factor": 1.5},
    "plans": [
        {"name": "FIFO", "plan": {"priority": "fifo", "documentary_tiers": []}},
        {"name": "tiered", "plan": {"priority": "tiered"}},
    ],
}


def run(data=SMALL):
    scenario = parse(data)
    traffic = simulation.draw(scenario)
    outcomes = simulation.simulate(scenario, traffic)
    return scenario, traffic, outcomes


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    _, t1, [a, _] = run()
    _, t2, [b, _] = run()
    assert np.array_equal(t1.presented, t2.presented)
    assert a.backlog == b.backlog
    assert np.array_equal(a.released, b.released, equal_nan=True)
    _, _, [c, _] = run({**SMALL, "seed": 4})
    assert c.backlog != a.backlog


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_tiered_is_never_worse_for_tier_1_than_fifo(seed):
    scenario, traffic, outcomes = run({**SMALL, "seed": seed})
    summary = report.summarise(scenario, traffic, outcomes)
    fifo, tiered = summary["plans"]
    assert tiered["tiers"][1]["consignments"] == fifo["tiers"][1]["consignments"] > 0  # the same consignments
    assert tiered["tiers"][1]["delay_hours"]["p50"] <= fifo["tiers"][1]["delay_hours"]["p50"]
    assert tiered["tiers"][1]["delay_hours"]["p90"] <= fifo["tiers"][1]["delay_hours"]["p90"]


def test_a_closure_builds_a_backlog_that_clears_and_more_capacity_clears_no_later():
    scenario, traffic, [fifo, _] = run()
    w = scenario.disruption
    before, during = fifo.backlog[: int(w.start_hour)], fifo.backlog[int(w.start_hour + w.hours) - 1]
    assert during > 3 * max(before)  # a tenth of the lanes for 12 hours: the queue grows
    assert fifo.ended_at is not None and fifo.ended_at > w.start_hour + w.hours
    more = PlanRun("FIFO, double recovery", ContinuityPlan(priority="fifo", documentary_tiers=()), recovery_factor=3.0)
    [faster] = simulation.simulate(scenario, traffic, [more])
    assert faster.ended_at is not None and faster.ended_at <= fifo.ended_at


def test_strong_screening_hits_are_inspected_in_every_tier_and_plan():
    scenario, traffic, outcomes = run()
    simulated = (traffic.presented >= 0) & (traffic.presented < scenario.hours)
    hits = simulated & traffic.floor
    assert hits.sum() > 5
    for outcome in outcomes:
        assert set(outcome.tier[hits].tolist()) >= {3}
        assert (outcome.channel[hits] == simulation.CHANNEL_INDEX[simulation.Channel.RED]).all()
    tiered = outcomes[1]
    assert tiered.documentary_relieved > 0  # the plan did relieve risk selections, just never these


def test_a_bad_scenario_names_every_problem_where_it_is():
    bad = {
        **SMALL,
        "hours": 0,
        "traffic": [{"office": "DEHAM", "mode": "boat", "per_hour": -1}],
        "disruption": {**SMALL["disruption"], "kind": "volcano"},
        "plans": [{"name": "x", "plan": {"priority": "random"}}],
    }
    with pytest.raises(InvalidScenario) as error:
        parse(bad)
    located = {p.location for p in error.value.problems}
    assert {"$.hours", "traffic[0].mode", "traffic[0].per_hour", "traffic[0].office", "disruption.kind"} <= located
    assert "plans[0].plan.priority" in located


def test_cli_simulate_writes_tables_csv_and_svg_and_the_shipped_scenario_is_calibrated(tmp_path):
    result = CliRunner().invoke(
        app, ["resilience", "simulate", "--scenario", str(SHIPPED), "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert [p["name"] for p in summary["plans"]][:2] == ["FIFO", "tiered"]
    assert summary["calibration"] and all(c["same_order"] for c in summary["calibration"])
    tiered = summary["plans"][1]
    assert tiered["tier1_delay_vs_fifo"] is not None and tiered["tier1_delay_vs_fifo"] <= 1
    header = (tmp_path / "backlog.csv").read_text().splitlines()[0]
    assert header.startswith("hour,FIFO,tiered")
    root = ElementTree.fromstring((tmp_path / "backlog.svg").read_text())
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == len(summary["plans"])
    assert "tier" in (tmp_path / "tiers.csv").read_text().splitlines()[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text("hours: [\n")
    refused = CliRunner().invoke(app, ["resilience", "simulate", "--scenario", str(bad)])
    assert refused.exit_code == 2 and "unreadable" in refused.stderr


def test_the_shipped_system_outage_scenario_clears_its_backlog_in_every_plan():
    from safelane.resilience.scenario import load

    scenarios = {path.stem: load(path) for path in SHIPPED.parent.glob("*.yaml")}
    assert set(scenarios) == {"seaport_closure_48h", "system_outage_6h"}
    outage = scenarios["system_outage_6h"]
    assert outage.disruption.kind == "system_outage" and outage.disruption.hours == 6
    for outcome in simulation.simulate(outage):
        assert outcome.ended_at is not None, f"{outcome.name} never cleared its backlog"
        assert outcome.ended_at >= outage.disruption.start_hour + outage.disruption.hours

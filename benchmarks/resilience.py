"""The disruption simulator: a 30-day, 1,000,000-consignment scenario on one core, and the issue's goals measured
on the shipped 48-hour seaport closure. Prints one JSON object.

    .venv/bin/python benchmarks/resilience.py [--scenario FILE] [--consignments 1000000] [--days 30] [--seed 7]

The large run is the scenario file's traffic, lanes and capacity scaled so that about `--consignments` are
presented within `--days`, its disruption kept (same length, placed on day 10), simulated under the scenario's
first tiered plan. The goals come from the unscaled scenario with all its plans.
"""

import argparse
import json
import os
import resource
import time
from dataclasses import replace
from pathlib import Path

from safelane.resilience import report, simulation
from safelane.resilience.scenario import Office, load

SHIPPED = Path(__file__).parents[1] / "src" / "safelane" / "resilience" / "scenarios" / "seaport_closure_48h.yaml"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", type=Path, default=SHIPPED)
    parser.add_argument("--consignments", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    base = load(args.scenario).with_seed(args.seed)

    started = time.perf_counter()
    traffic = simulation.draw(base)
    outcomes = simulation.simulate(base, traffic)
    goals_seconds = time.perf_counter() - started
    summary = report.summarise(base, traffic, outcomes)
    goals = {
        p["name"]: {
            "tier1_delay_p50_h": p["tiers"][1]["delay_hours"]["p50"],
            "tier1_delay_vs_fifo": p["tier1_delay_vs_fifo"],
            "clear_hours": p["clear_hours"],
            "clear_ratio": p["clear_ratio"],
        }
        for p in summary["plans"]
    }

    hours = args.days * 24
    scale = args.consignments / (hours * sum(t.per_hour for t in base.traffic))
    big = replace(
        base,
        hours=hours,
        traffic=tuple(replace(t, per_hour=t.per_hour * scale) for t in base.traffic),
        offices={
            code: Office(round(o.lanes * scale), {k: round(v * scale) for k, v in o.capacity.items()})
            for code, o in base.offices.items()
        },
        disruption=replace(base.disruption, start_hour=24 * 10),
        plans=(next(p for p in base.plans if p.plan.priority == "tiered"),),
    )
    started, cpu_started = time.perf_counter(), cpu()
    big_traffic = simulation.draw(big)
    drawn = time.perf_counter() - started
    [outcome] = simulation.simulate(big, big_traffic)
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    presented = (big_traffic.presented >= 0) & (big_traffic.presented < big.hours)
    big_summary = report.summarise(big, big_traffic, [outcome])
    print(
        json.dumps(
            {
                "scenario": base.name,
                "seed": args.seed,
                "large": {
                    "days": args.days,
                    "consignments_simulated": int(presented.sum()),
                    "consignments_drawn": int(big_traffic.arrival.size),
                    "draw_s": round(drawn, 2),
                    "wall_s": round(seconds, 2),
                    "cpu_s": round(cpu_seconds, 2),
                    "consignments_per_cpu_s": round(int(presented.sum()) / cpu_seconds),
                    "clear_hours": big_summary["plans"][0]["clear_hours"],
                    "goal_s": 60,
                },
                "goals_48h": goals,
                "goals_wall_s": round(goals_seconds, 2),
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            }
        )
    )


if __name__ == "__main__":
    main()

"""Time to compute the workbench dashboard over N stored consignments, printed as one JSON object.

    python benchmarks/dashboard.py --consignments 100000 [--repeat 5] [--database URL]

A fresh store (a temporary SQLite file unless --database names an empty one) gets the demo profiles and a
demo day (`safelane.demo.generate_day`) through the pipeline; every consignment selected for control
(random sample included) then gets an inspection outcome, one in five of those a seizure. The dashboard's
figures are then computed `--repeat` times over a window holding every filing and decision (the demo
day and today, when the pipeline decided them), and once over the default window; reported are the
median and best time in total and per figure, and the rows counted.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from _load import demo_traffic, load_average, machine

from safelane.cases import dashboard
from safelane.cli.common import settings
from safelane.cli.demo import load_profiles
from safelane.store import models as model_store
from safelane.store import seizures as seizure_store
from safelane.store.schema import consignments, decisions
from safelane.system import build

RESULTS = ("no_irregularity", "irregularity", "seizure")


def inspect_selected(system: Any, at: datetime) -> int:
    """An outcome for every consignment selected for control (inspection set), cycling through the results."""
    assert system.db is not None
    with system.db.write() as conn:
        selected = conn.execute(
            sa.select(decisions.c.row_id, decisions.c.consignment_id, decisions.c.office)
            .where(decisions.c.inspection.is_not(None))
            .order_by(decisions.c.decision_id)
        ).all()
        for i, (row_id, consignment_id, office) in enumerate(selected):
            result = RESULTS[i % 5 % 3]  # no_irregularity, irregularity, seizure, no_irregularity, irregularity
            outcome_id = model_store.record_outcome(
                conn, row_id, method="physical", result=result, actor="bench", at=at
            )
            if result == "seizure":
                seizure_store.add(
                    conn,
                    outcome_id=outcome_id,
                    consignment_id=consignment_id,
                    office=office,
                    at=at,
                    actor="bench",
                    commodity=("cigarettes", "cocaine", "counterfeits")[i % 3],
                    quantity=1.0 + i,
                    unit="kg",
                    concealment="false_bottom",
                    detection="xray",
                    offence="smuggling",
                )
    return len(selected)


def measure(system: Any, window: dashboard.Window, now: datetime, repeat: int) -> dict[str, Any]:
    assert system.db is not None
    totals: list[float] = []
    per: dict[str, list[float]] = {name: [] for name in dashboard.FIGURES}
    for _ in range(repeat):
        started = time.perf_counter()
        with system.db.read() as conn:
            for name in dashboard.FIGURES:
                begun = time.perf_counter()
                dashboard.figure(conn, name, window, now)
                per[name].append(time.perf_counter() - begun)
        totals.append(time.perf_counter() - started)
    return {
        "window": [window.start.isoformat(), window.end.isoformat()],
        "seconds_median": round(statistics.median(totals), 4),
        "seconds_best": round(min(totals), 4),
        "per_figure_seconds_median": {k: round(statistics.median(v), 4) for k, v in per.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consignments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    load_start = load_average()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database or f"sqlite:///{Path(workdir) / 'dashboard.db'}"
        system = build(settings(url))
        assert system.db is not None
        load_profiles(system)
        loaded = demo_traffic(system, args.consignments, args.seed)
        day = loaded.day
        now = datetime.now(UTC)
        inspected = inspect_selected(system, now)
        with system.db.read() as conn:
            default = dashboard.default_window(conn, now)
            whole = dashboard.days_window(day, now.date())
            counts = {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in (("consignments", consignments), ("decisions", decisions))
            }
            figures = dashboard.dashboard(conn, whole, now)
        result = {
            "benchmark": "dashboard",
            "backend": system.db.engine.dialect.name,
            "consignments": args.consignments,
            "seed": args.seed,
            "stored": counts,
            "inspections": inspected,
            "load_seconds": round(loaded.seconds, 1),
            "whole": measure(system, whole, now, args.repeat),
            "default": measure(system, default, now, args.repeat),
            "figures": {
                "hit_rate": figures["hit_rate"].rows,
                "decision_time": figures["decision_time"].rows,
                "filed": sum(r["total"] for r in figures["filings"].rows),
            },
            "machine": machine(load_start),
        }
        system.db.dispose()
    sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()

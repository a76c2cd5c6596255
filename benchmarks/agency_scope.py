"""What the agencies' need-to-know scope costs, printed as one JSON object.

    python benchmarks/agency_scope.py --consignments 10000 [--repeat 5] [--seed 7] [--database URL]

A fresh store (a temporary SQLite file unless --database names an empty one) gets the demo profiles and a demo
day through the pipeline, which writes the agency_scope index with each assessment. Reported, as CPU time
(process_time, the machine is shared): the competence decision per consignment at ingest
(`safelane.agencies.competence.agencies_of` over the stored goods, median of --repeat passes); and for each
registered agency and for customs, one page of the decision search an officer's key makes (`GET /v1/decisions`:
100 rows) and a count of every decision in scope, medians of --repeat runs. Pairs indexed per agency too.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from _load import demo_traffic, load_average, machine

from safelane.agencies.competence import agencies_of
from safelane.agencies.register import register
from safelane.cli.common import settings
from safelane.cli.demo import load_profiles
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store.schema import agency_scope, assessments, consignments, decisions
from safelane.system import build


def _cpu(work: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consignments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    load_start = load_average()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database or f"sqlite:///{Path(workdir) / 'agency_scope.db'}"
        system = build(settings(url))
        assert system.db is not None
        load_profiles(system)
        loaded = demo_traffic(system, args.consignments, args.seed)
        with system.db.read() as conn:
            stored = [
                ((r.data or {}).get("goods") or (), r.findings or ())
                for r in conn.execute(
                    sa.select(consignments.c.data, assessments.c.findings).join(
                        assessments, assessments.c.row_id == consignments.c.row_id
                    )
                )
            ]
            decided = len(stored)
            per_consignment = _cpu(lambda: [agencies_of(g, f) for g, f in stored], args.repeat) / max(decided, 1)
            pairs = dict(
                conn.execute(sa.select(agency_scope.c.agency, sa.func.count()).group_by(agency_scope.c.agency)).all()
            )
            queries: dict[str, dict[str, Any]] = {}
            scopes = {"customs": Scope.of("olga", "officer")} | {
                code: Scope.of(f"{code}-officer", "agency_officer", agency=code) for code in sorted(register())
            }
            for code, scope in scopes.items():
                count = (
                    sa.select(sa.func.count())
                    .select_from(decisions)
                    .where(decisions.c.current.is_(True), scope.clause(decisions.c.filer, decisions.c.office))
                )
                queries[code] = {
                    "in_scope": conn.execute(count).scalar_one(),
                    "page_ms_cpu": round(
                        1000 * _cpu(lambda s=scope: decision_store.search(conn, scope=s, limit=100), args.repeat), 2
                    ),
                    "count_ms_cpu": round(1000 * _cpu(lambda q=count: conn.execute(q).scalar_one(), args.repeat), 2),
                }
    report = {
        "benchmark": "agency_scope",
        "consignments": args.consignments,
        "stored_consignment_rows": decided,
        "load_seconds": round(loaded.seconds, 1),
        "competence_us_cpu_per_consignment": round(per_consignment * 1e6, 2),
        "pairs_per_agency": pairs,
        "queries": queries,
        "repeat": args.repeat,
        "machine": machine(load_start),
    }
    print(orjson.dumps(report).decode())


if __name__ == "__main__":
    main()

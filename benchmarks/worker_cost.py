"""Where a stream worker's CPU goes: the worker's own path (deferred.forward on batches) in one process, on a
SQLite file and on PostgreSQL, with the same filings and profiles. Prints one JSON object.

`safelane worker` spends about 1.1 ms of CPU per consignment against 0.48 ms for the embedded pipeline
(docs/deployment.md). This separates the store from the broker: no NATS here, only the batch a worker hands
to `deferred.forward` after a fetch, with the outbox on as in stream mode. CPU is this process's
(`time.process_time`): the PostgreSQL server's own work is not in it. With --profile, cProfile's own CPU time is
grouped by package (psycopg, SQLAlchemy, the store, assessment, ...) to say which part the difference is.

    python benchmarks/worker_cost.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test \
        [--consignments 5000] [--batch 200] [--profiles 200] [--seed 7] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from scale import DAY, Schema
from throughput import profile_texts, store_profiles

BUCKETS = (  # first match wins: a path fragment and the name it is reported under
    ("/psycopg", "psycopg"),
    ("/sqlalchemy/", "sqlalchemy"),
    ("/sqlite3/", "sqlite3"),
    ("safelane/store/", "safelane.store"),
    ("safelane/screening/", "safelane.screening"),
    ("safelane/risk/", "safelane.risk"),
    ("safelane/formats/", "safelane.formats"),
    ("safelane/domain/", "safelane.domain"),
    ("safelane/", "safelane (other)"),
    ("/pydantic", "pydantic"),
    ("/orjson", "orjson"),
    ("<built-in", "builtins"),
    ("~", "builtins"),
)


def _bucket(path: str) -> str:
    return next((name for fragment, name in BUCKETS if fragment in path), "other")


def _envelopes(filings: list[dict]):
    from safelane.deferred import Envelope

    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    return [Envelope.new(orjson.dumps(f), filer="bench-filer", actor="bench", format=None, at=at) for f in filings]


def run(url: str, label: str, filings: list[dict], args: argparse.Namespace) -> dict[str, Any]:
    from safelane import deferred
    from safelane.settings import Settings
    from safelane.system import build

    system = build(Settings(database_url=url))
    system.db.outbox = True  # as a worker: each decision writes its event
    envelopes = _envelopes(filings)
    batches = [envelopes[i : i + args.batch] for i in range(0, len(envelopes), args.batch)]
    deferred.forward(system.pipeline, system.db, batches[0])  # warm caches, compiled profiles, connections
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for batch in batches[1:]:
        deferred.forward(system.pipeline, system.db, batch)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    consignments = sum(len(orjson.loads(e.body)["consignments"]) for batch in batches[1:] for e in batch)
    system.db.dispose()
    result: dict[str, Any] = {
        "store": label,
        "consignments": consignments,
        "cpu_ms_per_consignment": round(cpu * 1000 / consignments, 3),
        "wall_ms_per_consignment": round(wall * 1000 / consignments, 3),
    }
    if profiler:
        own: Counter[str] = Counter()
        functions: Counter[str] = Counter()
        for (path, line, name), (_cc, calls, tottime, _ct, _callers) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
            own[_bucket(path)] += tottime
            functions[f"{Path(path).name}:{line}:{name} ({calls} calls)"] += tottime
        total = sum(own.values())
        result["profile_share"] = {k: round(v / total, 3) for k, v in own.most_common()}
        result["top_functions_share"] = {k: round(v / total, 3) for k, v in functions.most_common(12)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", required=True, help="SQLAlchemy URL of a PostgreSQL database to use")
    parser.add_argument("--consignments", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="group cProfile's own time by package")
    args = parser.parse_args()
    os.environ.setdefault("SAFELANE_SAMPLE_KEY", "worker-cost-benchmark")
    from safelane.demo import generate

    filings = generate(DAY, args.consignments, args.seed).filings
    texts = profile_texts(args.profiles, args.seed)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        from safelane.settings import Settings
        from safelane.system import build

        url = f"sqlite:///{folder}/worker-cost.db"
        store_profiles(build(Settings(database_url=url)).db, texts)
        runs.append(run(url, "sqlite", filings, args))
    schema = Schema(args.postgres, texts)
    try:
        runs.append(run(schema.url, "postgresql", filings, args))
    finally:
        schema.drop()
    print(
        json.dumps(
            {
                "benchmark": "worker_cost",
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
                "batch": args.batch,
                "profiles": args.profiles,
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()

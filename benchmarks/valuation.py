"""Cost of the valuation check: loading the store's history, keeping it up to date, and judging a consignment.

A month of generated demo traffic (`--history-days` x `--history-per-day`) is stored through the real pipeline
(with no assessors, to build the store quickly) in a fresh SQLite file, or the given database. Then:

- `load`: a `ValueHistory` reads every stored declaration once (what a process does on its first batch with
  no checkpoint), then saves a checkpoint, and `checkpoint_load` is a new process starting from it;
- `update`: after another `--update` consignments are stored, the time to count them in (what a running process
  does at most once a second);
- `assess`: a further generated day of `--consignments` lodgements judged in batches of `--batch` by the
  valuation assessor alone, in microseconds per consignment (the goal is at most 20). The machine is shared, so
  CPU time (`time.process_time`) is reported beside wall time: it is what the check costs, wall time adds the
  waits for a core. `--callgrind` counts the instructions of these batches only (the total Ir callgrind reports,
  divided by `--consignments`), which the load does not change:

    valgrind --tool=callgrind --instr-atstart=no python benchmarks/valuation.py --callgrind \
        --history-days 2 --history-per-day 3000 --consignments 5000

    python benchmarks/valuation.py [--history-days 30] [--history-per-day 3000] [--consignments 100000]
                                   [--batch 1000] [--update 1000] [--seed 7] [--database URL] [--callgrind]

Prints one JSON object.
"""

import argparse
import gc
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from _load import callgrind, load_average, machine  # this folder is on the path when the script is run

from safelane.demo import filings_of, generate_hours
from safelane.demo.timeline import batches
from safelane.domain import Lodgement
from safelane.ids import consignment_id
from safelane.risk.valuation import ValuationAssessor, ValuationPolicy
from safelane.risk.value_history import ValueHistory
from safelane.settings import Settings
from safelane.system import build

START = datetime(2026, 10, 1, tzinfo=UTC)


def store(system, start: datetime, consignments: int, seed: int) -> int:
    traffic = generate_hours(start, consignments, seed)
    for batch in batches(filings_of(traffic), window=timedelta(hours=4)):
        system.pipeline.submit(batch, actor=batch[0].filer or "demo")
    return traffic.consignments


def lodgements(start: datetime, consignments: int, seed: int) -> list[Lodgement]:
    found = []
    for filing in filings_of(generate_hours(start, consignments, seed)):
        filer = filing.filer or "demo"
        for c in filing.consignments:
            cid = consignment_id(filer, filing.document_number, c.reference)
            assert filing.filed_at is not None
            found.append(Lodgement(cid, c, filing.filing_kind, filer, filing.filed_at, filing.document_number, 1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--history-per-day", type=int, default=3000)
    parser.add_argument("--consignments", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--update", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--callgrind", action="store_true", help="count instructions of the judging batches only")
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file, removed afterwards)")
    args = parser.parse_args()
    load_at_start = load_average()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'valuation.db'}"
        system = build(Settings(database_url=url), assessors=[])
        started = time.perf_counter()
        stored = sum(
            store(system, START + timedelta(days=day), args.history_per_day, args.seed)
            for day in range(args.history_days)
        )
        store_seconds = time.perf_counter() - started

        history = ValueHistory(system.db, checkpoint_rows=0)
        started, cpu = time.perf_counter(), time.process_time()
        sketches = history()
        load_seconds, load_cpu = time.perf_counter() - started, time.process_time() - cpu
        groups, buckets = len(sketches), sum(len(s.counts) for s in sketches.values())
        started = time.perf_counter()
        history.checkpoint()
        checkpoint_seconds = time.perf_counter() - started
        restored = ValueHistory(system.db, checkpoint_rows=0)
        started, cpu = time.perf_counter(), time.process_time()
        same = {k: s.counts for k, s in restored().items()} == {k: s.counts for k, s in sketches.items()}
        restore_seconds, restore_cpu = time.perf_counter() - started, time.process_time() - cpu

        today = START + timedelta(days=args.history_days)
        store(system, today - timedelta(hours=1), args.update, args.seed + 1)
        history.refresh()
        started, cpu = time.perf_counter(), time.process_time()
        history()
        update_seconds, update_cpu = time.perf_counter() - started, time.process_time() - cpu

        day = lodgements(today, args.consignments, args.seed)
        assessor = ValuationAssessor(lambda: sketches, ValuationPolicy(), lambda: history.version)
        assessor.assess(day[: args.batch])  # rates loaded, summaries computed: what every later batch finds
        gc.collect()
        gc.freeze()  # as system.settle does for a running pipeline
        per_batch, cpu_per_batch, findings = [], [], 0
        if args.callgrind:
            callgrind("on")
        for start in range(0, len(day), args.batch):
            chunk = day[start : start + args.batch]
            began, cpu = time.perf_counter(), time.process_time()
            found = assessor.assess(chunk)
            per_batch.append((time.perf_counter() - began) / len(chunk) * 1e6)
            cpu_per_batch.append((time.process_time() - cpu) / len(chunk) * 1e6)
            findings += sum(bool(f) for f in found)
        if args.callgrind:
            callgrind("off")
        system.db.dispose()
    result = {
        "benchmark": "valuation",
        "history": {
            "consignments": stored,
            "store_seconds": round(store_seconds, 1),
            "load_seconds": round(load_seconds, 3),
            "load_cpu_seconds": round(load_cpu, 3),
            "load_cpu_us_per_consignment": round(load_cpu / max(1, stored) * 1e6, 1),
            "distributions": groups,
            "buckets": buckets,
        },
        "checkpoint": {
            "write_seconds": round(checkpoint_seconds, 3),
            "load_seconds": round(restore_seconds, 3),
            "load_cpu_seconds": round(restore_cpu, 3),
            "same_distributions": same,
        },
        "update": {
            "consignments": args.update,
            "ms": round(update_seconds * 1000, 1),
            "cpu_ms": round(update_cpu * 1000, 1),
        },
        "assess": {
            "consignments": len(day),
            "batch": args.batch,
            "cpu_us_per_consignment_mean": round(statistics.fmean(cpu_per_batch), 2),
            "cpu_us_per_consignment_max": round(max(cpu_per_batch), 2),
            "wall_us_per_consignment_mean": round(statistics.fmean(per_batch), 2),
            "wall_us_per_consignment_p50": round(statistics.median(per_batch), 2),
            "reported": findings,
        },
        "machine": machine(load_at_start),
    }
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()

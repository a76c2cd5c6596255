"""The facilitation assessor alone, against a register of N trusted traders. Prints one JSON object.

A generated day (safelane.demo.traffic) is parsed into lodgements once; N operators are registered in a fresh
SQLite file (the demo's AEOs, whose filings carry their EORIs, and made-up ones up to N) and the in-memory
register is loaded, as a running server has it. Then `FacilitationAssessor.assess` runs over the day in batches
of 1,000, as the pipeline calls it: the first pass (every party seen for the first time: cold caches) and the
median of `--repeat` further passes (repeat traders: what a server sees once its caches are warm), in CPU
microseconds per consignment (process_time), so other tenants of a shared machine count little.

    python benchmarks/facilitation.py [--consignments 20000] [--operators 100000] [--repeat 5] [--seed 7]

Instructions per consignment, which the machine's load does not change: run it under callgrind with
instrumentation off, and `--callgrind` switches it on for the warm passes only (the total Ir it reports, divided
by repeat times consignments):

    valgrind --tool=callgrind --instr-atstart=no python benchmarks/facilitation.py --callgrind \
        --consignments 5000 --operators 1000 --repeat 2

`throughput.py --operators N` measures the same assessor inside the whole pipeline (`assess.traders`).
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

DAY = date(2026, 11, 20)
BATCH = 1000


def _callgrind(switch: str) -> None:
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True, capture_output=True)


def _passes(assessor: Any, lodgements: list[Any], repeat: int, callgrind: bool) -> tuple[float, list[float], int]:
    runs, found = [], 0
    for run in range(repeat + 1):
        if callgrind and run == 1:
            _callgrind("on")
        batches = [lodgements[start : start + BATCH] for start in range(0, len(lodgements), BATCH)]
        started = time.process_time()
        results = [assessor.assess(batch) for batch in batches]
        runs.append((time.process_time() - started) / len(lodgements) * 1e6)
        found = sum(bool(f) for batch in results for f in batch)
    if callgrind:
        _callgrind("off")
    return runs[0], runs[1:], found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consignments", type=int, default=20_000)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--callgrind", action="store_true", help="count instructions of the warm passes only")
    args = parser.parse_args(argv)

    from safelane.demo import generate
    from safelane.demo import traders as demo_traders
    from safelane.formats import native
    from safelane.settings import Settings
    from safelane.system import build
    from safelane.traders.facilitation import TRADERS

    with tempfile.TemporaryDirectory() as folder:
        system = build(Settings(database_url=f"sqlite:///{Path(folder) / 'facilitation.db'}"))
        assert system.db is not None
        own = len(demo_traders.register_rows(args.seed))
        started = time.perf_counter()
        demo_traders.load(
            system.db,
            at=datetime(2026, 11, 1, tzinfo=UTC),
            seed=args.seed,
            synthetic=max(0, args.operators - own),
        )
        imported = time.perf_counter() - started
        [assessor] = [a for a in system.pipeline.engine.assessors if getattr(a, "name", "") == TRADERS]
        started = time.perf_counter()
        operators = len(assessor.register())
        loaded = time.perf_counter() - started
        received = datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=UTC)
        lodgements: list[Any] = []
        for filing in generate(DAY, args.consignments, args.seed, filers={}).filings:
            [parsed] = native.parse_json(orjson.dumps(filing), filer=None)
            lodgements += system.pipeline._lodgements(parsed, received, False)
        cold, warm, found = _passes(assessor, lodgements, args.repeat, args.callgrind)
        system.db.dispose()
    load = os.getloadavg()
    print(
        orjson.dumps(
            {
                "benchmark": "facilitation",
                "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()},
                "load_average_at_end": [round(x, 2) for x in load],
                "operators": operators,
                "import_s": round(imported, 1),
                "register_load_s": round(loaded, 1),
                "consignments": len(lodgements),
                "consignments_with_a_finding": found,
                "cpu_us_per_consignment_first_pass": round(cold, 2),
                "cpu_us_per_consignment_warm_median": round(statistics.median(warm), 2),
                "cpu_us_warm_runs": [round(r, 2) for r in warm],
            },
            option=orjson.OPT_INDENT_2,
        ).decode()
    )


if __name__ == "__main__":
    main()

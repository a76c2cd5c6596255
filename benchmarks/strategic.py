"""Cost of the strategic goods assessor per consignment, on a generated demo day, on one core.

    python benchmarks/strategic.py [--consignments N] [--seed S] [--rounds R] [--dual-use CSV]

The day is generated and validated first (not timed); then `StrategicAssessor.assess` runs over it in
batches of 500 lodgements, R rounds, and the best round by CPU time is reported (µs per consignment). The
first round starts with a cold description cache; later rounds reuse it, as a long-running process does,
so both are reported. `--dual-use` adds an administration's correlation table. Prints one JSON object.
"""

import argparse
import os
import platform
import time
from datetime import date
from pathlib import Path

import orjson

from safelane.demo import filings_of, generate
from safelane.domain import Lodgement
from safelane.reference.strategic import load
from safelane.risk.strategic import StrategicAssessor

BATCH = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consignments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dual-use", type=Path, default=None)
    args = parser.parse_args()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    traffic = generate(date(2026, 11, 20), args.consignments, args.seed)
    lodgements = [
        Lodgement(c.reference, c, f.filing_kind, f.filer or "demo", f.filed_at, f.document_number, f.version)
        for f in filings_of(traffic)
        if f.filed_at is not None
        for c in f.consignments
    ]
    batches = [lodgements[i : i + BATCH] for i in range(0, len(lodgements), BATCH)]
    assessor = StrategicAssessor(load(dual_use=args.dual_use))
    rounds, findings = [], 0
    for _ in range(args.rounds):
        started = time.process_time()
        found = sum(len(f) for batch in batches for f in assessor.assess(batch))
        rounds.append(time.process_time() - started)
        findings = found
    per = [1e6 * seconds / len(lodgements) for seconds in rounds]
    print(
        orjson.dumps(
            {
                "benchmark": "strategic",
                "consignments": len(lodgements),
                "goods_items": sum(len(lo.consignment.goods) for lo in lodgements),
                "findings": findings,
                "table_entries": len(assessor.tables.entries),
                "us_per_consignment_cold": round(per[0], 2),
                "us_per_consignment_best": round(min(per), 2),
                "rounds": args.rounds,
                "python": platform.python_version(),
                "load_average_at_start": load_at_start,
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            }
        ).decode()
    )


if __name__ == "__main__":
    main()

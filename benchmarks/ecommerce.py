"""Cost of the e-commerce assessor alone per parcel, on a generated e-commerce day, with no store.

    python benchmarks/ecommerce.py [--parcels 1000] [--repeat 3] [--seed 1] [--callgrind]

The day (`safelane.demo.ecommerce.parcel_day`) is generated and validated first; then `EcommerceAssessor.assess`
runs over it in batches of 500, `--repeat` times, with no splitting index (parcels are compared within each batch
only). Prints one JSON object with CPU µs per parcel. On a shared machine CPU time still swings with the other
processes; an instruction count does not: `--callgrind` counts the repeated passes only (the total Ir callgrind
reports, divided by parcels x repeat; docs/benchmarks.md):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no python benchmarks/ecommerce.py --callgrind
"""

import argparse
import time
from datetime import UTC, date, datetime

import orjson
from _load import callgrind  # this folder is on the path when the script is run

from safelane import formats
from safelane.demo.ecommerce import parcel_day
from safelane.domain import Lodgement
from safelane.ids import consignment_id
from safelane.risk.ecommerce.assessor import EcommerceAssessor
from safelane.risk.ecommerce.tables import load

BATCH = 500
DAY = date(2026, 11, 20)


def lodgements(parcels: int, seed: int) -> list[Lodgement]:
    found: list[Lodgement] = []
    for data in parcel_day(DAY, parcels, seed).filings:
        for filing in formats.parse(orjson.dumps(data), filer="BENCH"):
            for c in filing.consignments:
                found.append(
                    Lodgement(
                        consignment_id("BENCH", filing.document_number, c.reference),
                        c,
                        filing.filing_kind,
                        "BENCH",
                        filing.filed_at or datetime(2026, 11, 20, tzinfo=UTC),
                        filing.document_number,
                        filing.version,
                        filing.message_type,
                    )
                )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--callgrind", action="store_true", help="count instructions of the repeated passes only")
    args = parser.parse_args()
    day = lodgements(args.parcels, args.seed)
    assessor = EcommerceAssessor(load(), None)
    assessor.assess(day[:10])  # tables, regular expressions and caches made once, as in a running process
    findings = 0
    if args.callgrind:
        callgrind("on")
    started = time.process_time()
    for _ in range(args.repeat):
        for start in range(0, len(day), BATCH):
            findings += sum(len(f) for f in assessor.assess(day[start : start + BATCH]))
    cpu = time.process_time() - started
    if args.callgrind:
        callgrind("off")
    assessed = len(day) * args.repeat
    print(
        orjson.dumps(
            {
                "benchmark": "ecommerce",
                "parcels": len(day),
                "repeat": args.repeat,
                "findings": findings,
                "cpu_us_per_parcel": round(cpu / assessed * 1e6, 2) if assessed else None,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()

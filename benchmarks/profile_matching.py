"""What profile matching costs per consignment: the throughput benchmark's profiles on a generated day, without a
store. Prints one JSON object.

CPU is this process's (`time.process_time`), the least of --repeat passes, since the machine is shared; `calls` is
the number of Python and built-in function calls per consignment in one pass (`sys.setprofile`), which does not
depend on the load.

    python benchmarks/profile_matching.py [--consignments 3000] [--profiles 200] [--seed 7] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import profile_texts

DAY = "2026-11-20"


def _calls(profiles, lodgements) -> int:  # type: ignore[no-untyped-def]
    count = 0

    def counter(_frame, event, _arg) -> None:  # type: ignore[no-untyped-def]
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(counter)
    try:
        for lodgement in lodgements:
            profiles.findings(lodgement)
    finally:
        sys.setprofile(None)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consignments", type=int, default=3000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from datetime import date

    from safelane.demo.traffic import generate_day
    from safelane.domain import Lodgement
    from safelane.risk.profiles import ProfileSet, load_text

    profiles = ProfileSet([load_text(t) for t in profile_texts(args.profiles, args.seed)])
    lodgements = [
        Lodgement(c.reference, c, f.filing_kind, "bench", f.filed_at, f.document_number, f.version, f.message_type)
        for f in generate_day(date.fromisoformat(DAY), args.consignments, args.seed)
        for c in f.consignments
    ]
    hits = sum(len(profiles.findings(lodgement)) for lodgement in lodgements)  # warm caches
    passes = []
    for _ in range(args.repeat):
        started = time.process_time()
        for lodgement in lodgements:
            profiles.findings(lodgement)
        passes.append(time.process_time() - started)
    n = len(lodgements)
    print(
        json.dumps(
            {
                "benchmark": "profile_matching",
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
                "consignments": n,
                "profiles": len(profiles),
                "hits": hits,
                "cpu_us_per_consignment": round(min(passes) * 1e6 / n, 1),
                "cpu_us_per_consignment_passes": [round(p * 1e6 / n, 1) for p in passes],
                "calls_per_consignment": round(_calls(profiles, lodgements) / n, 1),
            }
        )
    )


if __name__ == "__main__":
    main()

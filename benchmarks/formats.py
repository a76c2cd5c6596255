"""Parsing speed per message format on one core: messages (and consignments) per second.

    python benchmarks/formats.py [--seconds S] [FILE ...]

Without files it measures the fixtures in tests/fixtures/messages (relative to this script), plus a
CUSCAR of 200 consignments built from the fixture's first consignment, since cargo reports carry
many. With files, each file is measured as given (format detected by content). Each measurement
repeats `formats.parse` (bytes to validated, code-checked filings) in rounds for S seconds after a
warm-up and reports the best round by CPU time, on one core (the process is single-threaded).
Prints one JSON object.
"""

import argparse
import platform
import re
import sys
import time
from pathlib import Path

import orjson

from safelane import formats

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "messages"
DEFAULT = {
    "XFWB": "cargo-xml/riege__888-11111111_XFWB.xml",
    "XFZB": "cargo-xml/riege__SEL22222222_XFZB.xml",
    "XFHL (2 houses)": "own/safelane__XFHL_consolidation.xml",
    "FWB": "own/safelane__FWB_16.txt",
    "FHL (2 houses)": "own/safelane__FHL_4.txt",
    "FFM (3 air waybills)": "own/safelane__FFM_8.txt",
    "XFFM (3 air waybills)": "own/safelane__XFFM_flight.xml",
    "DMS declaration": "wco-dms/declarations/hmrc__TT_IM001a_import_H1_declaration.xml",
    "IE315": "own/safelane__IE315_air.xml",
}


def big_cuscar(count: int) -> bytes:
    """One CUSCAR message with `count` copies of the fixture's first consignment (distinct B/L numbers)."""
    text = (FIXTURES / "own/safelane__CUSCAR_two_interchanges.edi").read_text()
    first = text.split("UNZ+1+REF1'")[0]
    head, rest = first.split("CNI+1+", 1)
    block = "CNI+1+" + rest.split("CNI+2+", 1)[0]
    blocks = [block.replace("MAEU123456789", f"MAEU{100000000 + i}") for i in range(count)]
    body = head + "".join(blocks)
    segments = body.split("UNH+1+", 1)[1].count("'")  # UNH up to the last consignment
    return f"{body}UNT+{segments + 1}+1'\nUNZ+1+REF1'\n".encode()


def measure(data: bytes, seconds: float) -> dict[str, float | int | str]:
    """The best rate over rounds of 0.25 s of this process's CPU time each, for `seconds` in all: CPU time
    leaves out the time other processes hold the core, and the best round (as timeit takes the minimum)
    the remaining interference, which only ever slows a round down."""
    fmt = formats.detect(data)
    filings = formats.parse(data, format=fmt)  # warm-up: tables, airport index
    consignments = sum(len(f.consignments) for f in filings)
    best, ends = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < ends:
        runs, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < 0.25:
            formats.parse(data, format=fmt)
            runs += 1
        best = max(best, runs / elapsed)
    return {
        "format": fmt,
        "bytes": len(data),
        "consignments_per_message": consignments,
        "messages_per_second": round(best, 1),
        "consignments_per_second": round(best * consignments, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if args.files:
        inputs = {str(path): path.read_bytes() for path in args.files}
    else:
        inputs = {name: (FIXTURES / path).read_bytes() for name, path in DEFAULT.items()}
        inputs["CUSCAR (200 consignments)"] = big_cuscar(200)
    results = {name: measure(data, args.seconds) for name, data in inputs.items()}
    cpu = re.sub(r"\s+", " ", platform.processor() or platform.machine())
    print(
        orjson.dumps(
            {
                "benchmark": "formats",
                "python": platform.python_version(),
                "cpu": cpu,
                "seconds_per_measurement": args.seconds,
                "results": results,
            }
        ).decode()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz one message format for a while: mutated valid messages must give filings or InvalidMessage only.

    python benchmarks/fuzz_formats.py --format cuscar --minutes 10 [--crashes DIR] [--seed N]

Hypothesis drives the mutations (the same strategy as tests/formats/test_mutations.py), batch after
batch until the time is up. Any other exception is an "unexpected" one: its input is written to the
crashes folder (default: fuzz-crashes/) and counted. Prints one JSON object; exits 1 if any input
was unexpected. Run from the project root (it reads the fixtures in tests/fixtures/messages).
"""

import argparse
import hashlib
import sys
import time
import traceback
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings

from safelane.domain import InvalidMessage
from safelane.formats import parse
from tests.formats.mutations import SEEDS, mutated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", required=True, choices=sorted(SEEDS))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--batch", type=int, default=300, help="examples per hypothesis run")
    args = parser.parse_args()
    counts = {"inputs": 0, "accepted": 0, "rejected": 0, "unexpected": 0}
    kinds: dict[str, int] = {}
    deadline = time.monotonic() + args.minutes * 60

    @settings(
        max_examples=args.batch,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated(args.format))
    def run(data: bytes) -> None:
        if time.monotonic() > deadline:
            return
        counts["inputs"] += 1
        try:
            parse(data, format=args.format)
            counts["accepted"] += 1
        except InvalidMessage:
            counts["rejected"] += 1
        except Exception as error:
            counts["unexpected"] += 1
            kind = f"{type(error).__name__}: {str(error)[:80]}"
            kinds[kind] = kinds.get(kind, 0) + 1
            args.crashes.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(data).hexdigest()[:16]
            (args.crashes / f"{args.format}-{name}.bin").write_bytes(data)
            (args.crashes / f"{args.format}-{name}.txt").write_text(traceback.format_exc())

    started = time.monotonic()
    while time.monotonic() < deadline:
        run()
    seconds = time.monotonic() - started
    print(
        orjson.dumps(
            {
                "format": args.format,
                "seconds": round(seconds, 1),
                **counts,
                "inputs_per_second": round(counts["inputs"] / seconds, 1) if seconds else None,
                "unexpected_kinds": kinds,
            }
        ).decode()
    )
    return 1 if counts["unexpected"] else 0


if __name__ == "__main__":
    sys.exit(main())

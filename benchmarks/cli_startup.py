"""CLI start-up: wall time of `safelane --help`, `safelane --version` and `safelane X --help` for every
command, and which heavy libraries each one imports. Prints one JSON object. CPU seconds (user + system) are
reported beside wall time, as they depend less on what else the machine runs.

    .venv/bin/python benchmarks/cli_startup.py [--runs 5]
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

NOUNS = ("assess", "serve", "demo", "profiles", "users", "lists", "model", "offices", "screen")
COMMANDS = (["--help"], ["--version"], *([noun, "--help"] for noun in NOUNS))
HEAVY = ("sqlalchemy", "lightgbm", "followthemoney", "fastapi", "uvicorn", "numpy", "lxml", "rigour")
PROBE = (
    "import sys; from safelane.cli.main import app; sys.argv = ['safelane', *sys.argv[1:]]\n"
    "try:\n    app()\nexcept SystemExit:\n    pass\n"
    f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
)


def measure(args: list[str], runs: int) -> dict:
    seconds, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "safelane.cli.main", *args], capture_output=True, check=True)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    probe = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    imported = [m for m in probe.stderr.strip().splitlines()[-1].split(",") if m] if probe.stderr.strip() else []
    return {
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),
        "heavy_imports": imported,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "runs": runs,
                **{"safelane " + " ".join(args): measure(list(args), runs) for args in COMMANDS},
            }
        )
    )


if __name__ == "__main__":
    main()

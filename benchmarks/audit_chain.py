"""The audit hash chain's costs, printed as one JSON object.

    python benchmarks/audit_chain.py [--events 200000] [--batch 1000] [--database URL]

1. append: CPU per event when events are chained (SQLite file by default), in write transactions of `--batch`
   events (as a pipeline batch writes them) and of one event (an officer's action), measured at the start of
   the chain and again once it holds `--events` rows: an append costs the same however long the chain is.
2. verify: a full walk (`safelane audit verify`), events per second.
3. watch: one health-probe step (audit/watch.py, at most STEP rows), milliseconds.
"""

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from safelane.audit.watch import STEP, ChainWatch
from safelane.store import Database
from safelane.store.audit_verify import snapshot, verify
from safelane.store.filings import add_audit

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _append(db: Database, transactions: int, per: int) -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for t in range(transactions):
        with db.write() as conn:
            for i in range(per):
                add_audit(conn, AT, "bench", "bench.event", f"S{t}-{i}", {"i": i, "score": 41.5, "basis": "rule"})
    events = transactions * per
    return {
        "events": events,
        "cpu_us_per_event": round((time.process_time() - cpu) / events * 1e6, 1),
        "wall_us_per_event": round((time.perf_counter() - wall) / events * 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="rows to grow the chain to")
    parser.add_argument("--batch", type=int, default=1000, help="events per transaction while growing it")
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database or f"sqlite:///{Path(folder) / 'chain.db'}")
        db.migrate()
        result: dict[str, Any] = {"benchmark": "audit_chain", "database": db.dialect, "step_rows": STEP}
        result["append_empty"] = {"batched": _append(db, 20, args.batch), "single": _append(db, 200, 1)}
        _append(db, max(0, args.events // args.batch - 20), args.batch)
        result["append_full"] = {"batched": _append(db, 20, args.batch), "single": _append(db, 200, 1)}
        started = time.perf_counter()
        with snapshot(db) as conn:
            report = verify(conn)
        seconds = time.perf_counter() - started
        result["verify"] = {
            "ok": report.ok,
            "events": report.checked,
            "seconds": round(seconds, 2),
            "events_per_s": round(report.checked / seconds),
        }
        watch = ChainWatch(db, lambda: AT)
        started = time.perf_counter()
        watch.check()
        result["watch_step_ms"] = round((time.perf_counter() - started) * 1000, 1)
        db.dispose()
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()

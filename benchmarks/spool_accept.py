"""The accept path's CPU while the store is down, without HTTP or a load generator: filings spooled per CPU-second of
one process, and where its time goes. Prints one JSON object.

The app is called as ASGI directly (the same middleware, routes, dependencies and spool as `safelane serve`, not
uvicorn's HTTP parsing) by `--concurrency` requests at a time on one event loop, on a temporary SQLite store whose
write lock this process holds, so every filing is spooled. CPU is `time.process_time` (every thread of the
process: the event loop and the spool's writer), so the figure depends far less on the machine's load than a
rate in wall time. With `--profile`, cProfile's call count per filing and its top functions by own time follow
(the CPU figure is then cProfile's, not the code's).

    python benchmarks/spool_accept.py [--filings 3000] [--concurrency 32] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import platform
import pstats
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from spool import _filing  # the load benchmark's filing (this folder is on the path when run as a script)

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.system import build


async def _post(app: Any, key: str, body: bytes) -> int:
    """One POST /v1/filings through the ASGI app; returns the status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/filings",
        "raw_path": b"/v1/filings",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # nothing more: the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _run(app: Any, key: str, database: Path, filings: int, concurrency: int, profile: bool) -> dict:
    async with app.router.lifespan_context(app):
        assert await _post(app, key, _filing(0)) == 201  # the store is up: the key is confirmed
        lock = sqlite3.connect(database, timeout=30, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # the store is down for writers from here on
        assert await _post(app, key, _filing(1)) == 202  # the outage is noticed (one store timeout)
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
        statuses: list[int] = []
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        for start in range(2, filings + 2, concurrency):
            batch = range(start, min(start + concurrency, filings + 2))
            statuses += await asyncio.gather(*(_post(app, key, _filing(i)) for i in batch))
        if profiler:
            profiler.disable()
        cpu = time.process_time() - cpu
        lock.execute("ROLLBACK")
        lock.close()
    result: dict = {
        "spooled": statuses.count(202),
        "other": len(statuses) - statuses.count(202),
        "cpu_ms_per_filing": round(cpu / len(statuses) * 1000, 3),
        "filings_per_cpu_second": round(len(statuses) / cpu, 1),
    }
    if profiler:
        stats = pstats.Stats(profiler)
        result["python_calls_per_filing"] = round(stats.total_calls / len(statuses))  # type: ignore[attr-defined]
        top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
        result["top_own_time"] = [
            {"function": f"{Path(f).name}:{line}:{name}", "us_per_filing": round(own / len(statuses) * 1e6, 1)}
            for (f, line, name), (_, _, own, _, _) in top
        ]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="safelane-spool-accept-"))
    database = workdir / "store.db"
    settings = Settings(
        database_url=f"sqlite:///{database}", database_timeout=0.2, spool_dir=workdir / "spool", log_level="WARNING"
    )
    system = build(settings)
    with system.db.write() as conn:
        key = user_store.add(conn, "bench", "filer", at=datetime.now(UTC), filer="BENCH")
    result = asyncio.run(_run(create_app(system), key, database, args.filings, args.concurrency, args.profile))
    system.db.dispose()
    print(
        orjson.dumps(
            {
                "benchmark": "spool_accept",
                "python": platform.python_version(),
                "cores": os.cpu_count(),
                "filings": args.filings,
                "concurrency": args.concurrency,
                **result,
                "load_average": round(os.getloadavg()[0], 2),
            }
        ).decode()
    )
    return 0 if result["other"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Store-and-forward under load: filings accepted per second while the store is down, and how fast the spool drains
once it is back. Prints one JSON object.

`safelane serve` runs in a subprocess on a temporary SQLite store with a spool. After one filing (so the key
is known), this process takes an exclusive lock on the database, so every write of the server fails
("database is locked") the way a stalled PostgreSQL fails it: the server spools. Concurrent clients then
send single-consignment filings for `--seconds`; every 202 counts, and its latency from send to answer. The
lock is released and the time until every receipt is recorded gives the drain rate. The server's CPU
seconds per spooled filing come from /proc; the load generator's own CPU per filing is reported beside them,
since on a small shared machine the client competes with the server for the same cores: filings per server
CPU-second is the figure that says what one server process can take on a free core. With `--processes N`, N
`serve` processes spool into the one spool directory (a segment each), the clients are spread over them in
turn, and the server CPU is the sum over all of them.

    python benchmarks/spool.py [--seconds 10] [--clients 32] [--processes 1] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
from _load import wait_healthy  # this folder is on the path when the script is run

from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.system import build


def _filing(i: int) -> bytes:
    return orjson.dumps(
        {
            "document_number": f"SPOOL-{i}",
            "consignments": [
                {
                    "mode": "air",
                    "master_document": f"176-{10_000_000 + i}",
                    "consignor": {
                        "name": "Shenzhen Bright Toys Co Ltd",
                        "address": {"street": "12 Nanshan Rd", "city": "Shenzhen", "country": "CN"},
                    },
                    "consignee": {
                        "name": "Northwind Retail GmbH",
                        "address": {"street": "Hafenstrasse 3", "city": "Hamburg", "country": "DE"},
                    },
                    "goods": [{"description": "Plastic building blocks", "packages": 10, "gross_mass_kg": 120.5}],
                }
            ],
        }
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _load(bases: list[str], key: str, seconds: float, clients: int) -> tuple[int, int, list[float]]:
    """`clients` keep-alive connections (spread over the servers in turn), each sending the next filing as soon as
    the last is answered. Plain asyncio streams and hand-written HTTP/1.1: a full client library costs more CPU per
    request than the server spends spooling it, and both share the same cores here."""
    accepted, other, latencies = 0, 0, []
    stop = time.monotonic() + seconds
    counter = iter(range(1, 10**9))

    async def client(base: str) -> None:
        nonlocal accepted, other
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.monotonic() < stop:
                body = _filing(next(counter))
                head = (
                    f"POST /v1/filings HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                sent = time.perf_counter()
                writer.write(head.encode() + body)
                status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
                fields = (h.partition(b":") for h in lines)
                length = next(int(v) for n, _, v in fields if n.lower() == b"content-length")
                await reader.readexactly(length)
                if status_line.split()[1] == b"202":
                    accepted += 1
                    latencies.append(time.perf_counter() - sent)
                else:
                    other += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(bases[i % len(bases)]) for i in range(clients)))
    return accepted, other, latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="safelane-spool-"))
    database = workdir / "store.db"
    url = f"sqlite:///{database}"
    system = build(Settings(database_url=url))
    with system.db.write() as conn:
        key = user_store.add(conn, "bench", "filer", at=datetime.now(UTC), filer="BENCH")
    system.db.dispose()
    env = os.environ | {
        "SAFELANE_DATABASE_URL": url,
        "SAFELANE_SPOOL_DIR": str(workdir / "spool"),
        "SAFELANE_DATABASE_TIMEOUT": "0.2",
        "SAFELANE_LOG_LEVEL": "WARNING",
    }
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - open for the server's lifetime
    ports = [_free_port() for _ in range(args.processes)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "safelane.cli.main", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, server in zip(bases, servers, strict=True):
            wait_healthy(base, server)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        for base in bases:  # the same filing to each (a replay after the first), so every server knows the key
            assert httpx.post(f"{base}/v1/filings", content=_filing(0), headers=headers).status_code in (200, 201)
        lock = sqlite3.connect(database, timeout=30, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # the store is down for writers from here on
        cpu_before = sum(_cpu_seconds(server.pid) for server in servers)
        client_before = time.process_time()
        started = time.perf_counter()
        accepted, other, latencies = asyncio.run(_load(bases, key, args.seconds, args.clients))
        elapsed = time.perf_counter() - started
        cpu = sum(_cpu_seconds(server.pid) for server in servers) - cpu_before
        client_cpu = time.process_time() - client_before
        lock.execute("ROLLBACK")  # the store is back
        lock.close()
        drain_start = time.perf_counter()
        check = sqlite3.connect(database, timeout=30)
        while check.execute("SELECT count(*) FROM receipts").fetchone()[0] < accepted:
            if time.perf_counter() - drain_start > 600:
                raise RuntimeError("the spool did not drain within 10 minutes")
            time.sleep(0.2)
        drained = time.perf_counter() - drain_start
        stored = check.execute("SELECT count(*) FROM filings").fetchone()[0]
        check.close()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        log.close()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        orjson.dumps(
            {
                "benchmark": "spool",
                "python": platform.python_version(),
                "cpu": platform.machine(),
                "cores": os.cpu_count(),
                "clients": args.clients,
                "processes": args.processes,
                "seconds": round(elapsed, 2),
                "spooled": accepted,
                "not_spooled": other,
                "spooled_per_second": round(accepted / elapsed, 1),
                "latency_ms": {
                    "p50": round(_percentile(latencies, 0.5) * 1000, 2),
                    "p99": round(_percentile(latencies, 0.99) * 1000, 2),
                },
                "server_cpu_ms_per_filing": round(cpu / max(accepted, 1) * 1000, 3),
                "server_filings_per_cpu_second": round(accepted / cpu, 1) if cpu else None,
                "client_cpu_ms_per_filing": round(client_cpu / max(accepted, 1) * 1000, 3),
                "load_average": round(os.getloadavg()[0], 2),
                "drain_seconds": round(drained, 2),
                "drained_per_second": round(accepted / drained, 1) if drained else None,
                "stored_after_drain": stored,
            }
        ).decode()
    )
    return 0 if stored == accepted + 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())

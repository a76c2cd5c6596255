"""Stream mode's scaling over 1, 2 and 4 workers on PostgreSQL. Prints one JSON object.

For each worker count: a fresh PostgreSQL schema with 200 active profiles, a JetStream server of its own
(`nats-server -js` on a temporary folder, so its CPU can be read), `safelane serve --stream` and N
`safelane worker` processes. The demo day's filings are posted to the API (16 at a time); the benchmark
subscribes to `safelane.decisions.>` and records when each consignment's decision event arrives.

- consignments_per_s: consignments decided, from the first POST to the last decision event.
- latency_ms: per filing, from its `202` (JetStream holds it) to its last consignment's decision event
  (worker fetch, assess, decide, group commit, outbox, relay).
- --drain: the workers are stopped (SIGSTOP) while every filing is posted, then continued: consignments_per_s
  is then the workers' own rate (the API and this client no longer share the cores with them), latency counts
  from the continue, and the workers' CPU from then on.
- same_decisions (with --compare): every consignment's decision (referral or channel, outcome, selection,
  inspection, finding codes) against the same filings through the single-process pipeline.
- cpu_ms_per_consignment: user + system CPU of each component over the run, from /proc: the API node,
  the workers together, nats-server, every PostgreSQL process of the machine (including other tenants'
  work and backends of other databases: an upper bound), and this client.

    python benchmarks/scale.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test \
        [--consignments 5000] [--workers 1,2,4] [--batch 200] [--profiles 200] [--seed 7] [--drain] [--compare]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from throughput import profile_texts, store_profiles

DAY = date(2026, 11, 20)
TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_KEY = "scale-benchmark-key"
ANSWER_WITHIN = 30.0  # seconds for the API to answer one POST; longer is a failure, not a slow run
FILER = "bench-filer"  # the API key's filer, which the single-process comparison files as too


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _postgres_cpu() -> float:
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            total += _cpu(int(stat.parent.name))
    return total


def _wait(check, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"not within {limit} s: {what}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Schema:
    """A fresh schema on the PostgreSQL server, with the profiles active and a filer key."""

    def __init__(self, postgres: str, texts: list[str]):
        from safelane.settings import Settings
        from safelane.store import users as user_store
        from safelane.system import build

        self.name = f"scale_{uuid.uuid4().hex[:10]}"
        self.admin = sa.create_engine(postgres)
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {self.name}")
        url = sa.make_url(postgres).update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = url.render_as_string(hide_password=False)
        system = build(Settings(database_url=self.url))
        store_profiles(system.db, texts)
        with system.db.write() as conn:
            self.key = user_store.add(conn, FILER, "filer", at=datetime(2026, 11, 20, tzinfo=UTC))
        system.db.dispose()

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {self.name} CASCADE")
        self.admin.dispose()


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "safelane.cli.main", *args],
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Filer:
    """One filer's keep-alive HTTP/1.1 connection, written by hand: httpx cost this client more CPU per filing
    (2.2 ms) than the API node spent accepting it (1 ms), and both share the cores with the workers here."""

    def __init__(self, base: str, key: str, retried: list[int]):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.retried = host, int(port), retried
        self.head = f"POST /v1/filings HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """Post, and post again on a new connection if it dropped, as a filer would: the API takes a filing once."""
        for attempt in range(5):
            try:
                if self.streams is None:
                    self.streams = await asyncio.open_connection(self.host, self.port)
                reader, writer = self.streams
                async with asyncio.timeout(ANSWER_WITHIN):
                    return await self._exchange(reader, writer, body)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                self.close()
                if attempt == 4:
                    raise
                self.retried.append(1)
                await asyncio.sleep(0.5)
        raise AssertionError("unreachable")

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes
    ) -> tuple[int, bytes]:
        writer.write(f"{self.head}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        writer.write(body)
        status, *lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        fields = dict((n.strip().lower(), v.strip()) for n, _, v in (h.partition(b":") for h in lines if h))
        answer = await reader.readexactly(int(fields[b"content-length"]))
        if fields.get(b"connection") == b"close":
            self.close()
        return int(status.split()[1]), answer

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _drive(
    base: str, key: str, filings: list[dict], nats_url: str, limit: float, pool: list[subprocess.Popen], drain: bool
) -> dict[str, Any]:
    """Post every filing and collect decision events; times per document number. With `drain` the workers are
    stopped (SIGSTOP) while the filings are posted and continued afterwards: the workers' own throughput."""
    import nats

    expected = sum(len(f["consignments"]) for f in filings)
    size = {f["document_number"]: len(f["consignments"]) for f in filings}
    seen: dict[str, int] = {}
    decided: dict[str, float] = {}
    done = asyncio.Event()
    count = 0

    async def on_event(message) -> None:
        nonlocal count
        data = orjson.loads(message.data)["data"]
        document = data["document_number"]
        seen[document] = seen.get(document, 0) + 1
        if seen[document] == size.get(document):
            decided[document] = time.perf_counter()
            if len(decided) == len(size):  # every filing complete, whatever duplicates arrived
                done.set()
        count += 1

    nc = await nats.connect(nats_url)
    await nc.subscribe("safelane.decisions.>", cb=on_event)
    acknowledged: dict[str, float] = {}
    pending = asyncio.Queue()
    for filing in filings:
        pending.put_nowait(filing)
    retried: list[int] = []

    async def poster() -> None:
        filer = _Filer(base, key, retried)
        try:
            while not pending.empty():
                filing = pending.get_nowait()
                status, answer = await filer.post(orjson.dumps(filing))
                if status != 202:
                    raise SystemExit(f"POST answered {status}: {answer[:300].decode(errors='replace')}")
                acknowledged[filing["document_number"]] = time.perf_counter()
        finally:
            filer.close()

    if drain:
        for worker in pool:
            worker.send_signal(signal.SIGSTOP)
    started = time.perf_counter()
    await asyncio.gather(*(poster() for _ in range(16)))
    posted = time.perf_counter()
    post_s = posted - started
    workers_cpu = sum(_cpu(w.pid) for w in pool)
    if drain:
        started = time.perf_counter()  # the workers' clock: from the moment they may take the queued filings
        for worker in pool:
            worker.send_signal(signal.SIGCONT)
    try:
        await asyncio.wait_for(done.wait(), timeout=limit)
    except TimeoutError:
        raise SystemExit(f"only {count} of {expected} decision events within {limit} s") from None
    finished = time.perf_counter()
    await asyncio.sleep(2.0)  # a duplicate published late would still be counted
    # Core NATS subscribers see every publish, JetStream consumers the stream, which keeps a relayed event once
    info = await nc.jetstream().stream_info("SAFELANE_EVENTS", subjects_filter="safelane.decisions.>")
    in_stream = sum((info.state.subjects or {}).values())
    await nc.close()
    latencies = sorted((decided[d] - acknowledged[d]) * 1000 for d in decided if d in acknowledged)
    if drain:
        latencies = sorted((decided[d] - started) * 1000 for d in decided)  # from the workers' start
    return {
        "workers_cpu_at_start": workers_cpu,
        "consignments": expected,
        "filings": len(filings),
        "post_s": round(post_s, 2),
        "wall_s": round(finished - started, 2),
        "posts_retried": len(retried),
        "events": {
            "received": count,
            "duplicated": sum(max(0, n - size[d]) for d, n in seen.items()),
            "in_stream": in_stream,
        },
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "p99": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
        },
    }


def _stored(url: str) -> dict[str, int]:
    """What PostgreSQL holds after the run, to show nothing was lost or decided twice: one current consignment
    row and one decision per consignment posted (the demo day has no amendments)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM consignments WHERE current),"
                " (SELECT count(*) FROM decisions), (SELECT count(DISTINCT consignment_id) FROM decisions)"
            ).one()
    finally:
        engine.dispose()
    filings, consignments, decisions, decided = row
    return {
        "filings": filings,
        "consignments": consignments,
        "decisions": decisions,
        "consignments_decided": decided,
        "decided_twice": decisions - decided,
    }


def decisions_of(url: str) -> dict[str, tuple]:
    """Each consignment's current decision as the comparison reads it: referral or channel, outcome, selection,
    inspection and the finding codes that caused it."""
    from safelane.store.schema import decisions

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(decisions).where(decisions.c.current.is_(True))).mappings().all()
    finally:
        engine.dispose()
    return {
        r["consignment_id"]: (
            r["answer"],
            r["outcome"],
            r["selection"],
            r["inspection"],
            tuple(sorted(f["code"] for f in r["reasons"])),
        )
        for r in rows
    }


def single_process(postgres: str, texts: list[str], filings: list[dict], batch: int) -> dict[str, tuple]:
    """The same filings through the embedded pipeline in this process (batches of `batch` messages, as a worker
    forwards them), on a schema of its own with the same profiles, sample key and SAFELANE_* options as the
    workers (they inherit this environment): the decisions to match."""
    from safelane.settings import Settings
    from safelane.system import build

    schema = Schema(postgres, texts)
    try:
        options = {k: v for k, v in os.environ.items() if k.startswith("SAFELANE_")}
        system = build(Settings(database_url=schema.url, sample_key=SAMPLE_KEY.encode(), options=options))
        for start in range(0, len(filings), batch):
            messages = []
            for filing in filings[start : start + batch]:
                body = orjson.dumps(filing)
                parsed = system.pipeline.parse(body, filer=FILER, actor=FILER)
                messages.append((parsed, FILER, body if len(parsed) == 1 else None))
            failed = [o for o in system.pipeline.submit_each(messages) if isinstance(o, BaseException)]
            if failed:
                raise SystemExit(f"the single process failed on a filing: {failed[0]!r}")
        system.db.dispose()
        return decisions_of(schema.url)
    finally:
        schema.drop()


def compare(expected: dict[str, tuple], got: dict[str, tuple]) -> dict[str, Any]:
    """Per consignment: the same decision in stream mode as in the single process? A few differences shown."""
    differ = sorted(c for c in expected.keys() | got.keys() if expected.get(c) != got.get(c))
    return {
        "consignments": len(expected),
        "different": len(differ),
        "identical": not differ,
        "examples": [{"consignment": c, "single": expected.get(c), "stream": got.get(c)} for c in differ[:5]],
    }


def run(
    args: argparse.Namespace, workers: int, texts: list[str], filings: list[dict], expected: dict[str, tuple] | None
) -> dict[str, Any]:
    server = shutil.which("nats-server")
    if not server:
        raise SystemExit("nats-server is not on PATH")
    schema = Schema(args.postgres, texts)
    storage = Path(tempfile.mkdtemp(prefix="safelane-scale-"))
    nats_port, api_port = _free_port(), _free_port()
    nats_url = f"nats://127.0.0.1:{nats_port}"
    nats_server = subprocess.Popen(
        [server, "-js", "-sd", str(storage), "-a", "127.0.0.1", "-p", str(nats_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        "SAFELANE_DATABASE_URL": schema.url,
        "SAFELANE_NATS_URL": nats_url,
        "SAFELANE_SAMPLE_KEY": SAMPLE_KEY,
        "SAFELANE_STREAM_ACK_WAIT": "600",  # a stopped worker's fetched batch must not be handed on meanwhile
    }
    processes: list[subprocess.Popen] = []
    try:
        _wait(lambda: _answers(nats_port), "nats-server answers")
        api = _start(["serve", "--stream", "--port", str(api_port)], env)
        processes.append(api)
        _wait(lambda: _answers(api_port), "serve --stream answers")
        pool = [_start(["worker", "--batch", str(args.batch)], env) for _ in range(workers)]
        processes += pool
        time.sleep(3.0)  # the workers import, build and subscribe before the clock starts
        before = {
            "api": _cpu(api.pid),
            "workers": sum(_cpu(w.pid) for w in pool),
            "nats": _cpu(nats_server.pid),
            "postgres": _postgres_cpu(),
            "client": time.process_time(),
        }
        base = f"http://127.0.0.1:{api_port}"
        result = asyncio.run(_drive(base, schema.key, filings, nats_url, args.limit, pool, args.drain))
        after = {
            "api": _cpu(api.pid),
            "workers": sum(_cpu(w.pid) for w in pool),
            "nats": _cpu(nats_server.pid),
            "postgres": _postgres_cpu(),
            "client": time.process_time(),
        }
        result["stored"] = _stored(schema.url)
        if expected is not None:
            result["same_decisions"] = compare(expected, decisions_of(schema.url))
    finally:
        for process in processes:
            _stop(process)
        nats_server.terminate()
        nats_server.wait(timeout=10)
        shutil.rmtree(storage, ignore_errors=True)
        schema.drop()
    if args.drain:  # the workers' CPU from their continue: the API's posting is not theirs
        before["workers"] = result.pop("workers_cpu_at_start")
    else:
        result.pop("workers_cpu_at_start")
    cpu = {k: round(after[k] - before[k], 2) for k in before}
    n = result["consignments"]
    result["consignments_per_s"] = round(n / result["wall_s"], 1)
    stored = result["stored"]
    result["nothing_lost_nothing_twice"] = (
        stored["consignments"] == stored["consignments_decided"] == n
        and stored["decided_twice"] == 0
        and result["events"]["in_stream"] == n
    )
    result["cpu_s"] = cpu
    result["cpu_ms_per_consignment"] = {k: round(v * 1000 / n, 3) for k, v in cpu.items()}
    result["cpu_ms_per_consignment_safelane"] = round(
        sum(cpu[k] for k in ("api", "workers", "nats", "postgres")) * 1000 / n, 3
    )
    return {"workers": workers, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", required=True, help="SQLAlchemy URL of a PostgreSQL database to use")
    parser.add_argument("--consignments", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=float, default=600.0, help="seconds to wait for the last decision")
    parser.add_argument("--drain", action="store_true", help="queue everything first, then time the workers")
    parser.add_argument(
        "--compare", action="store_true", help="check every decision against the single process (same filings)"
    )
    args = parser.parse_args()
    from safelane.demo import generate

    filings = generate(DAY, args.consignments, args.seed).filings
    texts = profile_texts(args.profiles, args.seed)
    expected = single_process(args.postgres, texts, filings, args.batch) if args.compare else None
    runs = [run(args, int(w), texts, filings, expected) for w in args.workers.split(",")]
    one = runs[0]["consignments_per_s"]
    print(
        json.dumps(
            {
                "benchmark": "scale",
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "shared": True},
                "consignments": runs[0]["consignments"],
                "batch": args.batch,
                "mode": "drain" if args.drain else "live",
                "profiles": args.profiles,
                "runs": runs,
                "speedup_vs_one_worker": {r["workers"]: round(r["consignments_per_s"] / one, 2) for r in runs},
            }
        )
    )


if __name__ == "__main__":
    main()

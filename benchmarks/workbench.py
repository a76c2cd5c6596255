"""Time the officer workbench's pages over N stored consignments, printed as one JSON object.

    python benchmarks/workbench.py --consignments 100000 [--repeat 10] [--database URL [--fresh-schema] [--analyze]]

The store (a temporary SQLite file unless --database names an empty one; with --fresh-schema a new PostgreSQL
schema, dropped afterwards) is set up as `safelane demo` sets it up: the demo profiles active, the demo offices'
capacity and the demo watch list; then one generated demo day of N consignments goes through the real pipeline,
and the demo's simulated inspections record outcomes and seizures on part of the controls. An officer with no
office (who sees every office: the largest queue) signs in through POST /signin on the real app, served by
uvicorn in a thread; httpx then requests each page once to warm up and `--repeat` times measured, one after
another on one keep-alive connection. Reported per page: p50 and max in ms and the response size; beside them
the open queue rows, the load time and rate, the peak RSS of this process (server and client
together; the generated day dominates it) and its RSS before and at most during the pages.
"""

import argparse
import gc
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
import uvicorn
from _load import demo_traffic, load_average, machine

from safelane.cases import queue as case_queue
from safelane.cli.common import settings
from safelane.cli.demo import load_profiles, set_offices
from safelane.cli.lists import DEMO_LIST, import_file
from safelane.demo.inspections import Inspectors
from safelane.service.app import create_app
from safelane.store import users as user_store
from safelane.store.schema import decision_reasons, decisions
from safelane.system import System, build

OFFICER, PASSWORD = "bench-officer", "bench-password-1"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new schema bench_<random> on the PostgreSQL server at `url`, as the search path; dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def rss_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, from /proc (Linux); None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def reset_peak_rss() -> None:
    """Start VmHWM again from the current RSS, so the pages' own peak is seen apart from the load's."""
    gc.collect()
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def load(system: System, consignments: int, seed: int) -> dict[str, Any]:
    """The demo's set-up, its traffic through the pipeline, its inspections, and the benchmark's officer."""
    assert system.db is not None
    load_profiles(system)
    set_offices(system)
    import_file(system.db, Path(str(DEMO_LIST)), "ftm", "demo", actor="demo")
    day = demo_traffic(system, consignments, seed)
    now = datetime.now(UTC)
    found = Inspectors([day.traffic], seed).inspect(system.db, now=now)
    with system.db.write() as conn:
        user_store.add(conn, OFFICER, "officer", at=now, actor="bench")
        user_store.set_password(conn, OFFICER, PASSWORD, at=now, actor="bench")
    return {
        "day": day.day.isoformat(),
        "generate_seconds": round(day.generate_seconds, 1),
        "load_seconds": round(day.submit_seconds, 1),
        "consignments_per_second": round(consignments / day.submit_seconds),
        "inspections": dict(sorted(found.items())),
    }


def subjects(system: System, party: str) -> dict[str, Any]:
    """What the pages are asked about: the consignment with most reasons behind its decision, the queue's size."""
    assert system.db is not None
    now = datetime.now(UTC)
    scope = case_queue.Scope(OFFICER)
    reasons = sa.func.count(decision_reasons.c.code)
    with system.db.read() as conn:
        consignment_id, count = conn.execute(
            sa.select(decisions.c.consignment_id, reasons)
            .join(decision_reasons, decision_reasons.c.decision_id == decisions.c.decision_id)
            .where(decisions.c.current.is_(True))
            .group_by(decisions.c.consignment_id)
            .order_by(reasons.desc(), decisions.c.consignment_id)
            .limit(1)
        ).one()
        open_rows = case_queue.open_cases(conn, case_queue.Filters(), scope, now=now, per_page=1).total
        with_party = case_queue.open_cases(conn, case_queue.Filters(party=party), scope, now=now, per_page=1).total
        by_outcome = dict(
            conn.execute(
                sa.select(decisions.c.outcome, sa.func.count())
                .where(
                    decisions.c.current.is_(True),
                    decisions.c.state != "closed",
                    decisions.c.outcome.in_(case_queue.NEEDS_OFFICER),
                )
                .group_by(decisions.c.outcome)
            ).all()
        )
    return {
        "consignment": consignment_id,
        "consignment_reasons": count,
        "open_queue_rows": open_rows,
        "open_by_outcome": dict(sorted(by_outcome.items())),
        "open_rows_with_party": with_party,
    }


@contextmanager
def served(system: System) -> Iterator[str]:
    """The real app on uvicorn (as `safelane serve` runs it) in a thread, on a free loopback port."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(system), host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=600)
    response = client.post("/signin", data={"name": OFFICER, "password": PASSWORD})
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:200]}")
    return client


def time_pages(client: httpx.Client, pages: dict[str, str], repeat: int) -> dict[str, Any]:
    results = {}
    for name, path in pages.items():
        times = []
        for attempt in range(repeat + 1):  # the first is a warm-up
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")
            if attempt:
                times.append(elapsed * 1000)
        results[name] = {
            "path": path,
            "p50_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "bytes": len(response.content),
        }
    return results


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    chosen = replace(settings(url), sample_key=f"safelane-demo-{args.seed}".encode())  # the demo's random sample
    system = build(chosen)
    assert system.db is not None
    try:
        loaded = load(system, args.consignments, args.seed)
        if args.analyze and system.db.engine.dialect.name == "postgresql":
            with system.db.write() as conn:
                conn.exec_driver_sql("ANALYZE")
        load_peak = peak_rss_mb()  # read before the reset, which may lower getrusage's figure too
        reset_peak_rss()
        before_pages = rss_mb("VmRSS")
        asked = subjects(system, args.party)
        pages = {
            "queue": "/queue",
            "queue_party": f"/queue?party={args.party}",
            "queue_deadline": "/queue?sort=deadline",
            "queue_csv": "/queue?format=csv",
            "consignment": f"/consignments/{asked['consignment']}",
            "dashboard": "/dashboard",
            "profiles": "/profiles",
            "backtest": f"/profiles/{args.profile}/backtest",
            "seizures": "/seizures",
            "offices": "/offices",
        }
        with served(system) as base:
            client = signed_in(base)
            try:
                timed = time_pages(client, pages, args.repeat)
            finally:
                client.close()
        return {
            "benchmark": "workbench",
            "backend": system.db.engine.dialect.name,
            "consignments": args.consignments,
            "seed": args.seed,
            "repeat": args.repeat,
            "analyzed": args.analyze,
            **loaded,
            **asked,
            "pages": timed,
            "peak_rss_mb": max(load_peak, peak_rss_mb()),
            "rss_mb": {"before_pages": before_pages, "peak_during_pages": rss_mb("VmHWM")},
        }
    finally:
        system.db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consignments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--party", default="trading", help="the queue's party filter (a common name part)")
    parser.add_argument("--profile", default="SEA-TEXTILE-UNDERVALUE", help="the demo profile to backtest")
    parser.add_argument("--database", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--fresh-schema",
        action="store_true",
        help="PostgreSQL: work in a new schema bench_<random> of --database, dropped afterwards",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="PostgreSQL: ANALYZE after the load, as autovacuum would within minutes of it",
    )
    args = parser.parse_args(argv)
    load_start = load_average()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database or f"sqlite:///{Path(workdir) / 'workbench.db'}"
        if args.fresh_schema:
            with fresh_schema(url) as scoped:
                result = run(scoped, args)
        else:
            result = run(url, args)
    result["machine"] = machine(load_start)
    sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()

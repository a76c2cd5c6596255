"""What the stream-mode tests share: a fresh PostgreSQL schema, JetStream streams emptied, and safelane processes
started as an operator would (`serve --stream`, `worker`), each bounded by WAIT."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import orjson
import sqlalchemy as sa

from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.system import build
from tests.conftest import POSTGRES_URL

NATS_URL = os.environ.get("SAFELANE_TEST_NATS_URL", "nats://127.0.0.1:4222")
SAMPLE_KEY = "stream-test-key"  # every worker draws the random sample with the same key
WAIT = 60.0  # a bound on each wait, not a measurement


def nats_answers(url: str = NATS_URL) -> bool:
    host, port = url.removeprefix("nats://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


async def purge(url: str = NATS_URL) -> None:
    """Each test starts from empty streams and no consumer (the server is shared with other runs)."""
    import nats
    from nats.js.errors import NotFoundError

    from safelane.stream import subjects

    nc = await nats.connect(url)
    js = nc.jetstream()
    for name in (subjects.FILINGS, subjects.DEAD, subjects.EVENTS):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)
    await nc.close()


async def events(url: str = NATS_URL, subject: str = "safelane.decisions.>") -> list[dict]:
    import nats

    from safelane.stream import subjects

    nc = await nats.connect(url)
    js = nc.jetstream()
    subscription = await js.pull_subscribe(subject, stream=subjects.EVENTS)
    found: list[dict] = []
    while True:
        try:
            batch = await subscription.fetch(500, timeout=1)
        except Exception:
            break
        for message in batch:
            found.append(orjson.loads(message.data) | {"_subject": message.subject})
            await message.ack()
    await nc.close()
    return found


class Store:
    def __init__(self) -> None:
        assert POSTGRES_URL
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin = sa.create_engine(POSTGRES_URL)
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {self.schema}")
        url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={self.schema}"})
        self.url = url.render_as_string(hide_password=False)
        system = build(Settings(database_url=self.url))
        with system.db.write() as conn:
            self.key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
        system.db.dispose()

    def count(self, table: sa.Table) -> int:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"SET search_path TO {self.schema}")
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {self.schema} CASCADE")
        self.admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {WAIT} s: {what}")


def start(store: Store, *args: str, nats_url: str = NATS_URL, database_url: str | None = None) -> subprocess.Popen:
    env = os.environ | {
        "SAFELANE_DATABASE_URL": database_url or store.url,
        "SAFELANE_NATS_URL": nats_url,
        "SAFELANE_STREAM_ACK_WAIT": "3",
        "SAFELANE_SAMPLE_KEY": SAMPLE_KEY,  # a killed worker's batch is handed on after 3 s
    }
    return subprocess.Popen(
        [sys.executable, "-m", "safelane.cli.main", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr:
        process.stderr.close()


@contextlib.contextmanager
def serving(store: Store, nats_url: str = NATS_URL) -> Iterator[str]:
    """`safelane serve --stream` on a free port, until it answers; yields its base URL."""
    port = free_port()
    server = start(store, "serve", "--stream", "--port", str(port), nats_url=nats_url)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{base}/metrics", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        until(up, "serve --stream answers")
        yield base
    finally:
        stop(server)

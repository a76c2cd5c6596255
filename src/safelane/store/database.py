"""Engine set-up and migrations: a SQLite file by default, PostgreSQL when the URL says so.

SQLite runs in WAL mode with synchronous=FULL, so a committed filing survives a power cut: a
filing is acknowledged only after its transaction commits. Writers take the lock up front
(BEGIN IMMEDIATE) so concurrent API requests queue instead of failing on a lock upgrade.

PostgreSQL is reached over a network that can stall: a frozen server keeps its connections open and
answers nothing. Every wait on it is bounded by `timeout` seconds (connecting, each statement on the
server, each wait for an answer here, a free connection from the pool), so a request fails with
`sa.exc.OperationalError` or `sa.exc.TimeoutError` (answered 503) instead of hanging for the whole outage;
the broken connection is dropped and the next request connects afresh when the server is back.
"""

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
import psycopg
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from safelane.store import audit_chain

# What a store that refuses, stalls or has no free connection raises: an outage, not a defect (503 or the spool).
OUTAGES: tuple[type[Exception], ...] = (sa.exc.OperationalError, sa.exc.TimeoutError, sa.exc.InterfaceError)


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


DEFAULT_TIMEOUT = 10.0  # seconds; SAFELANE_DATABASE_TIMEOUT


class _BoundedConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends after `answer_within` seconds."""

    answer_within: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = timeout if timeout is not None else self.answer_within
        started = time.monotonic()
        try:
            return super().wait(gen, interval, limit)
        except psycopg.OperationalError:
            if limit is None or time.monotonic() - started < limit:
                raise
            self.close()  # a half-read answer cannot be resumed; the pool drops the closed connection
            raise psycopg.OperationalError(f"the database did not answer within {limit:g} s") from None


def _bounded_connect(timeout: float) -> Callable[..., psycopg.Connection]:
    def connect(dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]) -> psycopg.Connection:
        cparams.setdefault("connect_timeout", max(1, math.ceil(timeout)))  # libpq counts whole seconds
        cparams["options"] = f"-c statement_timeout={int(timeout * 1000)} {cparams.get('options', '')}".strip()
        connection = _BoundedConnection.connect(*cargs, **cparams)
        connection.answer_within = timeout + 1  # the server's own statement timeout speaks first
        return connection

    return connect


class Database:
    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT, *, outbox: bool = False):
        self.url = url
        self.outbox = outbox  # write events to the outbox for a relay (stream mode; safelane.store.outbox)
        self.dialect = sa.make_url(url).get_backend_name()
        options: dict = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
        if self.dialect == "sqlite":
            database = sa.make_url(url).database
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            options["connect_args"] = {"check_same_thread": False, "timeout": timeout}
        else:
            options["pool_pre_ping"] = True
            options["pool_timeout"] = timeout  # waiting for a free connection while others are stuck
        self.engine = sa.create_engine(url, **options)
        if self.dialect == "postgresql":
            sa.event.listen(self.engine, "do_connect", _bounded_connect(timeout))
        self._writer: AbstractContextManager = threading.Lock() if self.dialect == "sqlite" else nullcontext()
        if self.dialect == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_connect(timeout))
            sa.event.listen(self.engine, "begin", _sqlite_begin)

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction that commits on leaving the block, or leaves nothing behind.

        SQLite has one writer at a time; threads of this process queue on a lock instead of
        polling SQLite's busy handler, which sleeps in steps and turns contention into latency.
        Audit and decision events written in the block join the hash chain as it commits.
        """
        with self._writer, self.engine.connect() as connection:
            connection = connection.execution_options(safelane_write=True, safelane_outbox=self.outbox)
            audit_chain.begin(connection)
            try:
                with connection.begin():
                    yield connection
                    audit_chain.flush(connection)  # last: the chain's head is locked only until the commit
            finally:
                audit_chain.end(connection)

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        config = Config()
        config.set_main_option("script_location", str(files("safelane.store") / "migrations"))
        with self.engine.begin() as connection, _unhurried(connection):
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # features may add independent branches of revisions

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _unhurried(connection: sa.Connection) -> Iterator[None]:
    """No timeout for a migration, which may rewrite large tables (PostgreSQL; SQLite has none to lift)."""
    raw = connection.connection.dbapi_connection
    if not isinstance(raw, _BoundedConnection):
        yield
        return
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    patience, raw.answer_within = raw.answer_within, None
    try:
        yield
    finally:
        raw.answer_within = patience


def _sqlite_connect(timeout: float) -> Callable[[Any, Any], None]:
    """Set up each SQLite connection; a lock held by another process is waited for `timeout` seconds, like
    PostgreSQL's statement timeout, so a stuck writer elsewhere gives a 503 (or the spool), not a hang."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.close()

    return connect


def _sqlite_begin(connection: sa.Connection) -> None:
    write = connection.get_execution_options().get("safelane_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

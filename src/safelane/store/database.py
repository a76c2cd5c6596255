"""Engine set-up and migrations: a SQLite file by default, PostgreSQL when the URL says so.

SQLite runs in WAL mode with synchronous=FULL, so a committed filing survives a power cut: a
filing is acknowledged only after its transaction commits. Writers take the lock up front
(BEGIN IMMEDIATE) so concurrent API requests queue instead of failing on a lock upgrade.
"""

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.resources import files
from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


class Database:
    def __init__(self, url: str):
        self.url = url
        self.dialect = sa.make_url(url).get_backend_name()
        options: dict = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
        if self.dialect == "sqlite":
            database = sa.make_url(url).database
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            options["pool_pre_ping"] = True
        self.engine = sa.create_engine(url, **options)
        self._writer: AbstractContextManager = threading.Lock() if self.dialect == "sqlite" else nullcontext()
        if self.dialect == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_connect)
            sa.event.listen(self.engine, "begin", _sqlite_begin)

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction that commits on leaving the block, or leaves nothing behind.

        SQLite has one writer at a time; threads of this process queue on a lock instead of
        polling SQLite's busy handler, which sleeps in steps and turns contention into latency.
        """
        with self._writer, self.engine.connect() as connection:
            connection = connection.execution_options(safelane_write=True)
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        config = Config()
        config.set_main_option("script_location", str(files("safelane.store") / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # features may add independent branches of revisions

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    write = connection.get_execution_options().get("safelane_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

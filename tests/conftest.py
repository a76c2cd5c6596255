"""Shared fixtures: a store on SQLite always, and on PostgreSQL when SAFELANE_TEST_POSTGRES_URL is set."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from safelane.store import Database

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("SAFELANE_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


def _postgres_database() -> Iterator[Database]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    assert POSTGRES_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database(url.render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL of an empty, migrated database on each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'safelane.db'}")
        db.migrate()
        db.dispose()
        yield db.url
    else:
        for db in _postgres_database():
            db.migrate()
            yield db.url


@pytest.fixture
def db(database_url) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


class Clock:
    """A settable clock: tests decide what time it is."""

    def __init__(self, now: datetime = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


DEMO_PROFILES = Path(__file__).parents[1] / "src" / "safelane" / "demo" / "profiles"


@pytest.fixture
def system(database_url, clock):
    """The real system on a test database, with the demo profiles active and a settable clock."""
    from safelane.settings import Settings
    from safelane.store import profiles as profile_store
    from safelane.system import build

    built = build(Settings(database_url=database_url))
    assert built.db is not None
    with built.db.write() as conn:
        for path in sorted(DEMO_PROFILES.glob("*.yaml")):
            profile_store.save(conn, path.read_text(), actor="test", at=clock.now, origin=path.name, activate=True)
    built.profiles.refresh()
    built.pipeline.clock = clock
    yield built
    built.db.dispose()

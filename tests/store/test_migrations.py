"""The migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from safelane.store import Database
from safelane.store.schema import metadata


def test_migrated_schema_matches_the_declared_one(database_url):
    db = Database(database_url)
    db.migrate()  # a second run changes nothing
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    db.dispose()
    assert diff == []


def test_sqlite_is_durable_and_in_wal_mode(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def _upgrade(db: Database, revision: str) -> None:
    from importlib.resources import files

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("safelane.store") / "migrations"))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_the_workbench_migration_fills_in_decisions_stored_before_it(database_url):
    """A store from before 0005 keeps its decisions usable: score, office, selection and deadline filled in."""
    import sqlalchemy as sa

    db = Database(database_url)
    with db.engine.begin() as conn:  # the test database is migrated to the head: start again from 0004
        for table in reversed(metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    _upgrade(db, "0004")
    at = "2026-11-20 08:00:00"
    data = '{"itinerary": {"departure_at": "2026-11-20T12:00:00+02:00", "place_of_unloading": "DEFRA"}}'
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO filings VALUES ('F1', 'ACME', 'D1', 'pre_loading', 'active', 1, :t, :t)"),
                     {"t": at})
        conn.execute(sa.text("INSERT INTO filing_versions (version_id, filing_id, version, message_type, received_at,"
                             " filed_at, content_hash, filing) VALUES ('V1', 'F1', 1, 'json', :t, :t, 'h', '{}')"),
                     {"t": at})
        conn.execute(sa.text("INSERT INTO consignments VALUES ('R1', 'C1', 'V1', 'F1', 1, 0, :y, 'H1', 'ACME',"
                             " 'pre_loading', 'air', 'DEFRA', :t, :d)"), {"t": at, "d": data, "y": True})
        conn.execute(sa.text("INSERT INTO assessments VALUES ('A1', 'R1', :t, 72.5, '[]', '{}')"), {"t": at})
        conn.execute(sa.text("INSERT INTO decisions (decision_id, row_id, assessment_id, consignment_id, filer, answer,"
                             " outcome, state, current, basis, reasons, random, decided_at, updated_at) VALUES"
                             " ('D1', 'R1', 'A1', 'C1', 'ACME', 'referral', 'RFS', 'open', :y, 'b', '[]', :y, :t, :t)"),
                     {"t": at, "y": True})
    db.migrate()
    with db.read() as conn:
        row = conn.execute(sa.text("SELECT score, office, selection FROM decisions")).one()
        deadline = conn.execute(sa.select(metadata.tables["decisions"].c.deadline)).scalar_one()
    db.dispose()
    assert tuple(row) == (72.5, "DEFRA", "random")
    assert deadline.isoformat() == "2026-11-20T10:00:00+00:00"

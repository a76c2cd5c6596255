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
        conn.execute(
            sa.text("INSERT INTO filings VALUES ('F1', 'ACME', 'D1', 'pre_loading', 'active', 1, :t, :t)"), {"t": at}
        )
        conn.execute(
            sa.text(
                "INSERT INTO filing_versions (version_id, filing_id, version, message_type, received_at,"
                " filed_at, content_hash, filing) VALUES ('V1', 'F1', 1, 'json', :t, :t, 'h', '{}')"
            ),
            {"t": at},
        )
        conn.execute(
            sa.text(
                "INSERT INTO consignments VALUES ('R1', 'C1', 'V1', 'F1', 1, 0, :y, 'H1', 'ACME',"
                " 'pre_loading', 'air', 'DEFRA', :t, :d)"
            ),
            {"t": at, "d": data, "y": True},
        )
        conn.execute(sa.text("INSERT INTO assessments VALUES ('A1', 'R1', :t, 72.5, '[]', '{}')"), {"t": at})
        conn.execute(
            sa.text(
                "INSERT INTO decisions (decision_id, row_id, assessment_id, consignment_id, filer, answer,"
                " outcome, state, current, basis, reasons, random, decided_at, updated_at) VALUES"
                " ('D1', 'R1', 'A1', 'C1', 'ACME', 'referral', 'RFS', 'open', :y, 'b', '[]', :y, :t, :t)"
            ),
            {"t": at, "y": True},
        )
    db.migrate()
    with db.read() as conn:
        row = conn.execute(sa.text("SELECT score, office, selection FROM decisions")).one()
        deadline = conn.execute(sa.select(metadata.tables["decisions"].c.deadline)).scalar_one()
    db.dispose()
    assert tuple(row) == (72.5, "DEFRA", "random")
    assert deadline.isoformat() == "2026-11-20T10:00:00+00:00"


def _store_at_0005(db: Database) -> None:
    import sqlalchemy as sa

    with db.engine.begin() as conn:  # the test database is migrated to the head: start again from 0005
        for table in reversed(metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    _upgrade(db, "0005")


def test_the_id_migration_splits_consignments_whose_old_ids_collided(database_url):
    """Two consignments that shared an old id (the U+001F join) get their own ids, and so does what hangs on them."""
    import sqlalchemy as sa

    from safelane.ids import consignment_id

    db = Database(database_url)
    _store_at_0005(db)
    t = {"t": "2026-11-20 08:00:00", "y": True}
    with db.engine.begin() as conn:
        for n, (document, reference) in enumerate([("176-1111111\x1fX", "Y"), ("176-1111111", "X\x1fY")], 1):
            conn.execute(
                sa.text(f"INSERT INTO filings VALUES ('F{n}', 'ACME', :doc, 'pre_loading', 'active', 1, :t, :t)"),
                {**t, "doc": document},
            )
            conn.execute(
                sa.text(
                    f"INSERT INTO filing_versions (version_id, filing_id, version, message_type,"
                    f" received_at, filed_at, content_hash, filing) VALUES ('V{n}', 'F{n}', 1, 'json', :t,"
                    " :t, 'h', '{}')"
                ),
                t,
            )
            conn.execute(
                sa.text(
                    f"INSERT INTO consignments VALUES ('R{n}', 'COLD', 'V{n}', 'F{n}', 1, 0, :y, :ref,"
                    " 'ACME', 'pre_loading', 'air', 'DEFRA', :t, '{}')"
                ),
                {**t, "ref": reference},
            )
            conn.execute(sa.text(f"INSERT INTO assessments VALUES ('A{n}', 'R{n}', :t, 90, '[]', '{{}}')"), t)
            conn.execute(
                sa.text(
                    f"INSERT INTO decisions (decision_id, row_id, assessment_id, consignment_id, filer,"
                    " answer, outcome, state, current, basis, reasons, random, decided_at, updated_at)"
                    f" VALUES ('D{n}', 'R{n}', 'A{n}', 'COLD', 'ACME', 'referral', 'DNL', 'open', :y, 'b',"
                    " '[]', :y, :t, :t)"
                ),
                t,
            )
        conn.execute(
            sa.text(
                "INSERT INTO inspection_outcomes (outcome_id, row_id, consignment_id, method, result,"
                " recorded_at, recorded_by, decision_id) VALUES ('O2', 'R2', 'COLD', 'physical',"
                " 'seizure', :t, 'officer', 'D2')"
            ),
            t,
        )
        conn.execute(
            sa.text(
                "INSERT INTO seizures (seizure_id, outcome_id, consignment_id, commodity, quantity, unit,"
                " concealment, detection, offence, recorded_at, recorded_by) VALUES ('S2', 'O2', 'COLD',"
                " 'cocaine', 1.0, 'kg', 'in goods', 'physical', 'smuggling', :t, 'officer')"
            ),
            t,
        )
        conn.execute(
            sa.text(
                "INSERT INTO case_notes (note_id, consignment_id, decision_id, kind, text, at, actor)"
                " VALUES ('N1', 'COLD', 'D1', 'note', 'seen', :t, 'officer')"
            ),
            t,
        )
        conn.execute(
            sa.text(
                "INSERT INTO audit_events (event_id, at, actor, action, subject) VALUES"
                " ('U1', :t, 'officer', 'case.note', 'COLD')"
            ),
            t,
        )
    db.migrate()
    first, second = consignment_id("ACME", "176-1111111\x1fX", "Y"), consignment_id("ACME", "176-1111111", "X\x1fY")
    with db.read() as conn:

        def ids(query: str) -> list[str]:
            return list(conn.execute(sa.text(query)).scalars())

        consignment_ids = ids("SELECT consignment_id FROM consignments ORDER BY row_id")
        decision_ids = ids("SELECT consignment_id FROM decisions ORDER BY decision_id")
        outcome_ids = ids("SELECT consignment_id FROM inspection_outcomes")
        seizure_ids = ids("SELECT consignment_id FROM seizures")
        note_ids = ids("SELECT consignment_id FROM case_notes")
        subjects = ids("SELECT subject FROM audit_events")
    db.dispose()
    assert consignment_ids == [first, second]
    assert decision_ids == [first, second]
    assert outcome_ids == [second]
    assert seizure_ids == [second]
    assert note_ids == [first]  # follows the decision it is about
    assert subjects == [first]  # follows the old id (the first row that held it)

"""Migration 0007 chains the events stored before it, in the order they happened (SQLite and PostgreSQL)."""

from importlib.resources import files

from alembic import command
from alembic.config import Config

from safelane.store.audit_verify import snapshot, verify
from tests.store.test_audit_chain import events, populate


def _alembic(db, action, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("safelane.store") / "migrations"))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def test_events_from_before_the_chain_are_chained_by_the_migration(system, clock):
    populate(system, clock)
    before = events(system.db)
    system.db.dispose()
    _alembic(system.db, command.downgrade, "0006_consignment_ids")  # the store as it was: no chain columns
    _alembic(system.db, command.upgrade, "heads")
    after = events(system.db)
    assert {r["event_id"] for r in after} == {r["event_id"] for r in before}
    assert [r["seq"] for r in after] == list(range(1, len(before) + 1))
    assert [(r["at"], r["table"] != "decision_events", r["event_id"]) for r in after] == sorted(
        (r["at"], r["table"] != "decision_events", r["event_id"]) for r in before
    )
    with snapshot(system.db) as conn:
        report = verify(conn)
    assert report.ok, report.problem
    assert report.head.seq == len(before)

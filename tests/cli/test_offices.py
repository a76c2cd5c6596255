"""`safelane offices` against a real database: set changes only what it is given, and is audited."""

from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import Database
from safelane.store import users as user_store
from safelane.store.schema import audit_events

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_set_show_list_and_refusals(database_url):
    db = Database(database_url)
    with db.write() as conn:
        user_store.add(conn, "sven", "supervisor", at=datetime.now(UTC))
        user_store.add(conn, "olga", "officer", at=datetime.now(UTC))
    url = ["--database", database_url]
    first = run("offices", "set", "NLRTM", "--physical", "20", "--nii", "5", "--by", "sven", *url)
    assert first.exit_code == 0, first.output
    second = run("offices", "set", "NLRTM", "--documentary", "40", "--random-rate", "0.02", *url)
    assert orjson.loads(second.stdout)["settings"] == {
        "capacity": {"documentary": 40, "nii": 5, "physical": 20},
        "random_rate": 0.02,
        "explore_rate": 0.05,
        "random_inspection": "physical",
    }
    assert run("offices", "set", "NLRTM", "--unlimited", "nii", *url).exit_code == 0
    shown = orjson.loads(run("offices", "show", "NLRTM", *url).stdout)
    assert shown["source"] == "office"
    assert shown["settings"]["capacity"] == {"documentary": 40, "physical": 20}
    assert orjson.loads(run("offices", "show", "DEHAM", *url).stdout)["source"] == "built-in"
    listed = [orjson.loads(line) for line in run("offices", "list", "--json", *url).stdout.splitlines()]
    assert [(row["office"], row["changed_by"]) for row in listed] == [("NLRTM", "cli")]

    bad = run("offices", "set", "NLRTM", "--physical", "-1", "--random-rate", "3", *url)
    assert bad.exit_code == 2
    assert {p["location"] for p in orjson.loads(bad.stderr)["problems"]} == {"--physical", "--random-rate"}
    officer = run("offices", "set", "NLRTM", "--physical", "1", "--by", "olga", *url)
    assert officer.exit_code == 2
    assert "not an active supervisor or admin" in officer.stderr
    with db.read() as conn:
        actors = (
            conn.execute(
                sa.select(audit_events.c.actor)
                .where(audit_events.c.action == "office.settings_changed")
                .order_by(audit_events.c.event_id)
            )
            .scalars()
            .all()
        )
    db.dispose()
    assert actors == ["sven", "cli", "cli"]

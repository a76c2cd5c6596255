"""`safelane traders import|show|status` against a real database: what each did, and where; refusals located."""

from datetime import UTC, datetime

import orjson
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import Database
from safelane.store import users as user_store

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_import_show_and_status(database_url, tmp_path, register_text):
    db = Database(database_url)
    db.migrate()
    with db.write() as conn:
        user_store.add(conn, "sven", "supervisor", at=datetime.now(UTC))
        user_store.add(conn, "olga", "officer", at=datetime.now(UTC))
    db.dispose()
    url = ["--database", database_url]
    path = tmp_path / "register.csv"
    path.write_text(register_text, encoding="utf-8")
    first = run("traders", "import", str(path), "--by", "sven", *url)
    assert first.exit_code == 0, first.output
    report = orjson.loads(first.stdout)
    assert report["imported"] == str(path)
    assert report["operators"]["added"] == 5
    assert "database" in report
    again = orjson.loads(run("traders", "import", str(path), *url).stdout)
    assert again["status_changes"] == 0

    shown = run("traders", "show", "northwind", *url)
    assert shown.exit_code == 0, shown.output
    (northwind,) = [orjson.loads(line) for line in shown.stdout.splitlines()]
    assert northwind["identifiers"][0] == {"scheme": "AEO", "value": "DEAEOS123"}
    authorisation = northwind["authorisations"][0]["authorisation_id"]

    refused = run("traders", "status", authorisation, "suspended", "--reason", "audit", "--by", "olga", *url)
    assert refused.exit_code == 2
    assert "not an active supervisor" in refused.stderr
    changed = run(
        "traders", "status", authorisation, "suspended", "--reason", "audit findings", "--effective", "2026-11-25",
        "--by", "sven", *url,
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    result = orjson.loads(changed.stdout)
    assert result["history"][-1]["reason"] == "audit findings"
    assert result["history"][-1]["effective_at"] == "2026-11-25T00:00:00+00:00"
    assert result["by"] == "sven"


def test_a_bad_file_is_refused_with_located_problems(database_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,country,programme,type,status,effective\nX,DE,EU-AEO,AEOS,certfied,2020-01-01\n")
    result = run("traders", "import", str(path), "--database", database_url)
    assert result.exit_code == 2
    problem = orjson.loads(result.stderr)["problems"][0]
    assert problem["location"] == "bad.csv:2 column status"


def test_show_says_where_it_looked_when_nothing_matches(database_url):
    result = run("traders", "show", "nobody", "--database", database_url)
    assert result.exit_code == 1
    assert "no operator matches 'nobody'" in result.stderr

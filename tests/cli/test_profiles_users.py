"""`safelane profiles` and `safelane users` against a real database file."""

import shutil
from datetime import UTC, datetime

import orjson
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import Database
from safelane.store import users as user_store
from tests.conftest import DEMO_PROFILES
from tests.factories import air_consignment, filing, sea_consignment

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_validate_reports_located_errors(tmp_path):
    assert run("profiles", "validate", str(DEMO_PROFILES)).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DEMO_PROFILES / "air-toner-yemen.yaml").read_text().replace('hs_prefix: ["8443"]', 'hs_prefix: ["84x3"]')
    )
    result = run("profiles", "validate", str(bad))
    assert result.exit_code == 2
    [problem] = orjson.loads(result.stderr)["problems"]
    assert problem["location"] == f"{bad}:14 when.hs_prefix[0]"


def test_import_activate_list_and_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert run("profiles", "import", str(DEMO_PROFILES), "--database", url).exit_code == 0
    again = run("profiles", "import", str(DEMO_PROFILES), "--database", url)
    assert {orjson.loads(line)["result"] for line in again.stdout.splitlines()} == {"unchanged"}
    changed = tmp_path / "p.yaml"
    changed.write_text((DEMO_PROFILES / "air-toner-yemen.yaml").read_text().replace("score: 90", "score: 95"))
    refused = run("profiles", "import", str(changed), "--database", url)
    assert refused.exit_code == 2
    assert "raise the version" in refused.stderr
    changed.write_text(changed.read_text().replace("version: 1", "version: 2"))
    assert run("profiles", "import", str(changed), "--activate", "--database", url).exit_code == 0
    listing = [orjson.loads(line) for line in run("profiles", "list", "--json", "--database", url).stdout.splitlines()]
    toner = {(r["version"], r["status"]) for r in listing if r["profile_id"] == "AIR-TONER-YE"}
    assert toner == {(1, "draft"), (2, "active")}
    assert run("profiles", "activate", "AIR-TONER-YE", "1", "--database", url).exit_code == 0
    listing = [orjson.loads(line) for line in run("profiles", "list", "--json", "--database", url).stdout.splitlines()]
    assert {(r["version"], r["status"]) for r in listing if r["profile_id"] == "AIR-TONER-YE"} == {
        (1, "active"),
        (2, "inactive"),
    }
    assert run("profiles", "activate", "NOPE", "1", "--database", url).exit_code == 1


def test_backtest_counts_hits_by_day_before_activation(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    history = [
        filing(
            sea_consignment(master_document=f"B{i}"),
            document_number=f"S{i}",
            filed_at=f"2026-11-{18 + i % 2}T10:00:00Z",
        )
        for i in range(6)
    ] + [filing(air_consignment(), document_number="A1", filed_at="2026-11-19T10:00:00Z")]
    path = tmp_path / "history.json"
    path.write_bytes(orjson.dumps(history))
    empty = tmp_path / "none"
    empty.mkdir()
    stored = run("assess", str(path), "--store", "--database", url, "--filer", "ACME", "--profiles", str(empty))
    assert stored.exit_code == 0, stored.output
    candidate = tmp_path / "bananas.yaml"
    shutil.copy(DEMO_PROFILES / "sea-bananas-cocaine.yaml", candidate)
    result = run("profiles", "backtest", str(candidate), "--json", "--database", url)
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert (report["consignments"], report["hits"]) == (7, 6)
    assert report["by_day"] == [
        {"day": "2026-11-18", "consignments": 3, "hits": 3},
        {"day": "2026-11-19", "consignments": 4, "hits": 3},
    ]
    table = run("profiles", "backtest", str(candidate), "--database", url)
    assert "6 hits in 7 consignments" in table.stdout


def test_users_add_prints_a_working_key_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = run("users", "add", "anna", "--role", "officer", "--office", "DEHAM1", "--database", url)
    assert result.exit_code == 0, result.output
    key = orjson.loads(result.stdout)["api_key"]
    db = Database(url)
    with db.read() as conn:
        user = user_store.by_key(conn, key)
        assert user["role"] == "officer"
        assert user["office"] == "DEHAM1"
        assert user_store.by_key(conn, key + "x") is None
        assert key not in str(conn.exec_driver_sql("select * from users").all())
    db.dispose()
    assert run("users", "add", "anna", "--role", "officer", "--database", url).exit_code == 2
    assert run("users", "add", "bob", "--role", "king", "--database", url).exit_code == 2
    with Database(url).write() as conn:
        filer_key = user_store.add(conn, "fwd", "filer", at=datetime.now(UTC))
        assert user_store.by_key(conn, filer_key)["filer"] == "fwd"


def test_users_add_says_which_database_it_wrote(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = run("users", "add", "anna", "--role", "officer", "--database", url)
    assert f"written to sqlite:///{tmp_path / 'db.sqlite'}" in " ".join(result.stderr.split())

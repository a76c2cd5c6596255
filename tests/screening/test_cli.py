"""`safelane lists import/show/demo` and `safelane screen` against a real database."""

import orjson
import pytest
from typer.testing import CliRunner

from safelane.cli.main import app
from tests.screening.conftest import LISTS

runner = CliRunner()


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("SAFELANE_DATABASE_URL", database_url)

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def lines(output: str) -> list[dict]:
    return [orjson.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_import_show_and_screen(run, tmp_path):
    result = run("lists", "import", str(LISTS / "ofac_sdn" / "sdn.csv"), "--source", "ofac-sdn")
    assert result.exit_code == 0, result.output
    [imported] = lines(result.stdout)
    assert (imported["list"], imported["version"], imported["added"]) == ("ofac-sdn", 1, 6)
    assert imported["rescreen"]["new_hits"] == 0
    shown = run("lists", "show", "--json")
    assert [row["list_name"] for row in lines(shown.stdout)] == ["ofac-sdn"]
    [answer] = lines(run("screen", "Banco Nacional de Cuba", "--country", "CH").stdout)
    assert answer["hits"][0]["entry"] == "ofac-sdn-306"
    assert answer["hits"][0]["why"]["country"] == "agrees"
    [vessel_only] = lines(run("screen", "Banco Nacional de Cuba", "--schema", "Vessel").stdout)
    assert vessel_only["hits"] == []
    batch = tmp_path / "parties.csv"
    batch.write_text("name,country,schema\nAerocaribbean Airlines,CU,\nJohn Nobody,GB,Person\n")
    answers = lines(run("screen", "--batch", str(batch)).stdout)
    assert [len(a["hits"]) > 0 for a in answers] == [True, False]


def test_demo_list_and_unreadable_file(run, tmp_path):
    result = run("lists", "demo")
    assert result.exit_code == 0
    assert lines(result.stdout)[0]["entries"] == 17
    [answer] = lines(run("screen", "Falcon Star General Trading LLC").stdout)
    assert answer["hits"][0]["entry"] == "demo-nk-falcon-star"
    bad = tmp_path / "bad.xml"
    bad.write_text("<nothing/>")
    failed = run("lists", "import", str(bad), "--source", "un-xml")
    assert failed.exit_code == 2
    assert "list_unreadable" in failed.stderr

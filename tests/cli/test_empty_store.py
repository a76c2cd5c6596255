"""An empty store says so: `screen` with no watch lists and `assess` with no active profiles note it on stderr
(their answers alone would look like a clean name and a green channel)."""

import orjson
from typer.testing import CliRunner

from safelane.cli.main import app
from tests.conftest import DEMO_PROFILES
from tests.factories import filing, sea_consignment

runner = CliRunner()


def test_screen_without_lists_says_none_are_loaded(tmp_path) -> None:
    result = runner.invoke(
        app, ["screen", "Banco Nacional de Cuba", "--database", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["hits"] == []
    assert "no watch lists loaded" in result.stderr


def test_assess_without_active_profiles_says_so(tmp_path) -> None:
    result = runner.invoke(
        app,
        ["assess", "--database", f"sqlite:///{tmp_path / 'db.sqlite'}"],
        input=orjson.dumps(filing(sea_consignment())),
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["channel"] == "green"
    assert "no active profiles" in result.stderr


def test_assess_with_profiles_adds_no_note(tmp_path) -> None:
    result = runner.invoke(
        app, ["assess", "--profiles", str(DEMO_PROFILES)], input=orjson.dumps(filing(sea_consignment()))
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""

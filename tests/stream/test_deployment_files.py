"""The shipped service definitions run commands this CLI has, with options it accepts (they cannot drift)."""

import configparser
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from safelane.cli.main import app

DEPLOY = Path(__file__).parents[2] / "deploy"


def _accepted(argv: list[str]) -> bool:
    """`safelane ARGS --help` exits 0 only when every option given exists (typer refuses unknown ones first)."""
    result = CliRunner().invoke(app, [*argv, "--help"])
    return result.exit_code == 0


def _systemd_commands() -> list[list[str]]:
    found = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(unit)
        assert parser.has_section("Unit") and parser.has_section("Install"), unit.name
        found.append(shlex.split(parser["Service"]["ExecStart"])[1:])
    return found


def _compose_commands() -> list[list[str]]:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    return [s["command"][1:] for s in services.values() if s.get("command", [None])[0] == "safelane"]


def test_there_are_units_for_the_api_and_the_workers() -> None:
    assert sorted(argv[0] for argv in _systemd_commands()) == ["serve", "worker"]
    assert sorted(argv[0] for argv in _compose_commands()) == ["serve", "worker"]


@pytest.mark.parametrize("argv", _systemd_commands() + _compose_commands(), ids=" ".join)
def test_each_service_runs_a_command_the_cli_accepts(argv: list[str]) -> None:
    assert _accepted(argv), argv


def test_the_example_environment_names_only_settings_safelane_reads() -> None:
    from tests.test_docs import _settings

    names = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "safelane.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert names and set(names) <= set(_settings())

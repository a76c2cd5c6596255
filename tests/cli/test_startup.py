"""`safelane --help` and `--version` load no command module: none of the heavy libraries is imported."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from safelane import __version__
from safelane.cli.main import COMMANDS, app
from safelane.risk.model.registry import DEFAULT_NAME

PROBE = (
    "import sys; from safelane.cli.main import app; sys.argv = ['safelane', *sys.argv[1:]]\n"
    "try:\n    app()\nexcept SystemExit:\n    pass\n"
    "heavy = ('sqlalchemy', 'lightgbm', 'followthemoney', 'fastapi', 'uvicorn', 'numpy', 'lxml', 'rigour')\n"
    "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
)


def _heavy(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    return done.stderr.strip().splitlines()[-1]


def test_help_imports_no_heavy_library():
    assert _heavy("--help") == "[]"


def test_version_imports_no_heavy_library():
    assert _heavy("--version") == "[]"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_help_imports_no_heavy_library(name: str):
    assert _heavy(name, "--help") == "[]"


def test_the_lists_commands_source_names_are_the_readers():
    from safelane.cli.lists import SOURCE_NAMES
    from safelane.screening.sources import SOURCES

    assert tuple(SOURCES) == SOURCE_NAMES


def test_version_is_printed():
    result = CliRunner().invoke(app, ["--version"])
    assert result.output.strip() == f"safelane {__version__}"


def test_help_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    assert all(name in result.output for name in COMMANDS)


def test_every_listed_command_loads():
    for name in COMMANDS:
        assert CliRunner().invoke(app, [name, "--help"]).exit_code == 0, name


def test_the_model_commands_default_name_is_the_registrys():
    from safelane.cli.model import DEFAULT_NAME as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_NAME

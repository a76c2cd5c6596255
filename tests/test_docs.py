"""The documentation names every setting the code reads and every command the CLI has (datasette's test_docs is
the model): a new SAFELANE_* variable or a new command fails here until README.md or docs/*.md mention it."""

import re
from pathlib import Path

import pytest
import typer
import typer.main
from typer.core import TyperGroup

from safelane.cli.main import app

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "src" / "safelane"
SETTING = re.compile(r"\bSAFELANE_[A-Z0-9_]+\b")


def _docs() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))])


def _settings() -> list[str]:
    """Every SAFELANE_* name in the product's code (settings.py and anything that still reads the environment)."""
    return sorted({name for path in SOURCE.rglob("*.py") for name in SETTING.findall(path.read_text(encoding="utf-8"))})


def _commands(group: TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words typed after `safelane` (asked as click asks: the top level loads
    its commands only when they are used)."""
    context = typer.Context(group)
    found = []
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        found.append((*path, name))
        if isinstance(command, TyperGroup):
            found += _commands(command, (*path, name))
    return found


DOCS = _docs()
COMMANDS = _commands(typer.main.get_group(app))


def test_the_code_reads_settings_and_the_cli_has_commands() -> None:
    """The collectors below find something: a broken pattern must not pass every check vacuously."""
    assert "SAFELANE_DATABASE_URL" in _settings()
    assert ("profiles", "validate") in COMMANDS


@pytest.mark.parametrize("setting", _settings())
def test_every_setting_is_documented(setting: str) -> None:
    assert setting in DOCS, f"{setting} is read in src/ but README.md and docs/*.md do not mention it"


def documented(words: tuple[str, ...]) -> bool:
    """`safelane a` is documented where the docs say `safelane a`; `safelane a b` where a line says `safelane a`
    and, after it, has `b` as a word of its own (as in the README's `safelane profiles list | activate ID VERSION`)."""
    *group, name = words
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    if not group:
        return re.search(rf"\bsafelane {word.pattern}", DOCS) is not None
    prefix = " ".join(("safelane", *group))
    return any(word.search(line.split(prefix, 1)[1]) for line in DOCS.splitlines() if prefix in line)


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_is_documented(words: tuple[str, ...]) -> None:
    assert documented(words), f"`safelane {' '.join(words)}` is not in README.md or docs/*.md"


def test_an_undocumented_command_is_found() -> None:
    assert not documented(("profiles", "no-such-subcommand"))
    assert not documented(("no-such-command",))

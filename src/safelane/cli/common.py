"""Helpers every command shares: settings with CLI overrides, JSON output, error exits.

Imported by every command module, so it imports nothing heavy at the top: `safelane X --help` stays fast.
"""

import sys
from typing import TYPE_CHECKING, Any

import orjson
import typer

if TYPE_CHECKING:
    from safelane.domain import Problem
    from safelane.settings import Settings
    from safelane.store import Database

DatabaseOption = typer.Option(
    None,
    "--database",
    envvar="SAFELANE_DATABASE_URL",
    help="SQLAlchemy URL; a SQLite file safelane.db in this folder by default",
)


def settings(database: str | None = None) -> "Settings":
    from safelane.settings import Settings

    return Settings.from_env(database_url=database)


def open_store(database: str | None) -> "Database":
    """The database the command works on, migrated to the newest schema."""
    from safelane.store import Database

    db = Database(settings(database).database_url)
    db.migrate()
    return db


def emit(obj: Any) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode() + "\n")


def fail(problems: list["Problem"], *, source: str | None = None, code: int = 2) -> None:
    """Print a machine-readable list of located problems on stderr and exit non-zero."""
    report: dict[str, Any] = {"problems": [p.as_dict() for p in problems]}
    if source:
        report["source"] = source
    sys.stderr.write(orjson.dumps(report).decode() + "\n")
    raise typer.Exit(code)

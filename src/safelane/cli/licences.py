"""`safelane licences`: load the licences and permits granted for strategic goods, and list them.

The strategic goods assessor checks a licence reference a filing declares against this table once it holds
any licence (docs/strategic-goods.md). A file is checked whole before anything is written.
"""

from datetime import UTC, datetime
from pathlib import Path

import typer

from safelane.cli.common import DatabaseOption, emit, open_store

app = typer.Typer(help="Licences and permits for strategic goods, checked against the references filings declare.")


@app.command("load")
def load(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV: reference, list, holder, valid_from, ..."),
    replace: bool = typer.Option(False, "--replace", help="The file becomes the whole table (others are removed)."),
    database: str | None = DatabaseOption,
) -> None:
    """Add the file's licences (a reference given again replaces the stored one); prints the counts as JSON."""
    from safelane.reference.strategic import shipped
    from safelane.risk.strategic.licences import LicenceFileError, parse_csv
    from safelane.store import licences as licence_store

    try:
        found = parse_csv(path.read_text(encoding="utf-8-sig"), shipped().lists, path.name)
    except LicenceFileError as error:
        typer.echo(f"error: {error}; nothing was loaded", err=True)
        raise typer.Exit(2) from None
    with open_store(database).write() as conn:
        counts = licence_store.load(conn, found, source=path.name, actor="cli", at=datetime.now(UTC), replace=replace)
    emit({"file": path.name, **counts})


@app.command("list")
def list_(database: str | None = DatabaseOption) -> None:
    """Every stored licence, one JSON line each."""
    from safelane.store import licences as licence_store

    with open_store(database).read() as conn:
        for licence in licence_store.all_licences(conn):
            emit(licence.as_dict())

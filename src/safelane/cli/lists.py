"""`safelane lists`: import watch lists as versions, show what is in force, load the packaged demo list."""

from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from safelane.cli.common import DatabaseOption, emit, fail, open_store, settings

if TYPE_CHECKING:
    from safelane.store import Database

DEMO_LIST = files("safelane.screening") / "demo_list" / "demo.ftm.jsonl"
# The names of `screening.sources.SOURCES` (a test keeps them equal): that module imports followthemoney,
# which `safelane lists --help` must not pay for.
SOURCE_NAMES = ("un-xml", "ofac-sdn", "ofac-cons", "bis-dpl", "ftm", "csv")

app = typer.Typer(help="Watch lists: sanctions and national lists for screening every party.")
console = Console(stderr=True)


def import_file(db: "Database", path: Path, source: str, list_name: str | None, *, actor: str, days: int = 30) -> dict:
    """Read, store as a new version, then re-screen open consignments on what the version added or changed."""
    from safelane.screening.rescreen import rescreen, screener_from_store
    from safelane.screening.sources import read
    from safelane.store import lists as list_store

    name, entities = read(path, source, list_name)
    at = datetime.now(UTC)
    with db.write() as conn:
        result = list_store.import_version(
            conn, name, source, path.name, [e.to_dict() for e in entities], actor=actor, at=at
        )
    report = result.as_dict()
    changed = [(name, entity_id) for entity_id in result.added + result.changed]
    if changed:
        screened = rescreen(
            db, screener_from_store(db), changed, at=at, policy=settings().screening, days=days, actor=actor
        )
        report["rescreen"] = screened.as_dict()
    return report


@app.command("import")
def import_(
    path: Path = typer.Argument(..., exists=True, dir_okay=False),
    source: str = typer.Option(..., "--source", help=" | ".join(SOURCE_NAMES)),
    list_name: str | None = typer.Option(None, "--list", help="list name (default: by source or file)"),
    days: int = typer.Option(30, "--days", help="re-screen consignments filed in the last N days"),
    actor: str = typer.Option("cli", "--actor"),
    database: str | None = DatabaseOption,
) -> None:
    """Import one list file as the list's next version (a re-import of the same content changes nothing)."""
    from safelane.domain import Problem
    from safelane.screening.sources import SourceError

    try:
        emit(import_file(open_store(database), path, source, list_name, actor=actor, days=days))
    except SourceError as error:
        fail([Problem(str(path), "list_unreadable", str(error))])


@app.command()
def demo(actor: str = typer.Option("cli", "--actor"), database: str | None = DatabaseOption) -> None:
    """Import the small demo list packaged with safelane (real UN/OFAC entries and marked fictitious ones)."""
    emit(import_file(open_store(database), Path(str(DEMO_LIST)), "ftm", "demo", actor=actor))


@app.command()
def show(
    list_name: str | None = typer.Argument(None, help="one list's version history"),
    json: bool = typer.Option(False, "--json"),
    database: str | None = DatabaseOption,
) -> None:
    """The lists in force (newest version of each), or one list's versions with their changes."""
    from safelane.store import lists as list_store

    with open_store(database).read() as conn:
        rows = list_store.history(conn, list_name) if list_name else list_store.summary(conn)
    if json:
        for row in rows:
            emit({**row, "imported_at": row["imported_at"].isoformat()})
        return
    table = Table("list", "version", "source", "entries", "added", "changed", "removed", "imported", "file")
    for r in rows:
        table.add_row(
            r["list_name"],
            str(r["version"]),
            r["source"],
            str(r["entries"]),
            str(r["added"]),
            str(r["changed"]),
            str(r["removed"]),
            r["imported_at"].strftime("%Y-%m-%d %H:%M"),
            r["file_name"],
        )
    Console().print(table)

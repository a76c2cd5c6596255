"""`safelane profiles`: list, validate, import, activate, deactivate and backtest risk profiles."""

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from safelane.cli.common import DatabaseOption, emit, fail, open_store

app = typer.Typer(help="Risk profiles: targeting rules in YAML, versioned and backtested before activation.")
console = Console(stderr=True)


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
    return found


@app.command("list")
def list_(database: str | None = DatabaseOption, json: bool = typer.Option(False, "--json")) -> None:
    """Every stored profile version and its status."""
    from safelane.store import profiles as profile_store

    with open_store(database).read() as conn:
        rows = profile_store.listing(conn)
    if json:
        for row in rows:
            emit({**row, "changed_at": row["changed_at"].isoformat()})
        return
    table = Table("id", "version", "status", "owner", "title")
    for row in rows:
        table.add_row(row["profile_id"], str(row["version"]), row["status"], row["owner"], row["title"])
    Console().print(table)


@app.command()
def validate(paths: list[Path] = typer.Argument(..., exists=True)) -> None:
    """Check profile files (or folders of them); every error names its file, line and field."""
    from safelane.risk.profiles import ProfileError, load_file, load_folder

    problems = []
    for path in paths:
        try:
            profiles = load_folder(path) if path.is_dir() else [load_file(path)]
        except ProfileError as error:
            problems += error.problems
            continue
        for p in profiles:
            emit({"file": str(path), "id": p.id, "version": p.version, "valid": True})
    if problems:
        fail(problems)


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., exists=True),
    activate: bool = typer.Option(False, "--activate", help="activate each imported version"),
    actor: str = typer.Option("cli", "--actor"),
    database: str | None = DatabaseOption,
) -> None:
    """Store profile files as versions (drafts unless --activate); all or nothing."""
    from safelane.risk.profiles import ProfileError
    from safelane.store import profiles as profile_store

    db, at = open_store(database), datetime.now(UTC)
    try:
        with db.write() as conn:
            for path in _files(paths):
                profile, outcome = profile_store.save(
                    conn, path.read_text(encoding="utf-8"), actor=actor, at=at, origin=str(path), activate=activate
                )
                emit(
                    {
                        "id": profile.id,
                        "version": profile.version,
                        "result": outcome,
                        "status": "active" if activate else None,
                    }
                )
    except ProfileError as error:
        fail(error.problems)


def _set(profile_id: str, version: int, status: str, actor: str, database: str | None) -> None:
    from safelane.store import profiles as profile_store

    db = open_store(database)
    try:
        with db.write() as conn:
            profile_store.set_status(conn, profile_id, version, status, actor=actor, at=datetime.now(UTC))
    except LookupError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    emit({"id": profile_id, "version": version, "status": status})


@app.command()
def activate(
    profile_id: str, version: int, actor: str = typer.Option("cli", "--actor"), database: str | None = DatabaseOption
) -> None:
    """Put a stored version in force (other versions of the same profile go inactive)."""
    _set(profile_id, version, "active", actor, database)


@app.command()
def deactivate(
    profile_id: str, version: int, actor: str = typer.Option("cli", "--actor"), database: str | None = DatabaseOption
) -> None:
    _set(profile_id, version, "inactive", actor, database)


@app.command()
def backtest(
    profile: str = typer.Argument(..., help="a profile file, or the id of a stored profile"),
    version: int | None = typer.Option(None, "--version", help="stored version (default: newest)"),
    json: bool = typer.Option(False, "--json", help="print one JSON object instead of a table"),
    database: str | None = DatabaseOption,
) -> None:
    """How many stored consignments the profile would have hit, by day, before anyone activates it."""
    from safelane.risk.profiles import ProfileError, load_file, load_text
    from safelane.risk.profiles.backtest import backtest as run_backtest
    from safelane.risk.profiles.backtest import scope
    from safelane.store import profiles as profile_store
    from safelane.store.filings import stored_lodgements, stored_per_day

    db = open_store(database)
    try:
        if Path(profile).is_file():
            candidate = load_file(Path(profile))
        else:
            with db.read() as conn:
                source = profile_store.source_of(conn, profile, version)
            if source is None:
                console.print(f"[red]no stored profile {profile}[/red]")
                raise typer.Exit(1)
            candidate = load_text(source, profile)
    except ProfileError as error:
        fail(error.problems)
    with db.read() as conn:
        hit_scope = scope(candidate)
        lodgements = stored_lodgements(conn, modes=hit_scope["modes"], kinds=hit_scope["kinds"])
        report = run_backtest(candidate, lodgements, per_day=stored_per_day(conn))
    if json:
        emit(report.as_dict())
        return
    table = Table("day", "consignments", "hits", "hit share")
    for day, (total, hits) in sorted(report.by_day.items()):
        table.add_row(day.isoformat(), str(total), str(hits), f"{hits / total:.2%}" if total else "-")
    out = Console()
    out.print(f"{candidate.id} v{candidate.version}: {report.hits} hits in {report.consignments} consignments")
    out.print(table)

"""`safelane traders`: import the register, show operators, change an authorisation's status.

Whoever runs the CLI holds the database, so it acts as an admin; `--by NAME` records a supervisor or admin
by name and refuses anyone else. Each command says what it did and to which database.
"""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from safelane.cli.common import DatabaseOption, emit, fail, open_store, settings

if TYPE_CHECKING:
    import sqlalchemy as sa

app = typer.Typer(help="Trusted traders: the AEO register, authorisations and their status history.")


def _actor(conn: "sa.Connection", by: str | None) -> str:
    from safelane.domain import Problem
    from safelane.store import traders as trader_store
    from safelane.store import users as user_store

    if by is None:
        return "cli"
    user = user_store.by_name(conn, by)
    if user is None or user["role"] not in trader_store.CHANGERS:
        fail([Problem("--by", "forbidden", f"{by!r} is not an active supervisor or admin")])
    return by


def _where(database: str | None) -> str:
    from safelane.settings import database_shown

    return database_shown(settings(database).database_url)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="safelane register CSV or EU AEO directory"),
    by: str | None = typer.Option(None, "--by", help="the supervisor or admin importing"),
    database: str | None = DatabaseOption,
) -> None:
    """Import operators and authorisations; a bad row refuses the whole file, each problem located."""
    from safelane.domain import Problem
    from safelane.store import traders as trader_store
    from safelane.traders.importing import RegisterFileError, read

    try:
        rows = read(path.read_text(encoding="utf-8"), path.name)
    except (RegisterFileError, UnicodeDecodeError) as error:
        problems = getattr(error, "problems", None) or [Problem(path.name, "not_utf8", "the file is not UTF-8 text")]
        fail(problems, source=str(path))
    db = open_store(database)
    with db.write() as conn:
        actor = _actor(conn, by)
        try:
            report = trader_store.import_rows(conn, rows, actor=actor, at=datetime.now(UTC), source=path.name)
        except trader_store.ConflictingIdentifiers as error:
            fail([Problem(f"{path.name}:{error.line}", "conflicting_identifiers", str(error))], source=str(path))
    emit({"imported": str(path), "database": _where(database), **report.as_dict()})


@app.command()
def show(
    query: str = typer.Argument("", help="a name (or part of one), an identifier or an operator id"),
    database: str | None = DatabaseOption,
) -> None:
    """Operators matching the query, with identifiers, authorisations, status now and history (JSON lines)."""
    from safelane.store import traders as trader_store
    from safelane.traders.describe import operator_view

    now = datetime.now(UTC)
    with open_store(database).read() as conn:
        found = trader_store.search(conn, query)
    for operator in found:
        emit(operator_view(operator, now))
    if not found:
        typer.echo(f"no operator matches {query!r} in {_where(database)}", err=True)
        raise typer.Exit(1)


@app.command()
def status(
    authorisation_id: str = typer.Argument(..., help="the authorisation (see `safelane traders show`)"),
    new_status: str = typer.Argument(..., metavar="STATUS", help="applied, under_audit, certified, suspended, ..."),
    reason: str = typer.Option(..., "--reason", help="why (kept in the history and the audit log)"),
    effective: str | None = typer.Option(None, "--effective", help="YYYY-MM-DD it takes effect (default: now)"),
    by: str | None = typer.Option(None, "--by", help="the supervisor or admin changing it"),
    database: str | None = DatabaseOption,
) -> None:
    """Change an authorisation's status from a date, with a reason. Audited."""
    from safelane.domain import Problem
    from safelane.store import traders as trader_store
    from safelane.traders.authorisation import STATUSES, start_of
    from safelane.traders.describe import authorisation_view

    if new_status not in STATUSES:
        fail([Problem("STATUS", "unknown_status", f"statuses: {', '.join(STATUSES)}")])
    if not reason.strip():
        fail([Problem("--reason", "required", "a status change needs a reason")])
    try:
        effective_at = start_of(date.fromisoformat(effective)) if effective else None
    except ValueError:
        fail([Problem("--effective", "invalid_date", f"a date is written YYYY-MM-DD, not {effective!r}")])
    db = open_store(database)
    now = datetime.now(UTC)
    with db.write() as conn:
        actor = _actor(conn, by)
        try:
            trader_store.set_status(
                conn, authorisation_id, new_status, reason=reason, actor=actor, at=now, effective_at=effective_at
            )
        except LookupError:
            fail([Problem("AUTHORISATION_ID", "not_found", f"no authorisation {authorisation_id}")])
        operator_id = trader_store.operator_of(conn, authorisation_id)
        operator = trader_store.operator(conn, operator_id or "")
    assert operator is not None
    (changed,) = [a for a in operator.authorisations if a.authorisation_id == authorisation_id]
    emit(
        {
            "changed": authorisation_id,
            "operator": operator.name,
            "database": _where(database),
            "by": actor,
            **authorisation_view(changed, now),
        }
    )

"""`safelane users`: create credentials for filers and officers."""

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from safelane.cli.common import DatabaseOption, emit, open_store

app = typer.Typer(help="Users and their API keys.")


def _wrote(url: str) -> None:
    """Say on stderr which database was written: a key works only against a server that reads this one."""
    from safelane.settings import database_shown

    Console(stderr=True).print(f"written to {database_shown(url)}", highlight=False, soft_wrap=True)


@app.command()
def add(
    name: str,
    role: str = typer.Option(..., "--role", help="filer, officer, supervisor, admin, trader or agency_officer"),
    filer: str | None = typer.Option(None, "--filer", help="the organisation a filer files for (default: name)"),
    office: str | None = typer.Option(None, "--office", help="customs office code of an officer"),
    operator: str | None = typer.Option(None, "--operator", help="the register operator id a trader speaks for"),
    agency: str | None = typer.Option(None, "--agency", help="the agency code of an agency_officer (agency register)"),
    database: str | None = DatabaseOption,
) -> None:
    """Create a user and print its API key once (only a hash is kept)."""
    import sqlalchemy as sa

    from safelane.store import users as user_store

    db = open_store(database)
    try:
        with db.write() as conn:
            key = user_store.add(
                conn,
                name,
                role,
                at=datetime.now(UTC),
                filer=filer,
                office=office,
                operator_id=operator,
                agency=agency,
                actor="cli",
            )
    except ValueError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    except sa.exc.IntegrityError:
        Console(stderr=True).print(f"[red]a user named {name!r} exists already[/red]")
        raise typer.Exit(2) from None
    emit({"name": name, "role": role, "api_key": key})
    _wrote(db.url)


@app.command("list")
def list_(database: str | None = DatabaseOption) -> None:
    from safelane.store import users as user_store

    db = open_store(database)
    with db.read() as conn:
        rows = user_store.listing(conn)
    table = Table("name", "role", "filer", "office", "active")
    for r in rows:
        table.add_row(r["name"], r["role"], r["filer"] or "", r["office"] or "", str(r["active"]))
    Console().print(table)


@app.command()
def password(
    name: str,
    new_password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="the workbench password (at least 8 characters)",
    ),
    database: str | None = DatabaseOption,
) -> None:
    """Set the password a user signs in to the workbench with (API calls keep using the key)."""
    from safelane.store import users as user_store

    db = open_store(database)
    try:
        with db.write() as conn:
            user_store.set_password(conn, name, new_password, at=datetime.now(UTC), actor="cli")
    except ValueError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    except LookupError:
        Console(stderr=True).print(f"[red]no user named {name!r}[/red]")
        raise typer.Exit(2) from None
    emit({"name": name, "password": "set"})
    _wrote(db.url)

"""`safelane agencies`: check a register file before it is put in force, and re-index stored consignments under it.

The register (SAFELANE_AGENCIES) says which consignments each border agency sees and which fields; new filings
are indexed under it as they are assessed (docs/agencies.md), stored ones by `reindex` after it changed.
"""

from pathlib import Path

import typer

from safelane.cli.common import DatabaseOption, emit, open_store

app = typer.Typer(help="The border agencies' register: check a file, re-index stored consignments.")


@app.command("check")
def check(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A register file (YAML).")) -> None:
    """Read a register file as the service would; prints each agency's code, chapters and fields as JSON."""
    from safelane.agencies.register import RegisterError, parse

    try:
        found = parse(path.read_text(encoding="utf-8"), path.name)
    except RegisterError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    for agency in found.values():
        emit({"code": agency.code, "hs_chapters": sorted(agency.hs_chapters), "fields": sorted(agency.fields)})


@app.command("reindex")
def reindex(database: str | None = DatabaseOption) -> None:
    """Put stored consignments in the scope of the agencies the register in force gives them (pairs are added,
    none removed); prints how many were added."""
    from safelane.store import agency_scope

    with open_store(database).write() as conn:
        emit({"added": agency_scope.reindex(conn)})

"""`safelane screen`: screen one name, or a CSV of names, against the lists in force; one JSON object each."""

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from safelane.cli.common import DatabaseOption, emit, open_store, settings

if TYPE_CHECKING:
    from safelane.screening.index import Screener
    from safelane.screening.matcher import Query

NO_LISTS = "note: no watch lists loaded: no name can match (safelane lists import FILE --source ...)"
SCHEMAS = ("Person", "Company", "Organization", "Vessel", "Airplane", "LegalEntity")


def _query(name: str, country: str | None, schema: str | None) -> "Query":
    from safelane.screening.matcher import Query

    if schema and schema not in SCHEMAS:
        raise typer.BadParameter(f"schema must be one of {', '.join(SCHEMAS)}")
    return Query(name, schema or None, country.lower() if country else None)


def _answer(screener: "Screener", query: "Query", limit: int, threshold: float) -> dict:
    result = screener.screen(query, limit=limit, threshold=threshold)
    return {
        "name": query.name,
        "country": query.country,
        "schema": query.schema,
        "hits": [h.as_dict() for h in result.hits],
    }


def screen(
    name: str | None = typer.Argument(None, help="the name to screen"),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 alpha-2 code"),
    schema: str | None = typer.Option(None, "--schema", help="Person, Company or Vessel"),
    batch: Path | None = typer.Option(
        None, "--batch", exists=True, dir_okay=False, help="CSV with columns name, country, schema"
    ),
    limit: int = typer.Option(5, "--limit", help="best hits per name"),
    threshold: float | None = typer.Option(None, "--threshold", help="lowest score shown (default: policy)"),
    database: str | None = DatabaseOption,
) -> None:
    """Screen names against the imported lists and print the best hits with why they matched."""
    if (name is None) == (batch is None):
        raise typer.BadParameter("give a NAME or --batch FILE.csv")
    from safelane.screening.rescreen import screener_from_store

    db = open_store(database)
    screener = screener_from_store(db)
    if not screener.entries:  # an empty store would otherwise answer "hits: []" as if the name were clean
        sys.stderr.write(NO_LISTS + "\n")
    floor = settings().screening.possible if threshold is None else threshold
    if name is not None:
        emit(_answer(screener, _query(name, country, schema), limit, floor))
        return
    assert batch is not None
    with batch.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if row.get("name"):
                emit(
                    _answer(
                        screener,
                        _query(row["name"], row.get("country") or None, row.get("schema") or None),
                        limit,
                        floor,
                    )
                )

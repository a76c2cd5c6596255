"""Licences: parsed whole or refused with a located error, stored on both engines, loaded by the CLI."""

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.reference.strategic import shipped
from safelane.risk.strategic.licences import Licence, LicenceFileError, parse_csv
from safelane.store import Database
from safelane.store import licences as licence_store
from safelane.store.schema import licences

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LISTS = shipped().lists
GOOD = (
    "reference,list,holder,holder_identifier,hs_prefix,valid_from,valid_to\n"
    "NL-PRE 7,eu_precursors_restricted,Fresh Fruit Import BV,,2808,2026-01-01,2026-12-31\n"
    "X002-DE-1,dual_use,Northwind Retail GmbH,DE123456789012345,,2026-01-01,\n"
)


def test_a_licences_file_is_parsed_with_normalised_references():
    first, second = parse_csv(GOOD, LISTS)
    assert first == Licence(
        "NL-PRE7",
        "eu_precursors_restricted",
        "Fresh Fruit Import BV",
        date(2026, 1, 1),
        date(2026, 12, 31),
        None,
        "2808",
    )
    assert (second.holder_identifier, second.valid_to) == ("DE123456789012345", None)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("L1,no_such_list,H,,,2026-01-01,", r"licences:3: list: 'no_such_list' is not one of"),
        ("L1,chpl,H,,,2026-13-01,", r"licences:3: valid_from: '2026-13-01' is not a date"),
        ("L1,chpl,H,,28x,2026-01-01,", r"licences:3: hs_prefix"),
        ("L1,chpl,H,,,2026-02-01,2026-01-01", r"licences:3: valid_to is before valid_from"),
        ("NL-PRE7,chpl,H,,,2026-01-01,", r"licences:3: reference: 'NL-PRE7' is given twice"),
        (",chpl,H,,,2026-01-01,", r"licences:3: reference: empty"),
    ],
)
def test_a_bad_line_refuses_the_whole_file(line: str, error: str):
    text = GOOD.splitlines()[0] + "\n" + GOOD.splitlines()[1] + "\n" + line + "\n"
    with pytest.raises(LicenceFileError, match=error):
        parse_csv(text, LISTS)


def test_load_adds_replaces_and_with_replace_removes(db: Database):
    found = parse_csv(GOOD, LISTS)
    with db.write() as conn:
        assert licence_store.load(conn, found, source="a.csv", actor="t", at=AT) == {
            "added": 2,
            "replaced": 0,
            "removed": 0,
        }
    renewed = [Licence("NL-PRE7", "eu_precursors_restricted", "Fresh Fruit Import BV", date(2027, 1, 1))]
    with db.write() as conn:
        assert licence_store.load(conn, renewed, source="b.csv", actor="t", at=AT, replace=True) == {
            "added": 0,
            "replaced": 1,
            "removed": 1,
        }
    with db.read() as conn:
        book = licence_store.book(conn)
        assert len(book) == 1
        stored = book.get("nl-pre 7")
        assert stored is not None and stored.valid_from == date(2027, 1, 1)


def test_the_stored_book_follows_a_load_from_another_process(db: Database):
    stored = licence_store.StoredLicences(db, check_every=0)
    assert len(stored()) == 0
    with db.write() as conn:
        licence_store.load(conn, parse_csv(GOOD, LISTS), source="a.csv", actor="t", at=AT)
    assert len(stored()) == 2


def test_the_cli_loads_lists_and_refuses_a_bad_file(database_url: str, tmp_path: Path):
    runner = CliRunner()
    good, bad = tmp_path / "licences.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(GOOD + "L9,chpl,H,,,yesterday,\n")
    url = ["--database", database_url]
    loaded = runner.invoke(app, ["licences", "load", str(good), *url])
    assert loaded.exit_code == 0, loaded.output
    assert orjson.loads(loaded.stdout) == {"file": "licences.csv", "added": 2, "replaced": 0, "removed": 0}
    refused = runner.invoke(app, ["licences", "load", str(bad), *url])
    assert refused.exit_code == 2
    assert "bad.csv:4: valid_from: 'yesterday' is not a date" in refused.stderr
    listed = runner.invoke(app, ["licences", "list", *url])
    assert [orjson.loads(line)["reference"] for line in listed.stdout.splitlines()] == ["NL-PRE7", "X002-DE-1"]
    db = Database(database_url)
    try:
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(licences)).scalar_one() == 2
    finally:
        db.dispose()

"""Screening fixtures: the list excerpts in tests/fixtures/lists, loaded into a screener or a store."""

from datetime import datetime
from pathlib import Path

import pytest

from safelane.screening.index import Screener
from safelane.screening.sources import read
from safelane.store import Database
from safelane.store import lists as list_store

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
FILES = [
    ("un_sc_excerpt.xml", "un-xml"),
    ("ofac_sdn/sdn.csv", "ofac-sdn"),
    ("ofac_cons/cons_prim.csv", "ofac-cons"),
    ("bis_dpl.txt", "bis-dpl"),
    ("opensanctions_style.ftm.jsonl", "ftm"),
    ("national_list.csv", "csv"),
]


@pytest.fixture(scope="session")
def screener() -> Screener:
    items = []
    for path, source in FILES:
        name, entities = read(LISTS / path, source)
        items += [(name, e) for e in entities]
    return Screener.from_entities(items, version="fixtures")


def import_list(db: Database, path: str, source: str, at: datetime, list_name: str | None = None):
    name, entities = read(LISTS / path, source, list_name)
    with db.write() as conn:
        return list_store.import_version(conn, name, source, path, [e.to_dict() for e in entities], actor="test", at=at)

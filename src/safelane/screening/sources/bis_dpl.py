"""US BIS Denied Persons List: tab-separated, one row per name and address, with a header row.

The list has no stable key of its own, so an entry's id is a hash of the name and the order's effective
date: rows of one order at several addresses become one entry with several addresses, the same order in
the next edition keeps its id, and a moved address shows as a change of that entry.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy

from safelane.screening.entities import add, digest_id, make


def read(path: Path, list_name: str) -> Iterator[EntityProxy]:
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        name = (row.get("Name") or "").strip()
        if not name:
            continue
        street, city, state, country, postcode = (
            (row.get(k) or "").strip() for k in ("Street_Address", "City", "State", "Country", "Postal_Code")
        )
        # Persons and firms share the list without a type column: LegalEntity covers both.
        entity = make("LegalEntity", list_name, digest_id(" ".join(name.upper().split()), row.get("Effective_Date")))
        add(entity, "name", name)
        add(entity, "address", ", ".join(p for p in (street, city, state, postcode, country) if p) or None)
        add(entity, "country", country or None)
        add(entity, "topics", "export.control")
        add(entity, "program", "BIS Denied Persons")
        add(entity, "createdAt", _us_date(row.get("Effective_Date")))
        add(entity, "modifiedAt", (row.get("Last_Update") or "").strip() or None)
        add(entity, "notes", (row.get("FR_Citation") or "").strip() or None)
        yield entity


def _us_date(value: str | None) -> str | None:
    """MM/DD/YYYY to ISO."""
    parts = (value or "").strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return f"{parts[2]}-{parts[0]}-{parts[1]}"

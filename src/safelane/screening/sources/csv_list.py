"""A plain CSV for national lists that have no standard format of their own.

Columns (header row required): name, aliases, country, identifiers, list, reason; optional: id, schema,
birth_date, address, weak_aliases. Several aliases or countries are separated by ";". An identifier is
written SCHEME:VALUE (IMO:9187629, EORI:DE123456789012345, TIN:..., REG:...); a value without scheme
counts as a registration number.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy, model

from safelane.screening.entities import add, digest_id, make

_SCHEME_PROP = {
    "IMO": "imoNumber",
    "EORI": "registrationNumber",
    "TIN": "taxNumber",
    "VAT": "vatCode",
    "LEI": "leiCode",
    "REG": "registrationNumber",
    "PASSPORT": "passportNumber",
    "ID": "idNumber",
    "MMSI": "mmsi",
    "INN": "innCode",
    "OGRN": "ogrnCode",
}


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def read(path: Path, list_name: str) -> Iterator[EntityProxy]:
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise ValueError("the CSV needs a header row with at least a 'name' column")
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not row.get("name"):
            continue
        schema = row.get("schema") or "LegalEntity"
        if schema not in model.schemata:
            raise ValueError(f"line {line}: unknown schema {schema!r}")
        key = row.get("id") or digest_id(row["name"].upper(), row.get("country", ""))
        entity = make(schema, list_name, key)
        add(entity, "name", row["name"])
        add(entity, "alias", _split(row.get("aliases")))
        add(entity, "weakAlias", _split(row.get("weak_aliases")))
        add(entity, "country", _split(row.get("country")))
        add(entity, "address", row.get("address") or None)
        add(entity, "birthDate", row.get("birth_date") or None)
        add(entity, "notes", row.get("reason") or None)
        add(entity, "program", row.get("list") or list_name)
        for identifier in _split(row.get("identifiers")):
            scheme, _, value = identifier.partition(":")
            if not value:
                scheme, value = "REG", scheme
            prop = _SCHEME_PROP.get(scheme.strip().upper(), "registrationNumber")
            if prop not in entity.schema.properties:
                prop = "registrationNumber" if "registrationNumber" in entity.schema.properties else "idNumber"
            add(entity, prop, value)
        yield entity

"""OFAC legacy CSV files: the SDN list (sdn.csv, alt.csv, add.csv) and the non-SDN consolidated list (cons_*.csv).

The primary file has no header: entity number, name, type, programme, title, call sign, vessel type,
tonnage, gross tonnage, flag, owner, remarks. Aliases and addresses live in sibling files keyed by the
entity number, and much of what matters for matching (dates of birth, IMO numbers, registration and
tax numbers, extra a.k.a.s) is written into the free-text remarks, so those are parsed too.
"""

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from followthemoney import EntityProxy

from safelane.screening.entities import add, make

_NULL = "-0-"
_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_ALT_PROP = {"aka": "alias", "fka": "previousName", "nka": "alias"}
# Remark labels (lower case, longest first) -> FollowTheMoney property of the value that follows.
_ID_LABELS = [
    ("vessel registration identification imo", "imoNumber"),
    ("identification number imo", "imoNumber"),
    ("company number imo", "imoNumber"),
    ("imo", "imoNumber"),
    ("mmsi", "mmsi"),
    ("passport", "passportNumber"),
    ("national id no.", "idNumber"),
    ("cedula no.", "idNumber"),
    ("d.n.i.", "idNumber"),
    ("personal id card", "idNumber"),
    ("identification number", "idNumber"),
    ("tax id no.", "taxNumber"),
    ("v.a.t. number", "vatCode"),
    ("rfc", "taxNumber"),
    ("nit #", "taxNumber"),
    ("registration number", "registrationNumber"),
    ("registration id", "registrationNumber"),
    ("business registration number", "registrationNumber"),
    ("commercial registry number", "registrationNumber"),
    ("company number", "registrationNumber"),
    ("uk company number", "registrationNumber"),
    ("c.r. no.", "registrationNumber"),
    ("legal entity number", "leiCode"),
    ("swift/bic", "swiftBic"),
]
_ID_LABELS.sort(key=lambda pair: -len(pair[0]))
_ALIAS_RE = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'\.?$", re.IGNORECASE)
_DATE_FORMATS = ("%d %b %Y", "%b %Y", "%Y")


def _open(path: Path) -> io.StringIO:
    """OFAC files are plain ASCII or Windows-1252 and end with a Ctrl-Z byte."""
    raw = path.read_bytes().rstrip(b"\x1a\r\n ")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return io.StringIO(text)


def _rows(path: Path) -> Iterator[tuple[str, list[str | None]]]:
    """Each row's entity number and its other cells (None for OFAC's null marker); rows without a number are
    skipped, as nothing could key them."""
    for row in csv.reader(_open(path)):
        cells = [c.strip() for c in row]
        if cells and cells[0] not in ("", "\x1a", _NULL):
            yield cells[0], [None if c == _NULL else c for c in cells[1:]]


def _date(text: str) -> str | None:
    text = re.sub(r"^(circa|approximately)\s+", "", text.strip(), flags=re.IGNORECASE)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.strftime({"%d %b %Y": "%Y-%m-%d", "%b %Y": "%Y-%m", "%Y": "%Y"}[fmt])
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", text)  # "1960 to 1962": keep each year
    return years[0] if len(years) == 1 else None


def _remarks(entity: EntityProxy, remarks: str | None) -> None:
    if not remarks:
        return
    for part in (re.sub(r"^alt\.\s+", "", p.strip()).rstrip(".") for p in remarks.split(";")):
        lower = part.lower()
        alias = _ALIAS_RE.match(part + ".") or _ALIAS_RE.match(part)
        if alias:
            add(entity, "previousName" if alias.group(1).lower().startswith("f") else "alias", alias.group(2))
        elif lower.startswith("dob "):
            for piece in part[4:].split(" to "):
                add(entity, "birthDate", _date(piece))
        elif lower.startswith("pob "):
            add(entity, "birthPlace", part[4:])
        elif lower.startswith(("nationality ", "citizen ")):
            add(entity, "nationality", part.split(" ", 1)[1])
        elif lower.startswith("gender "):
            add(entity, "gender", part[7:].lower())
        else:
            for label, prop in _ID_LABELS:
                if lower.startswith(label + " "):
                    value = re.sub(r"\s*\(.*\)\s*$", "", part[len(label) + 1 :]).strip()
                    add(entity, prop, value)
                    break


def _read(primary: Path, alt: Path, addr: Path, list_name: str) -> Iterator[EntityProxy]:
    entities: dict[str, EntityProxy] = {}
    for number, cells in _rows(primary):
        cells += [None] * (11 - len(cells))
        name, kind, program, title, call_sign, vessel_type, tonnage, grt, flag, owner, remarks = cells[:11]
        schema = _SCHEMA.get((kind or "").lower(), "Organization")
        entity = make(schema, list_name, number)
        add(entity, "name", name)
        add(entity, "program", program)
        add(entity, "topics", "sanction")
        add(entity, "notes", remarks)
        if schema == "Person":
            add(entity, "title", title)
        if schema == "Vessel":
            add(entity, "callSign", call_sign)
            add(entity, "type", vessel_type)
            add(entity, "tonnage", tonnage)
            add(entity, "grossRegisteredTonnage", grt)
            add(entity, "flag", flag)
        add(entity, "notes", f"owner: {owner}" if owner else None)
        _remarks(entity, remarks)
        entities[number] = entity
    if alt.exists():
        for number, cells in _rows(alt):
            _alt_num, alt_type, alt_name = (cells + [None] * 3)[:3]
            if number in entities:
                add(entities[number], _ALT_PROP.get((alt_type or "aka").lower(), "alias"), alt_name)
    if addr.exists():
        for number, cells in _rows(addr):
            _add_num, street, city, country = (cells + [None] * 4)[:4]
            if number in entities:
                full = ", ".join(p for p in (street, city, country) if p)
                add(entities[number], "address", full or None)
                add(entities[number], "country", country)
    yield from entities.values()


def read_sdn(path: Path, list_name: str) -> Iterator[EntityProxy]:
    """Given sdn.csv, read alt.csv and add.csv beside it when they are there."""
    yield from _read(path, path.with_name("alt.csv"), path.with_name("add.csv"), list_name)


def read_cons(path: Path, list_name: str) -> Iterator[EntityProxy]:
    """Given cons_prim.csv, read cons_alt.csv and cons_add.csv beside it when they are there."""
    yield from _read(path, path.with_name("cons_alt.csv"), path.with_name("cons_add.csv"), list_name)

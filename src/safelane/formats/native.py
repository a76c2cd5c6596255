"""safelane's native formats: a JSON filing (or consignment), JSON lines, and a flat CSV.

A JSON object with `consignments` is a filing; any other object is one consignment, filed under
its own reference. CSV has one goods item per row; rows with the same document number and
consignment reference form one consignment.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

import orjson

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.located import validate_filing

FILING_FIELDS = ("document_number", "version", "kind", "filer", "filed_at", "message_type")


def to_filing(obj: Any, *, filer: str | None, message_type: str) -> Filing:
    """Validate one JSON value as a filing; a bare consignment becomes a filing of one."""
    if not isinstance(obj, dict):
        raise InvalidMessage([Problem("$", "not_an_object", "expected a JSON object (a filing or a consignment)")])
    if bare := "consignments" not in obj:
        reference = obj.get("house_document") or obj.get("master_document") or obj.get("consignment_id")
        header = {k: obj[k] for k in FILING_FIELDS if k in obj}
        consignment = {k: v for k, v in obj.items() if k not in FILING_FIELDS}
        obj = {"document_number": header.pop("document_number", reference), **header, "consignments": [consignment]}
    try:
        return validate_filing({"message_type": message_type, **obj}, filer=filer)
    except InvalidMessage as error:
        if not bare:
            raise
        raise InvalidMessage([_unwrap(p) for p in error.problems]) from None


def _unwrap(problem: Problem) -> Problem:
    location = problem.location
    if location.startswith("consignments[0]"):
        location = location[len("consignments[0]") :].lstrip(".") or "$"
    return Problem(location, problem.code, problem.message)


def _loads(text: bytes, where: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidMessage([Problem(where, "malformed_json", str(error))]) from None


def _collect(items: Iterable[tuple[str, Any]], *, filer: str | None, message_type: str) -> list[Filing]:
    filings, problems = [], []
    for where, obj in items:
        try:
            filings.append(to_filing(obj, filer=filer, message_type=message_type))
        except InvalidMessage as error:
            problems += [Problem(_join(where, p.location), p.code, p.message) for p in error.problems]
    if problems:
        raise InvalidMessage(problems)
    return filings


def _join(where: str, location: str) -> str:
    if not where or location == "$":
        return where or location
    return f"{where}: {location}" if where.startswith("line") else f"{where}.{location}"


def is_json(head: bytes) -> bool:
    return head.startswith((b"{", b"["))


def is_jsonl(head: bytes) -> bool:
    """Two or more lines, the first a whole JSON object and the second opening one."""
    lines = [line.strip() for line in head.splitlines() if line.strip()][:2]
    return len(lines) == 2 and lines[0].startswith(b"{") and lines[0].endswith(b"}") and lines[1].startswith(b"{")


def is_csv(head: bytes) -> bool:
    """A header line with commas (the weakest test: it is tried last)."""
    return b"," in head.split(b"\n", 1)[0]


def parse_json(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One JSON document: a filing, a consignment, or a list of them."""
    value = _loads(data, "$")
    if isinstance(value, list):
        if not value:
            raise InvalidMessage([Problem("$", "empty", "the list holds no filing")])
        return _collect(((f"[{i}]", v) for i, v in enumerate(value)), filer=filer, message_type="safelane-json")
    return _collect([("", value)], filer=filer, message_type="safelane-json")


def parse_jsonl(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One filing or consignment per line; blank lines are skipped."""
    items, problems = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", _loads(line, f"line {number}")))
        except InvalidMessage as error:
            problems += error.problems
    if not items and not problems:
        raise InvalidMessage([Problem("line 1", "empty", "no filing in the input")])
    try:
        filings = _collect(items, filer=filer, message_type="safelane-jsonl")
    except InvalidMessage as error:
        problems += error.problems
    if problems:
        raise InvalidMessage(problems)
    return filings


# CSV: one goods item per row. Column -> path in the consignment (parties expand per role below).
_CONSIGNMENT_COLUMNS = {
    "consignment_id": ("consignment_id",),
    "mode": ("mode",),
    "master_document": ("master_document",),
    "house_document": ("house_document",),
    "office": ("office",),
    "place_of_loading": ("itinerary", "place_of_loading"),
    "place_of_unloading": ("itinerary", "place_of_unloading"),
    "routing_countries": ("itinerary", "routing_countries"),
    "departure_at": ("itinerary", "departure_at"),
    "arrival_at": ("itinerary", "arrival_at"),
    "transport_means_id": ("transport_means", "identifier"),
    "transport_means_name": ("transport_means", "name"),
    "transport_means_nationality": ("transport_means", "nationality"),
    "total_packages": ("total_packages",),
    "total_gross_mass_kg": ("total_gross_mass_kg",),
}
_PARTY_COLUMNS = {
    "name": ("name",),
    "street": ("address", "street"),
    "city": ("address", "city"),
    "postcode": ("address", "postcode"),
    "country": ("address", "country"),
}
_IDENTIFIER_SCHEMES = ("eori", "tin", "aeo", "imo", "lei")
for _role in ("consignor", "consignee", "notify_party", "carrier", "declarant"):
    for _field, _path in _PARTY_COLUMNS.items():
        _CONSIGNMENT_COLUMNS[f"{_role}_{_field}"] = (_role, *_path)
    for _scheme in _IDENTIFIER_SCHEMES:
        _CONSIGNMENT_COLUMNS[f"{_role}_{_scheme}"] = (_role, "identifiers", _scheme)
_GOODS_COLUMNS = {
    "description": ("description",),
    "hs_code": ("hs_code",),
    "packages": ("packages",),
    "package_kind": ("package_kind",),
    "gross_mass_kg": ("gross_mass_kg",),
    "net_mass_kg": ("net_mass_kg",),
    "value": ("value", "amount"),
    "currency": ("value", "currency"),
    "origin_country": ("origin_country",),
}
CSV_COLUMNS = frozenset(FILING_FIELDS) | _CONSIGNMENT_COLUMNS.keys() | _GOODS_COLUMNS.keys()


def _put(target: dict, path: tuple[str, ...], value: str) -> None:
    *parents, leaf = path
    for key in parents:
        target = target.setdefault(key, {})
    target[leaf] = value


def _consignment_from_row(row: dict[str, str]) -> dict:
    consignment: dict[str, Any] = {}
    for column, path in _CONSIGNMENT_COLUMNS.items():
        value = row.get(column)
        if value:
            _put(consignment, path, value)
    itinerary = consignment.get("itinerary", {})
    if "routing_countries" in itinerary:
        itinerary["routing_countries"] = itinerary["routing_countries"].replace(";", " ").split()
    for role in ("consignor", "consignee", "notify_party", "carrier", "declarant"):
        party = consignment.get(role)
        if party and "identifiers" in party:
            party["identifiers"] = [{"scheme": s.upper(), "value": v} for s, v in party["identifiers"].items()]
    return consignment


def _goods_from_row(row: dict[str, str]) -> dict:
    item: dict[str, Any] = {}
    for column, path in _GOODS_COLUMNS.items():
        value = row.get(column)
        if value:
            _put(item, path, value)
    return item


def parse_csv(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """Flat CSV, one goods item per row; errors name the line and the column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidMessage(
            [
                Problem(
                    f"byte {error.start}",
                    "not_utf8",
                    "CSV must be UTF-8, or UTF-16 or UTF-32 opening with a byte-order mark",
                )
            ]
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise InvalidMessage([Problem(f"line 1, column {c}", "unknown_column", "unknown column") for c in unknown])
    documents: dict[str, dict] = {}  # document number -> filing header and its consignments by reference
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InvalidMessage([Problem(f"line {line}", "extra_cells", "row has more cells than the header")])
        reference = row.get("house_document") or row.get("master_document") or row.get("consignment_id") or ""
        number = row.get("document_number") or reference or f"line {line}"
        document = documents.setdefault(
            number,
            {
                "filing": {"document_number": number, **{k: row[k] for k in FILING_FIELDS[1:] if row.get(k)}},
                "consignments": {},
            },
        )
        group = document["consignments"].setdefault(
            reference or f"line {line}", {"consignment": _consignment_from_row(row), "goods": [], "lines": []}
        )
        group["lines"].append(line)
        group["goods"].append(_goods_from_row(row))
    if not documents:
        raise InvalidMessage([Problem("line 2", "empty", "no data rows in the CSV")])
    filings, problems = [], []
    for document in documents.values():
        groups = list(document["consignments"].values())
        obj = {**document["filing"], "consignments": [{**g["consignment"], "goods": g["goods"]} for g in groups]}
        try:
            filings.append(to_filing(obj, filer=filer, message_type="safelane-csv"))
        except InvalidMessage as error:
            problems += [_csv_location(p, groups) for p in error.problems]
    if problems:
        raise InvalidMessage(problems)
    return filings


_COLUMN_OF_PATH = {".".join(p): c for c, p in (_CONSIGNMENT_COLUMNS | _GOODS_COLUMNS).items()}


def _csv_location(problem: Problem, groups: list[dict]) -> Problem:
    """consignments[1].goods[2].hs_code -> 'line 7, column hs_code' (the row that holds that goods item)."""
    path, lines = problem.location, groups[0]["lines"]
    if path.startswith("consignments["):
        index, _, path = path[len("consignments[") :].partition("]")
        lines = groups[int(index)]["lines"]
        path = path.lstrip(".")
    line = lines[0]
    if path.startswith("goods["):
        index, _, path = path[len("goods[") :].partition("]")
        line = lines[int(index)] if index.isdigit() and int(index) < len(lines) else line
        path = path.lstrip(".")
    parts = [p for p in path.replace("[", ".").replace("]", "").split(".") if p and not p.isdigit()]
    while parts and ".".join(parts) not in _COLUMN_OF_PATH and parts[-1] not in FILING_FIELDS:
        parts.pop()
    joined = ".".join(parts)
    column = _COLUMN_OF_PATH.get(joined) or (joined if joined in FILING_FIELDS else None)
    where = f"line {line}, column {column}" if column else f"line {line}"
    return Problem(where, problem.code, problem.message)

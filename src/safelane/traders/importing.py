"""Read a register file: safelane's own CSV, or the EU AEO directory's fields, with every bad row located.

Two layouts, told apart by the header:

* safelane CSV: `name, country, street, city, postcode, eori, tin, aeo, ctpat, mid, iata, icao, programme, type,
  number, administration, status, effective, valid_from, valid_to, conditions, reason` (name, country,
  programme, type, status and effective required; one authorisation per row);
* the EU AEO directory (the EOS "AEO query" as published): `holder, country, issuing_authority, type,
  effective_date`; each row is an EU-AEO authorisation certified from its effective date.

All rows are checked before anything is written; a file with any bad row is refused whole, each problem
named by line and column (`register.csv:7 column type`).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from safelane.domain import Problem
from safelane.reference.tables import country_known
from safelane.traders.authorisation import IDENTIFIER_SCHEMES, STATUSES
from safelane.traders.recognition import Recognition, packaged

OWN = (
    "name",
    "country",
    "street",
    "city",
    "postcode",
    *(s.lower() for s in IDENTIFIER_SCHEMES),
    "programme",
    "type",
    "number",
    "administration",
    "status",
    "effective",
    "valid_from",
    "valid_to",
    "conditions",
    "reason",
)
REQUIRED = ("name", "country", "programme", "type", "status", "effective")
DIRECTORY = ("holder", "country", "issuing_authority", "type", "effective_date")
ALIASES = {"name_of_aeo_holder": "holder", "aeo_holder": "holder", "issuing_authority_code": "issuing_authority"}
EORI = re.compile(r"[A-Z]{2}[A-Z0-9]{1,15}")
LIMITS = {"name": 512, "street": 512, "city": 512, "postcode": 17, "number": 64, "administration": 32}


class RegisterFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0].location}: {problems[0].message}{more}")


@dataclass(frozen=True)
class Row:
    """One authorisation of one operator, as a file gives it."""

    line: int
    name: str
    country: str
    street: str | None
    city: str | None
    postcode: str | None
    identifiers: tuple[tuple[str, str], ...]  # (scheme, compact value)
    programme: str
    type: str
    number: str | None
    administration: str | None
    status: str
    effective: date
    valid_from: date | None
    valid_to: date | None
    conditions: str | None
    reason: str


def compact(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def _header(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    return ALIASES.get(key, key)


def read(text: str, source: str = "register.csv", recognition: Recognition | None = None) -> list[Row]:
    """The rows of a register file, or RegisterFileError with every problem located."""
    recognition = recognition or packaged()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [_header(h) for h in next(reader)]
    except StopIteration:
        raise RegisterFileError(
            [Problem(f"{source}:1", "empty_file", "the file is empty; a header row comes first")]
        ) from None
    except csv.Error as error:
        raise RegisterFileError([Problem(f"{source}:1", "csv_syntax", str(error))]) from None
    directory = "holder" in header
    known = DIRECTORY if directory else OWN
    problems = [
        Problem(f"{source}:1 column {h or '(empty)'}", "unknown_column", f"columns are: {', '.join(known)}")
        for h in header
        if h not in known
    ]
    needed = DIRECTORY if directory else REQUIRED
    problems += [
        Problem(f"{source}:1", "missing_column", f"the header has no column {c!r}") for c in needed if c not in header
    ]
    if len(set(header)) != len(header):
        problems.append(Problem(f"{source}:1", "duplicate_column", "a column is named twice"))
    if problems:
        raise RegisterFileError(problems)
    rows: list[Row] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(f"{source}:{line}", "column_count", f"{len(cells)} cells; the header has {len(header)}")
                )
                continue
            values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            if directory:
                values = {
                    "name": values["holder"],
                    "country": values["country"],
                    "administration": values["issuing_authority"],
                    "type": values["type"],
                    "effective": values["effective_date"],
                    "valid_from": values["effective_date"],
                    "programme": recognition.home.code,
                    "status": "certified",
                    "reason": f"EU AEO directory ({source})",
                }
            row = _row(values, line, source, recognition, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        problems.append(Problem(f"{source}:{reader.line_num}", "csv_syntax", str(error)))
    if problems:
        raise RegisterFileError(problems)
    return rows


def _row(
    values: dict[str, str], line: int, source: str, recognition: Recognition, problems: list[Problem]
) -> Row | None:
    before = len(problems)

    def bad(column: str, code: str, message: str) -> None:
        problems.append(Problem(f"{source}:{line} column {column}", code, message))

    def text(column: str) -> str | None:
        value = values.get(column) or None
        if value is not None and len(value) > LIMITS.get(column, 2000):
            bad(column, "too_long", f"at most {LIMITS[column]} characters")
        return value

    def day(column: str) -> date | None:
        value = values.get(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            bad(column, "invalid_date", f"a date is written YYYY-MM-DD, not {value!r}")
            return None

    for column in ("name", "country", "programme", "type", "status", "effective"):
        if not values.get(column):
            bad(column, "required", f"{column} is required")
    name = text("name") or ""
    country = (values.get("country") or "").upper()
    if country and not country_known(country):
        bad("country", "unknown_country", f"{country!r} is not an ISO 3166 alpha-2 country code")
    programme = (values.get("programme") or "").upper()
    type_ = (values.get("type") or "").upper()
    known = recognition.programmes.get(programme)
    if programme and known is None:
        bad("programme", "unknown_programme", f"programmes: {', '.join(sorted(recognition.programmes))}")
    elif known is not None and type_ and type_ not in known.types:
        bad("type", "unknown_type", f"{programme} types: {', '.join(known.types)}")
    status = (values.get("status") or "").lower().replace(" ", "_")
    if status and status not in STATUSES:
        bad("status", "unknown_status", f"statuses: {', '.join(STATUSES)}")
    identifiers = []
    for scheme in IDENTIFIER_SCHEMES:
        raw = values.get(scheme.lower())
        if not raw:
            continue
        value = compact(raw)
        if not value or len(value) > 64:
            bad(scheme.lower(), "invalid_identifier", "an identifier has 1 to 64 letters and digits")
        elif scheme == "EORI" and not EORI.fullmatch(value):
            bad("eori", "invalid_eori", "an EORI is a country code and up to 15 letters or digits (DE123456789012345)")
        else:
            identifiers.append((scheme, value))
    if len({v for _, v in identifiers}) != len(identifiers):
        bad("identifiers", "duplicate_identifier", "the same identifier is given under two schemes")
    effective, valid_from, valid_to = day("effective"), day("valid_from"), day("valid_to")
    if valid_from and valid_to and valid_to <= valid_from:
        bad("valid_to", "validity_out_of_order", "valid_to must come after valid_from")
    street, city, postcode = text("street"), text("city"), text("postcode")
    number, administration, conditions = text("number"), text("administration"), text("conditions")
    if len(problems) > before or effective is None:
        return None
    return Row(
        line,
        name,
        country,
        street,
        city,
        postcode,
        tuple(identifiers),
        programme,
        type_,
        number,
        administration,
        status,
        effective,
        valid_from or (effective if status == "certified" else None),
        valid_to,
        conditions,
        values.get("reason") or f"imported from {source}",
    )

"""Licences and permits an administration has granted, and whether the one a filing declares covers its goods.

A filing declares a licence as a document (WCO Data Model AdditionalDocument: a type code such as TARIC's
X002 for a dual-use export authorisation, and the licence's reference). Without a licences table the
declaration is all there is; with one, the reference must be a licence for that list, in force on the filing
day, for the declared HS code and held by a party of the consignment.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from safelane.domain import Consignment

COLUMNS = ("reference", "list", "holder", "holder_identifier", "hs_prefix", "valid_from", "valid_to")


class LicenceFileError(ValueError):
    """A licences file cannot be loaded; the message names the line and the column. Nothing was written."""


def normal_reference(reference: str) -> str:
    return "".join(reference.split()).upper()


@dataclass(frozen=True, slots=True)
class Licence:
    reference: str
    list: str  # the control list it was granted under (lists.csv ids)
    holder: str
    valid_from: date
    valid_to: date | None = None
    holder_identifier: str | None = None  # EORI or TIN; when given, a party of the consignment must carry it
    hs_prefix: str | None = None  # when given, the goods' HS code must start with it

    def as_dict(self) -> dict[str, str | None]:
        return {
            "reference": self.reference,
            "list": self.list,
            "holder": self.holder,
            "holder_identifier": self.holder_identifier,
            "hs_prefix": self.hs_prefix,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


@dataclass(frozen=True, slots=True)
class LicenceCheck:
    """What the filing's documents say for one list entry: status is "valid", "declared" (a licence or statement
    document with no table to check it against), "invalid" (with the reason) or "missing"."""

    status: str
    reference: str | None = None
    document_type: str | None = None
    reason: str = ""

    @property
    def satisfied(self) -> bool:
        return self.status in ("valid", "declared")

    def as_dict(self) -> dict[str, str | None]:
        return {
            "status": self.status,
            "reference": self.reference,
            "document_type": self.document_type,
            "reason": self.reason,
        }


class LicenceBook:
    """The licences in force, by normalised reference; empty when none were loaded."""

    def __init__(self, licences: Iterable[Licence], version: str = "none"):
        self._by_reference: Mapping[str, Licence] = {normal_reference(lic.reference): lic for lic in licences}
        self.version = version

    def __len__(self) -> int:
        return len(self._by_reference)

    def get(self, reference: str) -> Licence | None:
        return self._by_reference.get(normal_reference(reference))

    def check(
        self,
        consignment: Consignment,
        list_id: str,
        licence_types: frozenset[str],
        statement_types: frozenset[str],
        hs_code: str | None,
        day: date,
    ) -> LicenceCheck:
        """The licence (or statement) the consignment's documents give for goods of this list."""
        problems: list[LicenceCheck] = []
        for document in consignment.documents:
            kind = document.type.upper()
            licence = self.get(document.reference) if len(self) else None
            if licence is not None:
                reason = _why_not(licence, consignment, list_id, hs_code, day)
                if not reason:
                    return LicenceCheck("valid", licence.reference, kind, f"licence of {licence.holder}")
                problems.append(LicenceCheck("invalid", document.reference, kind, reason))
            elif kind in statement_types:
                return LicenceCheck(
                    "declared", document.reference, kind, f"document {kind} states no licence is needed"
                )
            elif kind in licence_types:
                if len(self):
                    problems.append(
                        LicenceCheck("invalid", document.reference, kind, "the reference is not in the licences table")
                    )
                else:
                    return LicenceCheck("declared", document.reference, kind, "declared; no licences table is loaded")
        return problems[0] if problems else LicenceCheck("missing")


def _why_not(licence: Licence, consignment: Consignment, list_id: str, hs_code: str | None, day: date) -> str:
    if licence.list != list_id:
        return f"the licence was granted under {licence.list}, not {list_id}"
    if day < licence.valid_from:
        return f"the licence is valid only from {licence.valid_from.isoformat()}"
    if licence.valid_to is not None and day > licence.valid_to:
        return f"the licence expired on {licence.valid_to.isoformat()}"
    if licence.hs_prefix and not (hs_code or "").startswith(licence.hs_prefix):
        return f"the licence covers HS {licence.hs_prefix}, not HS {hs_code or '(none declared)'}"
    if licence.holder_identifier:
        held = {i.value for _, party in consignment.parties() for i in party.identifiers}
        if licence.holder_identifier not in held:
            return f"no party of the consignment carries the holder's identifier {licence.holder_identifier}"
    return ""


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LicenceFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_csv(text: str, known_lists: Iterable[str], name: str = "licences") -> list[Licence]:
    """Every licence of a CSV file (columns: COLUMNS; holder_identifier, hs_prefix, valid_to optional), or a
    LicenceFileError naming the first bad line and column: a file is loaded whole or not at all."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    absent = [c for c in ("reference", "list", "holder", "valid_from") if c not in columns]
    if absent:
        raise LicenceFileError(f"{name}: missing column(s) {', '.join(absent)}; expected {', '.join(COLUMNS)}")
    lists = frozenset(known_lists)
    found: dict[str, Licence] = {}
    for row in reader:
        where = f"{name}:{reader.line_num}"
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        for column in ("reference", "list", "holder"):
            if not cells.get(column):
                raise LicenceFileError(f"{where}: {column}: empty")
        if cells["list"] not in lists:
            raise LicenceFileError(f"{where}: list: {cells['list']!r} is not one of {', '.join(sorted(lists))}")
        hs_prefix = cells.get("hs_prefix", "").replace(" ", "").replace(".", "") or None
        if hs_prefix is not None and not (hs_prefix.isdigit() and 2 <= len(hs_prefix) <= 10):
            raise LicenceFileError(f"{where}: hs_prefix: {cells['hs_prefix']!r} is not 2 to 10 digits")
        valid_from = _date(cells["valid_from"], f"{where}: valid_from")
        valid_to = _date(cells["valid_to"], f"{where}: valid_to") if cells.get("valid_to") else None
        if valid_to is not None and valid_to < valid_from:
            raise LicenceFileError(f"{where}: valid_to is before valid_from")
        reference = normal_reference(cells["reference"])
        if reference in found:
            raise LicenceFileError(f"{where}: reference: {cells['reference']!r} is given twice")
        identifier = cells.get("holder_identifier", "").replace(" ", "").upper() or None
        found[reference] = Licence(
            reference, cells["list"], cells["holder"], valid_from, valid_to, identifier, hs_prefix
        )
    return list(found.values())

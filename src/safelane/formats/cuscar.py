"""UN/EDIFACT CUSCAR (customs cargo report), release D.95B and later, as pre-arrival filings.

Each CUSCAR message is one filing (document number from BGM, else the message reference) and
each CNI group one consignment. Read, by segment and qualifier of the UN directory:

- header: BGM document number, DTM+137 document date, TDT main carriage (voyage, mode C220,
  vessel C222: IMO or call sign, name, nationality), LOC+5/+9 departure or loading, LOC+60/+11
  first port of call or discharge, DTM+133/+132 estimated departure and arrival, NAD+CA carrier;
- per CNI: the transport document (CNI C503, RFF+BM master and RFF+BH house bill of lading),
  LOC+9/+11, parties NAD+CZ consignor, +CN consignee, +N1 notify, +CA carrier (name C080,
  street C059, city, postcode, country), goods items GID (number and kind of packages) with FTX+AAA
  description, PIA tariff code, MEA gross weight, and equipment EQD+CN / SGP.

Other message types (BAPLIE, COARRI...) pass the envelope checks but are refused, at their UNH.
Errors name the segment and element: "segment 12 (GID), element 2".
"""

import re
from datetime import UTC, datetime
from typing import Any

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.edifact import Message, Segment, messages
from safelane.formats.located import Origins, build_filing
from safelane.formats.units import UNITS, kilograms

MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "postal", "8": "sea"}
PARTY_ROLES = {"CZ": "consignor", "CN": "consignee", "N1": "notify_party", "CA": "carrier"}
_RELEASE = re.compile(r"D:(9[5-9][AB]|[0-2]\d[AB])")  # D.95B onwards (D.96A...D.99B, D.00A...D.2xB)
_OLD = {"D:93A", "D:94A", "D:94B", "D:95A"}


def describe(origin: Any) -> str:
    if isinstance(origin, tuple):
        segment, index = origin
        return segment.where(index)
    return origin.where() if isinstance(origin, Segment) else str(origin)


def when(segment: Segment) -> datetime | None:
    """DTM C507: value in format 102 (CCYYMMDD), 203 (CCYYMMDDHHMM) or 204 (...SS), read as UTC."""
    value, form = segment.element(1, 1), segment.element(1, 2) or "102"
    layout = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}.get(form)
    if layout is None:
        return None
    try:
        return datetime.strptime(value, layout).replace(tzinfo=UTC)
    except ValueError:
        return None


def _number(
    segment: Segment, index: int, component: int, problems: list[Problem], *, whole: bool
) -> float | int | None:
    text = segment.element(index, component).replace(",", ".")
    if not text:
        return None
    try:
        return int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        problems.append(Problem(segment.where(index), "not_a_number", f"must be {kind}, got {text!r}"))
        return None


class _Consignment:
    """What one CNI group has said so far."""

    def __init__(self, segment: Segment, path: str, origins: Origins):
        self.path = path
        self.origins = origins
        self.data: dict[str, Any] = {"mode": "sea", "goods": []}
        self.equipment: list[str] = []
        origins.note(path, segment)
        origins.note(f"{path}.goods", segment)
        if document := segment.element(2):
            self.data["master_document"] = document[:35]
            origins.note(f"{path}.master_document", (segment, 2))

    def party(self, segment: Segment) -> None:
        role = PARTY_ROLES.get(segment.element(1))
        if role is None:
            return
        path = f"{self.path}.{role}"
        self.origins.note(path, segment)
        name = (
            " ".join(filter(None, (segment.element(4, i) for i in range(5))))
            or " ".join(filter(None, (segment.element(3, i) for i in range(5))))
            or segment.element(2)
        )
        if not name:
            return
        party: dict[str, Any] = {"name": name[:512]}
        self.origins.note(f"{path}.name", (segment, 4))
        address = {}
        street = " ".join(filter(None, (segment.element(5, i) for i in range(4))))
        for key, value, index in (
            ("street", street, 5),
            ("city", segment.element(6), 6),
            ("postcode", segment.element(8), 8),
            ("country", segment.element(9), 9),
        ):
            if value:
                address[key] = value
                self.origins.note(f"{path}.address.{key}", (segment, index))
        if address:
            party["address"] = address
        self.data[role] = party

    def goods(self, segment: Segment, problems: list[Problem]) -> None:
        path = f"{self.path}.goods[{len(self.data['goods'])}]"
        self.origins.note(path, segment)
        item: dict[str, Any] = {}
        if (sequence := _number(segment, 1, 0, problems, whole=True)) is not None:
            item["sequence"] = sequence
            self.origins.note(f"{path}.sequence", (segment, 1))
        if (packages := _number(segment, 2, 0, problems, whole=True)) is not None:
            item["packages"] = packages
            self.origins.note(f"{path}.packages", (segment, 2))
        if kind := segment.element(2, 1):
            item["package_kind"] = kind[:3]
            self.origins.note(f"{path}.package_kind", (segment, 2))
        self.data["goods"].append(item)

    def current_item(self, segment: Segment) -> tuple[dict[str, Any] | None, str]:
        index = len(self.data["goods"]) - 1
        return (self.data["goods"][index] if index >= 0 else None), f"{self.path}.goods[{index}]"


def _consignments(
    message: Message, origins: Origins, problems: list[Problem], header: dict[str, Any]
) -> list[dict[str, Any]]:
    found: list[_Consignment] = []
    current: _Consignment | None = None
    for segment in message.segments[1:-1]:
        tag, qualifier = segment.tag, segment.element(1)
        if tag == "CNI":
            current = _Consignment(segment, f"consignments[{len(found)}]", origins)
            found.append(current)
        elif current is None:
            continue  # header segments are read by _header
        elif tag == "RFF":
            key = {"BM": "master_document", "BH": "house_document", "MB": "master_document"}.get(qualifier)
            if key and (value := segment.element(1, 1)):
                current.data[key] = value[:35]
                origins.note(f"{current.path}.{key}", (segment, 1))
        elif tag == "LOC" and qualifier in ("9", "11"):
            key = "place_of_loading" if qualifier == "9" else "place_of_unloading"
            if value := segment.element(2, 0):
                current.data.setdefault("itinerary", {})[key] = value
                origins.note(f"{current.path}.itinerary.{key}", (segment, 2))
        elif tag == "NAD":
            current.party(segment)
        elif tag == "GID":
            current.goods(segment, problems)
        elif tag in ("FTX", "PIA", "MEA"):
            item, path = current.current_item(segment)
            if item is None:
                problems.append(
                    Problem(segment.where(), "out_of_place", f"{tag} before the first GID of its consignment")
                )
            elif tag == "FTX" and qualifier == "AAA":
                text = " ".join(filter(None, (segment.element(4, i) for i in range(5))))
                if text:
                    item["description"] = (item.get("description", "") + " " + text).strip()[:512]
                    origins.note(f"{path}.description", (segment, 4))
            elif tag == "PIA":
                code = segment.element(2, 0).replace(".", "").replace(" ", "")
                if code and segment.element(2, 1) in ("HS", "CN", "") and "hs_code" not in item:
                    item["hs_code"] = code
                    origins.note(f"{path}.hs_code", (segment, 2))
            elif tag == "MEA" and segment.element(2, 0) in ("G", "AAB"):
                unit = segment.element(3, 0)
                weight = _number(segment, 3, 1, problems, whole=False)
                if weight is not None:
                    if (mass := kilograms(weight, unit)) is None:
                        problems.append(
                            Problem(segment.where(3), "unknown_unit", f"weight unit {unit!r} is not one of {UNITS}")
                        )
                    else:
                        item["gross_mass_kg"] = mass
                        origins.note(f"{path}.gross_mass_kg", (segment, 3))
        elif tag in ("EQD", "SGP"):
            number = segment.element(2 if tag == "EQD" else 1, 0)
            if number and (tag == "SGP" or qualifier == "CN") and number[:17] not in current.equipment:
                current.equipment.append(number[:17])
    consignments = []
    for c in found:
        data = c.data
        for role in ("carrier",):
            if role not in data and role in header:
                data[role] = header[role]
        itinerary = {**header.get("itinerary", {}), **data.get("itinerary", {})}
        if itinerary:
            data["itinerary"] = itinerary
        if "transport_means" in header:
            data["transport_means"] = header["transport_means"]
        data["mode"] = header.get("mode", "sea")
        if c.equipment:
            data["equipment"] = c.equipment
        for i, item in enumerate(data["goods"]):
            if "description" not in item:
                where = origins.locate(f"{c.path}.goods[{i}]")
                problems.append(
                    Problem(where, "missing_goods_description", "a goods item (GID) needs its description (FTX+AAA)")
                )
        if not data["goods"]:
            problems.append(
                Problem(
                    origins.locate(c.path),
                    "missing_goods_description",
                    "a consignment (CNI) needs at least one goods item (GID)",
                )
            )
        consignments.append(data)
    if not consignments:
        problems.append(Problem(message.header.where(), "no_consignment", "the cargo report has no CNI group"))
    return consignments


def _header(message: Message, origins: Origins, problems: list[Problem]) -> dict[str, Any]:
    """Header data that every consignment of the message shares."""
    header: dict[str, Any] = {}
    itinerary: dict[str, Any] = {}
    for segment in message.segments[1:-1]:
        tag, qualifier = segment.tag, segment.element(1)
        if tag == "CNI":
            break
        if tag == "BGM":
            header["document_number"] = segment.element(2, 0)
            origins.note("document_number", (segment, 2))
        elif tag == "DTM" and segment.element(1, 0) in ("137", "133", "132"):
            moment = when(segment)
            key = {"137": "filed_at", "133": "departure_at", "132": "arrival_at"}[segment.element(1, 0)]
            if moment is None:
                problems.append(Problem(segment.where(1), "bad_date", "not a date in format 102, 203 or 204"))
            elif key == "filed_at":
                header[key] = moment
            else:
                itinerary[key] = moment
                header[f"at_{key}"] = segment
        elif tag == "TDT" and qualifier == "20":
            mode = segment.element(3, 0) or "1"
            if mode not in MODES:
                problems.append(
                    Problem(
                        segment.where(3),
                        "unknown_transport_mode",
                        f"mode {mode!r} is not one of {', '.join(sorted(MODES))}",
                    )
                )
            header["mode"] = MODES.get(mode, "sea")
            vessel = segment.element(8, 0) or segment.element(2)
            if vessel:
                means: dict[str, Any] = {"identifier": vessel[:35]}
                if name := segment.element(8, 3):
                    means["name"] = name[:512]
                if nationality := segment.element(8, 4):
                    means["nationality"] = nationality
                header["transport_means"] = means
                header["tdt"] = segment
        elif tag == "LOC" and qualifier in ("5", "9", "60", "11") and (place := segment.element(2, 0)):
            key = "place_of_loading" if qualifier in ("5", "9") else "place_of_unloading"
            if key not in itinerary or qualifier in ("9", "11"):
                itinerary[key] = place
                header[f"loc_{key}"] = segment
        elif tag == "NAD" and qualifier == "CA" and (name := segment.element(4, 0) or segment.element(2, 0)):
            header["carrier"] = {"name": name[:512]}
    if itinerary:
        header["itinerary"] = itinerary
    return header


def is_edifact(head: bytes) -> bool:
    """An interchange: UNA service string advice or UNB header. The reader refuses other message types."""
    return head.startswith((b"UNA", b"UNB"))


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """Every CUSCAR message of every interchange, one filing each."""
    filings: list[Filing] = []
    problems: list[Problem] = []
    for message in messages(data):
        if message.type != "CUSCAR":
            problems.append(
                Problem(
                    message.header.where(2),
                    "unsupported_message",
                    f"{message.type} is not a cargo report (CUSCAR); safelane reads CUSCAR",
                )
            )
            continue
        if message.version in _OLD or not _RELEASE.fullmatch(message.version):
            problems.append(
                Problem(
                    message.header.where(2),
                    "unsupported_release",
                    f"CUSCAR release {message.version} is older than D.95B or unknown",
                )
            )
            continue
        origins = Origins(message.header, describe)
        local: list[Problem] = []
        header = _header(message, origins, local)
        _note_shared(origins, header, sum(1 for s in message.segments if s.tag == "CNI"))
        consignments = _consignments(message, origins, local, header)
        if local:
            problems += local
            continue
        filing: dict[str, Any] = {
            "document_number": (header.get("document_number") or message.reference)[:70],
            "message_type": "CUSCAR",
            "kind": "pre_arrival",
            "consignments": consignments,
        }
        if "filed_at" in header:
            filing["filed_at"] = header["filed_at"]
        try:
            filings.append(build_filing(filing, origins, filer=filer))
        except InvalidMessage as error:
            problems += error.problems
    if problems:
        raise InvalidMessage(problems)
    return filings


def _note_shared(origins: Origins, header: dict[str, Any], count: int) -> None:
    """Header values copied into every consignment point back at their header segment (noted first, so a
    consignment's own LOC, read later, takes over)."""
    for i in range(count):
        at = f"consignments[{i}]"
        if (tdt := header.get("tdt")) is not None:
            origins.note(f"{at}.transport_means", (tdt, 8))
            origins.note(f"{at}.mode", (tdt, 3))
        for key in ("place_of_loading", "place_of_unloading"):
            if (segment := header.get(f"loc_{key}")) is not None:
                origins.note(f"{at}.itinerary.{key}", (segment, 2))
        for key in ("departure_at", "arrival_at"):
            if (segment := header.get(f"at_{key}")) is not None:
                origins.note(f"{at}.itinerary.{key}", (segment, 1))

"""IATA Cargo-XML XFFM flight manifests (root `FlightManifest`): the air waybills on one flight.

The Cargo-XML counterpart of Cargo-IMP FFM (`flight_manifest`), read the same way: the flight is the
`LogisticsTransportMovement` (its `ID`, departure airport and time); each `ArrivalEvent` is a point
of unloading whose `AssociatedTransportCargo` is one ULD (`TypeCode` ULD with its
`UtilizedUnitLoadTransportEquipment`) or loose cargo (BLK), carrying `IncludedMasterConsignment`
lines. Each air waybill (`TransportContractDocument/ID`) becomes one consignment under its number,
with one goods item per manifest line (pieces, weight, `SummaryDescription`), the ULDs as equipment
and the flight as transport means. Errors are located by XPath.
"""

from datetime import datetime
from typing import Any, NoReturn

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.airports import to_locode
from safelane.formats.cargo_xml import SECURITY_CODES, mark_update, when
from safelane.formats.located import Origins, build_filing, merge
from safelane.formats.xml_reader import Missing, XmlReader, describe
from safelane.formats.xml_safety import Node, parse_xml

ROOTS = {"FlightManifest": "XFFM"}


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One XFFM to one pre-arrival filing of the air waybills on the flight."""
    root = parse_xml(data)
    document = Node(root)
    if document.name not in ROOTS:
        _refuse(root, "unexpected_root", f"a Cargo-XML flight manifest starts with FlightManifest, not {document.name}")
    movement = document.first("LogisticsTransportMovement")
    if movement is None:
        _refuse(Missing(root, "LogisticsTransportMovement"), "missing_element", "the manifest names no flight")
    flight = movement.text("ID")
    if flight is None:
        _refuse(Missing(movement.element, "ID"), "missing_element", "the flight number is missing")
    origins = Origins(root, describe)
    reader = XmlReader(origins)
    departure = movement.first("DepartureEvent")
    airport = departure.text("OccurrenceDepartureLocation", "ID") if departure else None
    departed = when(departure.text("DepartureOccurrenceDateTime")) if departure else None
    by_awb: dict[str, dict[str, Any]] = {}
    for arrival in document.all("ArrivalEvent"):
        for cargo in arrival.all("AssociatedTransportCargo"):
            uld = _uld(cargo)
            for line in cargo.all("IncludedMasterConsignment"):
                _line(reader, line, flight[:35], uld, departed, by_awb)
    merge(reader.problems)
    if not by_awb:
        _refuse(Missing(root, "ArrivalEvent"), "no_consignment", "the manifest lists no air waybill")
    origins.note("document_number", movement.raw("ID"))
    day = departed.date().isoformat() if departed else None
    filing: dict[str, Any] = {
        "document_number": "/".join(filter(None, (flight, day, airport)))[:70],
        "message_type": "XFFM",
        "kind": "pre_arrival",
        "consignments": [{k: v for k, v in c.items() if k != "_index"} for c in by_awb.values()],
    }
    if filed_at := when(document.text("MessageHeaderDocument", "IssueDateTime")):
        filing["filed_at"] = filed_at
    mark_update(document, filing)
    return [build_filing(filing, origins, filer=filer)]


def _uld(cargo: Node) -> str | None:
    """The ULD's number (type, serial, owner: AKE12345CX); None for loose (BLK) cargo."""
    if cargo.text("TypeCode") != "ULD" or (equipment := cargo.first("UtilizedUnitLoadTransportEquipment")) is None:
        return None
    parts = (equipment.text("CharacteristicCode"), equipment.text("ID"), equipment.text("OperatingParty", "PrimaryID"))
    return "".join(filter(None, parts))[:17] or None


def _line(
    reader: XmlReader,
    line: Node,
    flight: str,
    uld: str | None,
    departed: datetime | None,
    by_awb: dict[str, dict[str, Any]],
) -> None:
    """One manifest line: a goods item of its air waybill's consignment (opened at its first line)."""
    awb = line.text("TransportContractDocument", "ID")
    if awb is None:
        document = line.raw("TransportContractDocument")
        missing = (
            Missing(document, "ID") if document is not None else Missing(line.element, "TransportContractDocument")
        )
        reader.fail(missing, "missing_element", "a manifest line needs its air waybill number")
        return
    consignment = by_awb.get(awb)
    path = f"consignments[{consignment['_index'] if consignment else len(by_awb)}]"
    if consignment is None:
        consignment = by_awb[awb] = {
            "_index": len(by_awb),
            "mode": "air",
            "master_document": awb[:35],
            "goods": [],
            "transport_means": {"identifier": flight},
        }
        reader.origins.note(path, line.element)
        reader.origins.note(f"{path}.master_document", line.element_at("TransportContractDocument", "ID"))
        total = reader.number(line.raw("TotalPieceQuantity"), f"{path}.total_packages", whole=True)
        if total is not None:
            consignment["total_packages"] = int(total)
        itinerary: dict[str, Any] = {}
        for key, tag in (("place_of_loading", "OriginLocation"), ("place_of_unloading", "FinalDestinationLocation")):
            if code := to_locode(line.text(tag, "ID")):
                itinerary[key] = code
                reader.origins.note(f"{path}.itinerary.{key}", line.element_at(tag, "ID"))
        if departed:
            itinerary["departure_at"] = departed
        if itinerary:
            consignment["itinerary"] = itinerary
    where = f"{path}.goods[{len(consignment['goods'])}]"
    reader.origins.note(where, line.element)
    item: dict[str, Any] = {}
    pieces = reader.number(line.raw("PieceQuantity"), f"{where}.packages", whole=True)
    if pieces is None and line.text("TransportSplitDescription") in (None, "T"):
        pieces = consignment.get("total_packages")
    if pieces is not None:
        item["packages"] = int(pieces)
    if (mass := reader.mass(line.raw("GrossWeightMeasure"), f"{where}.gross_mass_kg")) is not None:
        item["gross_mass_kg"] = mass
        if line.text("TransportSplitDescription") in (None, "T"):
            consignment["total_gross_mass_kg"] = mass
    if description := line.text("SummaryDescription"):
        item["description"] = description[:512]
        reader.origins.note(f"{where}.description", line.raw("SummaryDescription"))
    consignment["goods"].append(item)
    if uld and uld not in consignment.setdefault("equipment", []):
        consignment["equipment"].append(uld)
    codes = {sph.text("DescriptionCode") for sph in line.all("HandlingSPHInstructions")}
    if status := next((code for code in SECURITY_CODES if code in codes), None):
        consignment["security_status"] = status


def _refuse(origin: Any, code: str, message: str) -> NoReturn:
    raise InvalidMessage([Problem(describe(origin), code, message)])

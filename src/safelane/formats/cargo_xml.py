"""IATA Cargo-XML air waybills as pre-loading (PLACI) filings: XFWB, XFZB and XFHL.

- XFWB (root `Waybill`, master or direct air waybill): one consignment under the AWB number.
- XFZB (root `HouseWaybill`): one house consignment, filed under the house waybill number.
- XFHL (root `HouseManifest`): the house consignments of one master, filed under the master number.

Read: parties with their structured addresses and, from customs notes (the Cargo-IMP OCI lines),
tax identifiers; pieces, weights, goods descriptions, HS codes, ULDs, routing and flight, and the
security status (SPH code SPX/SCO/SHR/NSC, or an OCI `ISS/SS` note). Airports are IATA codes and
become UN/LOCODEs through `airports`. Errors are located by XPath.
"""

from datetime import UTC, datetime
from typing import Any, NoReturn

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.airports import to_locode
from safelane.formats.located import Origins, build_filing, merge
from safelane.formats.xml_reader import Missing, XmlReader, describe
from safelane.formats.xml_safety import IndexedNode, Node, parse_xml, text_of
from safelane.reference import hs_subheading_known

ROOTS = {"Waybill": "XFWB", "HouseWaybill": "XFZB", "HouseManifest": "XFHL"}
SECURITY_CODES = ("SHR", "SPX", "SCO", "NSC")  # most demanding first


def when(text: str | None) -> datetime | None:
    """Cargo-XML date-times; a time without an offset is read as UTC (the standard leaves it local)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Reader(XmlReader):
    def integer(self, node: Node, name: str, path: str) -> int | None:
        value = self.number(node.raw(name), path, whole=True)
        return int(value) if value is not None else None

    def party(
        self, node: Node | None, path: str, notes: dict[str, list[tuple[str, str]]], subject: str
    ) -> dict[str, Any] | None:
        if node is None:
            return None
        self.origins.note(path, node.element)
        party: dict[str, Any] = {}
        fields = node.children()
        if name := text_of(fields.get("Name")):
            party["name"] = name[:512]
            self.origins.note(f"{path}.name", fields["Name"])
        if (address_element := fields.get("PostalStructuredAddress")) is not None:
            lines = Node(address_element).children()
            address = {}
            for key, tag in (
                ("street", "StreetName"),
                ("city", "CityName"),
                ("postcode", "PostcodeCode"),
                ("country", "CountryID"),
            ):
                if value := text_of(lines.get(tag)):
                    address[key] = value
                    self.origins.note(f"{path}.address.{key}", lines[tag])
            if address:
                party["address"] = address
        identifiers = [{"scheme": "TIN", "value": value} for code, value in notes.get(subject, []) if code == "T"]
        if identifiers:
            party["identifiers"] = identifiers
        if "name" not in party:
            self.fail(Missing(node.element, "Name"), "missing_element", "a party needs a name")
        return party

    def notes(self, node: Node) -> dict[str, list[tuple[str, str]]]:
        """Customs notes (OCI) by subject: SHP shipper, CNE consignee, ISS issuer/security, CUS customs."""
        by_subject: dict[str, list[tuple[str, str]]] = {}
        for note in node.all("IncludedCustomsNote"):
            fields = note.fields()
            code, content = fields.get("ContentCode"), fields.get("Content")
            if code and content:
                by_subject.setdefault(fields.get("SubjectCode", ""), []).append((code, content))
        return by_subject

    def security(self, node: Node, notes: dict[str, list[tuple[str, str]]]) -> str | None:
        codes = {sph.text("DescriptionCode") for sph in node.all("HandlingSPHInstructions")}
        for code in SECURITY_CODES:
            if code in codes:
                return code
        declared = [content for code, content in notes.get("ISS", []) if code == "SS"]
        return declared[0][:8] if declared else None

    def goods(self, items: list[Node], path: str) -> tuple[list[dict[str, Any]], list[str]]:
        """Goods items from (master or house) consignment items; a line without a description continues the
        one before it (Cargo-IMP's rating sub-lines), and adds a goods item only when it carries an HS code."""
        goods: list[dict[str, Any]] = []
        equipment: list[str] = []
        for item in items:
            for uld in item.all("AssociatedUnitLoadTransportEquipment"):
                number = "".join(
                    filter(
                        None, (uld.text("CharacteristicCode"), uld.text("ID"), uld.text("OperatingParty", "PrimaryID"))
                    )
                )
                if number:
                    equipment.append(number[:17])
            where = f"{path}.goods[{len(goods)}]"
            description = item.text("NatureIdentificationTransportCargo", "Identification")
            hs = (item.text("TypeCode") or "").replace(".", "").replace(" ", "")
            hs_code = hs if hs_subheading_known(hs) and len(hs) <= 10 else None
            if description is None:
                if hs_code and goods:
                    goods.append({"description": goods[-1]["description"], "hs_code": hs_code})
                    self.origins.note(f"{where}.hs_code", item.raw("TypeCode"))
                continue
            self.origins.note(where, item.element)
            self.origins.note(
                f"{where}.description", item.element_at("NatureIdentificationTransportCargo", "Identification")
            )
            entry: dict[str, Any] = {"description": description[:512]}
            if hs_code:
                entry["hs_code"] = hs_code
                self.origins.note(f"{where}.hs_code", item.raw("TypeCode"))
            pieces = self.integer(item, "PieceQuantity", f"{where}.packages")
            if pieces is not None:
                entry["packages"] = pieces
                listed = [
                    self.integer(p, "ItemQuantity", f"{where}.packages") for p in item.all("TransportLogisticsPackage")
                ]
                counts = [n for n in listed if n is not None]
                if listed and len(counts) == len(listed) and sum(counts) != pieces:
                    self.fail(
                        item.raw("PieceQuantity"),
                        "piece_count_mismatch",
                        f"{pieces} pieces declared, but the packages listed (TransportLogisticsPackage/"
                        f"ItemQuantity) add up to {sum(counts)}",
                    )
            if (mass := self.mass(item.raw("GrossWeightMeasure"), f"{where}.gross_mass_kg")) is not None:
                entry["gross_mass_kg"] = mass
            if origin := item.text("OriginCountry", "ID"):
                entry["origin_country"] = origin
                self.origins.note(f"{where}.origin_country", item.element_at("OriginCountry", "ID"))
            goods.append(entry)
        return goods, equipment

    def route(self, consignment: Node, path: str, fallback: Node | None = None) -> tuple[dict[str, Any], Any]:
        """Itinerary from origin, destination and the flights; returns it and the first flight's means."""
        itinerary: dict[str, Any] = {}
        places: list[str] = []
        for key, tag in (("place_of_loading", "OriginLocation"), ("place_of_unloading", "FinalDestinationLocation")):
            source = consignment if consignment.first(tag) is not None else fallback
            if source is None:
                continue
            code = to_locode(source.text(tag, "ID"))
            if code:
                itinerary[key] = code
                self.origins.note(f"{path}.itinerary.{key}", source.element_at(tag, "ID"))
        means = None
        movements = list(consignment.all("SpecifiedLogisticsTransportMovement"))
        if not movements and fallback is not None:
            movements = list(fallback.all("SpecifiedLogisticsTransportMovement"))
        for i, movement in enumerate(movements):
            fields = movement.children()
            departure_event = Node(fields["DepartureEvent"]) if "DepartureEvent" in fields else None
            arrival_event = Node(fields["ArrivalEvent"]) if "ArrivalEvent" in fields else None
            if text_of(fields.get("ModeCode")) is None:
                self.fail(
                    Missing(movement.element, "ModeCode"),
                    "missing_element",
                    "a transport movement needs its mode code (UN/ECE Recommendation 19; 4 = air)",
                )
            departure = departure_event.text("OccurrenceDepartureLocation", "ID") if departure_event else None
            arrival = arrival_event.text("OccurrenceArrivalLocation", "ID") if arrival_event else None
            places += [p for p in (to_locode(departure), to_locode(arrival)) if p]
            if i == 0:
                if flight := text_of(fields.get("ID")):
                    means = {"identifier": flight[:35]}
                    self.origins.note(f"{path}.transport_means", fields["ID"])
                if departure_event and (moment := when(departure_event.text("ScheduledOccurrenceDateTime"))):
                    itinerary["departure_at"] = moment
                    self.origins.note(f"{path}.itinerary.departure_at", movement.element)
            if (
                i == len(movements) - 1
                and arrival_event
                and (moment := when(arrival_event.text("ScheduledOccurrenceDateTime")))
            ):
                itinerary["arrival_at"] = moment
                self.origins.note(f"{path}.itinerary.arrival_at", movement.element)
        countries: list[str] = []
        for place in [itinerary.get("place_of_loading"), *places, itinerary.get("place_of_unloading")]:
            if place and place[:2] not in countries:
                countries.append(place[:2])
        if len(countries) > 2:
            itinerary["routing_countries"] = countries[1:-1]
        return itinerary, means

    def consignment(
        self,
        node: Node,
        path: str,
        *,
        master: str | None,
        house: str | None,
        items: str,
        master_node: Node | None = None,
    ) -> dict[str, Any]:
        node = IndexedNode(node.element)
        self.origins.note(path, node.element)
        notes = self.notes(node)
        data: dict[str, Any] = {"mode": "air"}
        if master:
            data["master_document"] = master[:35]
        if house:
            data["house_document"] = house[:35]
            self.origins.note(f"{path}.house_document", node.raw("ID"))
        for role, tag, subject in (("consignor", "ConsignorParty", "SHP"), ("consignee", "ConsigneeParty", "CNE")):
            if (party := self.party(node.first(tag), f"{path}.{role}", notes, subject)) is not None:
                data[role] = party
        if (pieces := self.integer(node, "TotalPieceQuantity", f"{path}.total_packages")) is not None:
            data["total_packages"] = pieces
        mass = self.mass(node.raw("IncludedTareGrossWeightMeasure"), f"{path}.total_gross_mass_kg")
        if mass is not None:
            data["total_gross_mass_kg"] = mass
        container = node.first("ApplicableRating") or node
        goods, equipment = self.goods(list(container.all(items)), path)
        if not goods and (summary := node.text("SummaryDescription")):
            goods = [{"description": summary[:512]}]
            if pieces:
                goods[0]["packages"] = pieces
            if mass:
                goods[0]["gross_mass_kg"] = mass
            self.origins.note(f"{path}.goods[0]", node.raw("SummaryDescription"))
        if not goods:  # no description at all: filed as it is; the PLACI 7+1 check asks for it (RFI)
            goods = [{k: v for k, v in (("packages", pieces), ("gross_mass_kg", mass)) if v}]
        data["goods"] = goods
        if equipment:
            data["equipment"] = equipment
        itinerary, means = self.route(node, path, master_node)
        if itinerary:
            data["itinerary"] = itinerary
        if means:
            data["transport_means"] = means
        if status := self.security(node, notes) or (self.security(master_node, {}) if master_node else None):
            data["security_status"] = status
        return data


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One Cargo-XML message to one pre-loading filing."""
    root = parse_xml(data)
    document = Node(root)
    message_type = ROOTS.get(document.name)
    if message_type is None:
        raise_problem(
            root,
            "unexpected_root",
            f"a Cargo-XML waybill starts with Waybill, HouseWaybill or HouseManifest, not {document.name}",
        )
    origins = Origins(root, describe)
    reader = _Reader(origins)
    master_node = document.first("MasterConsignment")
    header = document.first("BusinessHeaderDocument")
    if master_node is None or header is None:
        missing = "MasterConsignment" if master_node is None else "BusinessHeaderDocument"
        raise_problem(Missing(root, missing), "missing_element", f"the message has no {missing}")
    number = header.text("ID")
    if number is None:
        raise_problem(Missing(header.element, "ID"), "missing_element", "the waybill number is missing")
    origins.note("document_number", header.raw("ID"))
    if message_type == "XFWB":
        consignments = [
            reader.consignment(
                master_node, "consignments[0]", master=number, house=None, items="IncludedMasterConsignmentItem"
            )
        ]
        document_number = number
    else:
        mawb = master_node.text("TransportContractDocument", "ID")
        houses = list(master_node.all("IncludedHouseConsignment"))
        if not houses:
            raise_problem(
                Missing(master_node.element, "IncludedHouseConsignment"),
                "missing_element",
                "the message carries no house consignment",
            )
        consignments = [
            reader.consignment(
                house,
                f"consignments[{i}]",
                master=mawb,
                house=house.text("ID") or (number if message_type == "XFZB" else None),
                items="IncludedHouseConsignmentItem",
                master_node=master_node,
            )
            for i, house in enumerate(houses)
        ]
        document_number = number if message_type == "XFZB" else (mawb or number)
    merge(reader.problems)
    filing: dict[str, Any] = {
        "document_number": document_number[:70],
        "message_type": message_type,
        "kind": "pre_loading",
        "consignments": consignments,
    }
    if filed_at := when(document.text("MessageHeaderDocument", "IssueDateTime")):
        filing["filed_at"] = filed_at
    mark_update(document, filing)
    return [build_filing(filing, origins, filer=filer)]


def mark_update(document: Node, filing: dict[str, Any]) -> None:
    """A message with PurposeCode `Update` is the next version of the one filed before under its name."""
    if (document.text("MessageHeaderDocument", "PurposeCode") or "").lower() == "update":
        filing["amends"] = filing["document_number"]


def raise_problem(origin: Any, code: str, message: str) -> NoReturn:
    raise InvalidMessage([Problem(describe(origin), code, message)])

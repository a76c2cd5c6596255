"""WCO Data Model declarations in the DMS XML (as UK CDS uses it): one declaration, one consignment.

Read from `MetaData/Declaration`: the trader's reference (FunctionalReferenceID, the LRN) or the MRN
(ID) as the document number; exporter/consignor, importer/consignee and declarant, each with its
EORI; the mode of transport at the border; transport means and equipment; goods items with
description, commodity code (the first Classification that is a tariff code), packages, masses,
invoice value and origin; additional and previous documents; and AEO authorisations, which become
`AEO` identifiers of the party with that EORI. A party given only by its EORI is named by it.

A partial amendment (TypeCode COR, FunctionCode 13) carries only what changes; it cannot stand as a
declaration on its own, so it is refused with a clear, located error. Errors are XPaths.
"""

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.located import Origins, build_filing, merge
from safelane.formats.standard import not_a_filing
from safelane.formats.xml_reader import XmlReader, describe
from safelane.formats.xml_safety import Node, parse_xml, xpath_of

ROOTS = {"MetaData": "DMS", "Declaration": "DMS"}
# Mode of transport at the border (UCC DE 7/4, after UN/ECE Recommendation 19)
MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "postal", "8": "sea"}
TARIFF_CLASSIFICATIONS = ("TSP", "HS", "CV", "TSC")  # commodity code schemes, most used first
AEO_AUTHORISATIONS = ("AEOC", "AEOS", "AEOF")
# Customs' notifications (MetaData/Response) by function code, as HMRC's CDS names them: answers, not filings.
NOTIFICATIONS = {
    "01": "DMSACC",
    "02": "DMSRCV",
    "03": "DMSREJ",
    "05": "DMSCTL",
    "06": "DMSDOC",
    "07": "DMSRES",
    "08": "DMSROG",
    "09": "DMSCLE",
    "10": "DMSINV",
    "11": "DMSREQ",
    "13": "DMSTAX",
    "14": "DMSCPI",
    "15": "DMSCPR",
    "16": "DMSEOG",
    "18": "DMSGER",
}


def moment(text: str | None) -> datetime | None:
    """DMS format 304 date-times: yyyyMMddHHmmss followed by the offset in hours (+01), or a Z."""
    match = re.fullmatch(r"(\d{14})(?:([+-])(\d{2})|Z)?", text or "")
    if not match:
        return None
    try:
        base = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    hours = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
    return base.replace(tzinfo=timezone(timedelta(hours=hours)))


class _Reader(XmlReader):
    def party(self, node: Node | None, path: str) -> dict[str, Any] | None:
        if node is None:
            return None
        self.origins.note(path, node.element)
        party: dict[str, Any] = {}
        eori = node.text("ID")
        if eori:
            party["identifiers"] = [{"scheme": "EORI", "value": eori[:64]}]
            self.origins.note(f"{path}.identifiers[0].value", node.raw("ID"))
        name = node.text("Name") or eori
        if name is None:
            return None
        party["name"] = name[:512]
        self.origins.note(f"{path}.name", node.raw("Name") if node.raw("Name") is not None else node.raw("ID"))
        address_node = node.first("Address")
        if address_node is not None:
            address = {}
            for key, tag in (
                ("street", "Line"),
                ("city", "CityName"),
                ("postcode", "PostcodeID"),
                ("country", "CountryCode"),
            ):
                if value := address_node.text(tag):
                    address[key] = value
                    self.origins.note(f"{path}.address.{key}", address_node.raw(tag))
            if address:
                party["address"] = address
        return party

    def documents(self, nodes: list[Node], path: str, start: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for node in nodes:
            kind = (node.text("CategoryCode") or "") + (node.text("TypeCode") or "")
            reference = node.text("ID")
            if kind and reference:
                self.origins.note(f"{path}.documents[{start + len(found)}]", node.element)
                found.append({"type": kind[:8], "reference": reference[:512]})
        return found

    def goods(self, item: Node, path: str) -> dict[str, Any]:
        self.origins.note(path, item.element)
        entry: dict[str, Any] = {}
        commodity = item.first("Commodity") or Node(item.element)
        if (sequence := self.number(item.raw("SequenceNumeric"), f"{path}.sequence", whole=True)) is not None:
            entry["sequence"] = sequence
        if description := commodity.text("Description"):
            entry["description"] = description[:512]
            self.origins.note(f"{path}.description", commodity.raw("Description"))
        else:
            self.problems.append(
                Problem(
                    f"{xpath_of(commodity.element)}/Description",
                    "missing_goods_description",
                    "a goods item needs a description",
                )
            )
        classes = {c.text("IdentificationTypeCode"): c for c in commodity.all("Classification")}
        for scheme in TARIFF_CLASSIFICATIONS:
            if scheme in classes and (code := classes[scheme].text("ID")):
                entry["hs_code"] = code
                self.origins.note(f"{path}.hs_code", classes[scheme].raw("ID"))
                break
        measure = commodity.first("GoodsMeasure")
        if measure is not None:
            for key, tag in (("gross_mass_kg", "GrossMassMeasure"), ("net_mass_kg", "NetNetWeightMeasure")):
                if (mass := self.mass(measure.raw(tag), f"{path}.{key}")) is not None:
                    entry[key] = mass
        amount = commodity.path("InvoiceLine", "ItemChargeAmount")
        if (
            amount is not None
            and (value := self.number(amount.element, f"{path}.value.amount", whole=False)) is not None
        ):
            entry["value"] = {"amount": value, "currency": amount.attribute("currencyID") or ""}
            self.origins.note(f"{path}.value.currency", amount.element)
        if origin := item.text("Origin", "CountryCode"):
            entry["origin_country"] = origin
            self.origins.note(f"{path}.origin_country", item.element_at("Origin", "CountryCode"))
        packages = 0
        for packaging in item.all("Packaging"):
            packages += int(self.number(packaging.raw("QuantityQuantity"), f"{path}.packages", whole=True) or 0)
            if "package_kind" not in entry and (kind := packaging.text("TypeCode")):
                entry["package_kind"] = kind[:3]
                self.origins.note(f"{path}.package_kind", packaging.raw("TypeCode"))
        if packages:
            entry["packages"] = packages
        return entry


def _declaration(root: etree._Element) -> Node:
    document = Node(root)
    if document.name == "Declaration":
        return document
    if document.name == "MetaData" and (declaration := document.first("Declaration")) is not None:
        return declaration
    if document.name == "MetaData" and (response := document.first("Response")) is not None:
        code = response.text("FunctionCode") or ""
        name = NOTIFICATIONS.get(code, "a DMS response")
        raise not_a_filing(xpath_of(response.element), f"DMS notification {name}, function code {code or 'none'}")
    raise InvalidMessage(
        [
            Problem(
                xpath_of(root),
                "unexpected_root",
                f"expected a WCO DMS declaration (MetaData/Declaration), got {document.name}",
            )
        ]
    )


def read(data: bytes) -> tuple[dict[str, Any], Origins]:
    """The declaration as filing data (before domain validation) and where each field came from."""
    root = parse_xml(data)
    declaration = _declaration(root)
    origins = Origins(root, describe)
    reader = _Reader(origins)
    at = "consignments[0]"
    if declaration.text("TypeCode") == "COR" or declaration.text("FunctionCode") == "13":
        raise InvalidMessage(
            [
                Problem(
                    xpath_of(declaration.element) + "/TypeCode",
                    "partial_amendment",
                    "a partial amendment (COR) cannot be assessed alone; file the whole "
                    "declaration again as a new version",
                )
            ]
        )
    lrn, mrn = declaration.text("FunctionalReferenceID"), declaration.text("ID")
    number = mrn or lrn
    if number is None:
        raise InvalidMessage(
            [
                Problem(
                    xpath_of(declaration.element) + "/FunctionalReferenceID",
                    "missing_element",
                    "the declaration has no reference number (LRN) or MRN",
                )
            ]
        )
    origins.note("document_number", declaration.raw("ID" if mrn else "FunctionalReferenceID"))
    consignment: dict[str, Any] = {"consignment_id": (lrn or number)[:70]}
    shipment = declaration.first("GoodsShipment") or Node(declaration.element)
    transport = shipment.first("Consignment")
    border = declaration.first("BorderTransportMeans")
    arrival = transport.first("ArrivalTransportMeans") if transport is not None else None
    mode_code = (border.text("ModeCode") if border is not None else None) or (
        arrival.text("ModeCode") if arrival is not None else None
    )
    if mode_code in MODES:
        consignment["mode"] = MODES[mode_code]
        origins.note(f"{at}.mode", border.element if border is not None else arrival.element)  # type: ignore[union-attr]
    else:
        where = border.element if border is not None else declaration.element
        reader.problems.append(
            Problem(
                f"{xpath_of(where)}/ModeCode",
                "unknown_transport_mode",
                f"mode of transport at the border {mode_code!r} is not one of {', '.join(sorted(MODES))}",
            )
        )
    means_id = (border.text("ID") if border is not None else None) or (arrival.text("ID") if arrival else None)
    if means_id:
        consignment["transport_means"] = {"identifier": means_id[:35]}
        if border is not None and (nationality := border.text("RegistrationNationalityCode")):
            consignment["transport_means"]["nationality"] = nationality
            origins.note(f"{at}.transport_means.nationality", border.raw("RegistrationNationalityCode"))
    if transport is not None:
        if contract := transport.text("TransportContractDocument", "ID"):
            consignment["master_document"] = contract[:35]
        equipment = [e.text("ID") for e in transport.all("TransportEquipment")]
        if equipment := [e[:17] for e in equipment if e]:
            consignment["equipment"] = equipment
        seals = [s.text("ID") for e in transport.all("TransportEquipment") for s in e.all("Seal")]
        if seals := [s[:35] for s in seals if s]:
            consignment["seals"] = seals
        if loading := transport.text("LoadingLocation", "ID"):
            consignment.setdefault("itinerary", {})["place_of_loading"] = loading
            origins.note(f"{at}.itinerary.place_of_loading", transport.element_at("LoadingLocation", "ID"))
        routing = [(i.text("RoutingCountryCode"), i.raw("RoutingCountryCode")) for i in transport.all("Itinerary")]
        if routing := [(c, e) for c, e in routing if c]:
            consignment.setdefault("itinerary", {})["routing_countries"] = [c for c, _ in routing]
            for i, (_, element) in enumerate(routing):
                origins.note(f"{at}.itinerary.routing_countries[{i}]", element)
    roles = (
        ("consignor", declaration.first("Exporter") or shipment.first("Consignor")),
        ("consignee", shipment.first("Importer") or shipment.first("Consignee")),
        ("declarant", declaration.first("Declarant")),
    )
    for role, node in roles:
        if (party := reader.party(node, f"{at}.{role}")) is not None:
            consignment[role] = party
    aeo = {h.text("ID") for h in declaration.all("AuthorisationHolder") if h.text("CategoryCode") in AEO_AUTHORISATIONS}
    for role, _ in roles:
        party = consignment.get(role)
        if party and any(i["value"] in aeo for i in party.get("identifiers", [])):
            party["identifiers"].append({"scheme": "AEO", "value": party["identifiers"][0]["value"]})
    items = list(shipment.all("GovernmentAgencyGoodsItem"))
    consignment["goods"] = [reader.goods(item, f"{at}.goods[{i}]") for i, item in enumerate(items)]
    origins.note(f"{at}.goods", shipment.element)
    documents = reader.documents(list(declaration.all("AdditionalDocument")), at, 0)
    documents += reader.documents(list(shipment.all("PreviousDocument")), at, len(documents))
    for item in items:
        documents += reader.documents(list(item.all("AdditionalDocument")), at, len(documents))
    if documents:
        consignment["documents"] = documents[:100]
    if total := reader.number(declaration.raw("TotalPackageQuantity"), f"{at}.total_packages", whole=True):
        consignment["total_packages"] = total
    gross = reader.mass(declaration.raw("TotalGrossMassMeasure"), f"{at}.total_gross_mass_kg")
    if gross is not None:
        consignment["total_gross_mass_kg"] = gross
    if office := declaration.text("SupervisingOffice", "ID") or declaration.text("PresentationOffice", "ID"):
        consignment["office"] = office[:17]
    merge(reader.problems)
    filing: dict[str, Any] = {
        "document_number": number[:70],
        "message_type": "DMS",
        "kind": "declaration",
        "consignments": [consignment],
    }
    if accepted := moment(declaration.text("AcceptanceDateTime", "DateTimeString")):
        filing["filed_at"] = accepted
    return filing, origins


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One DMS declaration to one declaration filing."""
    filing, origins = read(data)
    return [build_filing(filing, origins, filer=filer)]

"""The demo's ePhyto certificates: SPSCertificate:17 documents an exporting NPPO would issue for planted plants.

Built element by element in the shape of the shipped ePhyto samples (tests/fixtures/messages/ephyto, after the
Mattilsynet mock of a SENASA certificate), holding only what a border check compares: number, status, issuer,
consignor and consignee, export and import country, the vessel, and one trade line item per goods item (HS code,
description, scientific name, net weight, origin). They reach the store through the Hub boundary (`LocalHub`,
the Hub's envelope) as a Hub client's would.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from safelane.ephyto import hub
from safelane.ephyto.reader import Read
from safelane.store import Database
from safelane.store import certificates as certificate_store

SPS = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21"
ISSUED = "70"  # SPSExchangedDocument/StatusCode as the Hub uses it
NPPOS = {"US": "USDA APHIS Plant Protection and Quarantine", "BR": "Ministério da Agricultura e Pecuária (MAPA)"}
ACTOR = "demo-ephyto-hub"


@dataclass(frozen=True)
class Plant:
    """What the certificate says of one goods item: the plant's names, HS code, net weight and origin."""

    hs_code: str
    description: str
    scientific_name: str
    net_kg: float
    origin: str


def _add(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{RAM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def certificate_xml(number: str, issued_at: datetime, consignment: Mapping[str, Any], plants: list[Plant]) -> bytes:
    """The SPSCertificate:17 an NPPO issues for a consignment (the native JSON dict the filer sends)."""
    exporting = plants[0].origin
    root = etree.Element(f"{{{SPS}}}SPSCertificate", nsmap={"rsm": SPS, "ram": RAM, "udt": UDT})
    document = etree.SubElement(root, f"{{{SPS}}}SPSExchangedDocument")
    _add(document, "Name", "Phytosanitary Certificate")
    _add(document, "ID", number)
    _add(document, "TypeCode", "851")
    _add(document, "StatusCode", ISSUED)
    issued = _add(document, "IssueDateTime")
    etree.SubElement(issued, f"{{{UDT}}}DateTimeString").text = issued_at.isoformat()
    _add(_add(document, "IssuerSPSParty"), "Name", NPPOS.get(exporting, f"NPPO of {exporting}"))
    body = etree.SubElement(root, f"{{{SPS}}}SPSConsignment")
    for role, element in (("consignor", "ConsignorSPSParty"), ("consignee", "ConsigneeSPSParty")):
        party = consignment[role]
        node = _add(body, element)
        _add(node, "Name", party["name"])
        address = _add(node, "SpecifiedSPSAddress")
        _add(address, "LineOne", party["address"].get("street") or "")
        _add(address, "LineTwo", party["address"].get("city") or "")
    _add(_add(body, "ExportSPSCountry"), "ID", exporting)
    _add(_add(body, "ImportSPSCountry"), "ID", consignment["itinerary"]["place_of_unloading"][:2])
    movement = _add(body, "MainCarriageSPSTransportMovement")
    _add(movement, "ModeCode", "1")  # UN/CEFACT Recommendation 19: maritime
    _add(_add(movement, "UsedSPSTransportMeans"), "Name", f"Ocean Vessel: {consignment['transport_means']['name']}")
    item = _add(body, "IncludedSPSConsignmentItem")
    for sequence, plant in enumerate(plants):
        line = _add(item, "IncludedSPSTradeLineItem")
        _add(line, "SequenceNumeric", str(sequence))
        _add(line, "Description", plant.description, languageID="en")
        _add(line, "ScientificName", plant.scientific_name)
        _add(line, "NetWeightMeasure", f"{plant.net_kg:g}", unitCode="KGM")
        classification = _add(line, "ApplicableSPSClassification")
        _add(classification, "SystemName", "HS")
        _add(classification, "ClassCode", plant.hs_code)
        _add(_add(line, "OriginSPSCountry"), "ID", plant.origin)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def deliver(db: Database, issued: list[tuple[str, bytes]], *, at: datetime) -> int:
    """Pass certificates (number, XML) through the Hub boundary into the store, as a Hub client would; how many
    were kept. Each travels in the Hub's envelope, so the envelope is read as the intake reads the real Hub's."""
    local = hub.LocalHub()
    for serial, (number, xml) in enumerate(issued):
        sender = number[:2]
        delivery = f"HUB-DEMO-{at:%Y%m%d}-{serial:04d}"
        local.deliver(delivery, hub.envelope(xml, sender=sender, receiver="EU", number=number, delivery=delivery))

    def keep(found: Read, envelope: bytes) -> None:
        with db.write() as conn:
            certificate_store.save(conn, found.certificate, found.warnings, envelope, at=at, actor=ACTOR)

    return hub.receive(local, keep)

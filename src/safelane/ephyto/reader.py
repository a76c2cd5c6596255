"""Read an SPSCertificate:17 ePhyto, bare or inside an IPPC Hub envelope, into a `Certificate`.

Refused (InvalidMessage, each problem located): what is not well-formed XML, not a certificate or envelope, or
lacks what a certificate is recognised by (its number, type, status, consignment). Everything else that is odd
(schema errors, an unreadable weight) is kept as a warning beside the certificate (schema.py says why).
"""

from dataclasses import dataclass, field, replace

from lxml import etree

from safelane.domain import InvalidMessage, Problem
from safelane.ephyto.certificate import STATUSES, Certificate, Commodity, Quantity, Trader, Transport
from safelane.ephyto.schema import schema_warnings
from safelane.formats.xml_safety import Node, local, parse_xml, xpath_of

SPS = "urn:un:unece:uncefact:data:standard:SPSCertificate:17"
HUB = "http://ephyto.ippc.int/HUB.Entities"


@dataclass
class Read:
    certificate: Certificate
    warnings: list[Problem] = field(default_factory=list)


def read(data: bytes) -> Read:
    """The certificate in `data` (an SPSCertificate or a Hub Envelope/ePhytoEnvelope) and its warnings."""
    root = parse_xml(data)
    if local(root) == "SPSCertificate":
        return _certificate(root, schema_warnings(root))
    if local(root) == "Envelope" or local(root) == "ePhytoEnvelope":
        return _envelope(root)
    raise InvalidMessage(
        [Problem(xpath_of(root), "not_a_certificate", f"expected SPSCertificate or a Hub Envelope, got {local(root)}")]
    )


def _envelope(root: etree._Element) -> Read:
    """The Hub's envelope carries the certificate as escaped XML text (Content) or as an element."""
    node = Node(root)
    warnings = schema_warnings(root, envelope=True) if root.tag == f"{{{HUB}}}Envelope" else []
    inner = next(root.iterchildren(f"{{{SPS}}}SPSCertificate"), None)
    if inner is None:
        content = node.raw("Content")
        if content is None or not (content.text or "").strip():
            raise InvalidMessage([Problem(f"{xpath_of(root)}/Content", "missing", "the envelope holds no certificate")])
        try:
            inner = parse_xml(content.text.strip().encode("utf-8"))  # type: ignore[union-attr]
        except InvalidMessage as error:
            where = xpath_of(content)
            raise InvalidMessage(
                [Problem(f"{where}: {p.location}", p.code, p.message) for p in error.problems]
            ) from None
        if local(inner) != "SPSCertificate":
            raise InvalidMessage([Problem(xpath_of(content), "not_a_certificate", "Content is not an SPSCertificate")])
    result = _certificate(inner, schema_warnings(inner))
    certificate = result.certificate
    number = node.text("NPPOCertificateNumber")
    if number and number != result.certificate.certificate_id:
        raise InvalidMessage(
            [
                Problem(
                    f"{xpath_of(root)}/NPPOCertificateNumber",
                    "envelope_mismatch",
                    f"the envelope names certificate {number!r}, the certificate is {certificate.certificate_id!r}",
                )
            ]
        )
    hub_delivery = node.text("hubDeliveryNumber")
    sender = node.text("From")
    if hub_delivery or (sender and not certificate.issuing_country):
        certificate = replace(
            certificate, hub_delivery=hub_delivery, issuing_country=certificate.issuing_country or sender
        )
    return Read(certificate, warnings + result.warnings)


def _required(node: Node | None, parent: etree._Element, *names: str) -> str:
    value = node.text(*names) if node is not None else None
    if not value:
        raise InvalidMessage([Problem(f"{xpath_of(parent)}/{'/'.join(names)}", "missing", f"{names[-1]} is required")])
    return value


def _certificate(root: etree._Element, warnings: list[Problem]) -> Read:
    top = Node(root)
    document, consignment = top.first("SPSExchangedDocument"), top.first("SPSConsignment")
    if document is None or consignment is None:
        missing = "SPSExchangedDocument" if document is None else "SPSConsignment"
        raise InvalidMessage([Problem(f"{xpath_of(root)}/{missing}", "missing", f"{missing} is required")])
    problems: list[Problem] = []
    fields: dict[str, str] = {}
    for name in ("ID", "TypeCode", "StatusCode"):
        try:
            fields[name] = _required(document, document.element, name)
        except InvalidMessage as error:
            problems += error.problems
    status_code = fields.get("StatusCode")
    if status_code is not None and status_code not in STATUSES:
        problems.append(
            Problem(
                xpath_of(document.element) + "/StatusCode",
                "unknown_status",
                f"status code {status_code!r} is not one of {sorted(STATUSES)} (certificate-statuses.json)",
            )
        )
    if problems:
        raise InvalidMessage(problems)
    notes = {n.text("Subject"): n.text("Content") for n in document.all("IncludedSPSNote")}
    commodities = [
        _commodity(line, warnings)
        for item in consignment.all("IncludedSPSConsignmentItem")
        for line in item.all("IncludedSPSTradeLineItem")
    ]
    entry = consignment.first("UnloadingBaseportSPSLocation")
    certificate = Certificate(
        certificate_id=fields["ID"],
        type_code=fields["TypeCode"],
        status=STATUSES[fields["StatusCode"]],
        status_code=fields["StatusCode"],
        issued_at=document.text("IssueDateTime", "DateTimeString"),
        issuing_country=consignment.text("ExportSPSCountry", "ID"),
        importing_country=consignment.text("ImportSPSCountry", "ID"),
        consignor=_trader(consignment.first("ConsignorSPSParty")),
        consignee=_trader(consignment.first("ConsigneeSPSParty")),
        commodities=commodities,
        transport=[_transport(m) for m in consignment.all("MainCarriageSPSTransportMovement")],
        entry_point=(entry.text("ID") or entry.text("Name")) if entry is not None else None,
        replaces=notes.get("ADRPN"),
        origin_countries=sorted({c.origin_country for c in commodities if c.origin_country}),
    )
    return Read(certificate, warnings)


def _trader(party: Node | None) -> Trader | None:
    if party is None or not (name := party.text("Name")):
        return None
    address = party.first("SpecifiedSPSAddress")
    lines = (
        [v for k, v in address.fields().items() if k in ("LineOne", "LineTwo", "LineThree", "CityName")]
        if address
        else []
    )
    return Trader(name, ", ".join(lines) or None)


def _transport(movement: Node) -> Transport:
    return Transport(
        mode=movement.text("ModeCode"),
        name=movement.text("UsedSPSTransportMeans", "Name"),
        reference=movement.text("ID"),
    )


def _number(element: etree._Element | None, warnings: list[Problem]) -> float | None:
    if element is None or not (element.text or "").strip():
        return None
    try:
        return float(element.text.strip())  # type: ignore[union-attr]
    except ValueError:
        warnings.append(Problem(xpath_of(element), "not_a_number", f"{local(element)} is not a number"))
        return None


def _commodity(line: Node, warnings: list[Problem]) -> Commodity:
    hs = next(
        (c.text("ClassCode") for c in line.all("ApplicableSPSClassification") if c.text("SystemName") == "HS"), None
    )
    descriptions = list(line.all("Description"))
    english = next((d for d in descriptions if d.attribute("languageID") == "en"), None)
    description = english or (descriptions[0] if descriptions else None)
    net = line.raw("NetWeightMeasure")
    net_kg = _number(net, warnings) if net is not None and net.get("unitCode", "KGM") == "KGM" else None
    quantity: Quantity | None = None
    weight = net if net is not None else line.raw("GrossWeightMeasure")
    if (value := _number(weight, warnings)) is not None and weight is not None:
        quantity = Quantity(value, weight.get("unitCode", "KGM"))
    else:
        package = next((p for p in line.all("PhysicalSPSPackage") if p.text("LevelCode") in (None, "1")), None)
        notes = {n.text("Subject"): n.text("Content") for n in line.all("AdditionalInformationSPSNote")}
        if package is not None and (count := _number(package.raw("ItemQuantity"), warnings)) is not None:
            quantity = Quantity(count, package.text("TypeCode") or "packages")
        elif notes.get("OQV"):
            try:
                quantity = Quantity(float(notes["OQV"] or ""), notes.get("OQU") or "units")
            except ValueError:
                warnings.append(Problem(xpath_of(line.element), "not_a_number", "the OQV quantity is not a number"))
    sequence = line.text("SequenceNumeric")
    return Commodity(
        sequence=int(sequence) if sequence and sequence.isdigit() else None,
        hs_code=hs,
        description=" ".join((description.element.text or "").split()) or None if description else None,
        scientific_name=line.text("ScientificName"),
        common_name=line.text("CommonName"),
        net_kg=net_kg,
        quantity=quantity,
        origin_country=line.text("OriginSPSCountry", "ID"),
    )

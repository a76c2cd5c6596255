"""EU ICS entry summary declarations (ENS): IE315 (CC315A) and its amendment IE313 (CC313A).

ICS1 messages use abbreviated element names (TotGroMasHEA307). One ENS is one consignment; its
parties come from the header (TRACONCO1, TRACONCE1, NOTPAR670, TRACARENT601, PERLODSUMDEC), or,
when the header has none, from the first goods item (TRACONCO2...). A party given only by its TIN
is named by it, since the domain needs a name. A message inside a SOAP envelope is unwrapped.

The reader is lenient where ICS1 is (a goods item may carry a commodity code instead of a
description: the nomenclature's description is used then) and strict where safelane must be: every
number must be a number, and codes must exist (the reference checks). Errors are XPaths.
"""

import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats.located import Origins, build_filing, merge
from safelane.formats.standard import not_a_filing
from safelane.formats.xml_reader import XmlReader, describe
from safelane.formats.xml_safety import Node, local, parse_xml, xpath_of
from safelane.reference import hs_description, hs_subheading_known

ROOTS = {"CC315A": "IE315", "CC313A": "IE313"}
# What customs sends back to the filer (ICS1 message names): refused as answers, not read as filings.
ANSWERS = {
    "CC304A": "IE304 amendment acceptance",
    "CC305A": "IE305 amendment rejection",
    "CC316A": "IE316 ENS rejection",
    "CC328A": "IE328 ENS acceptance with its MRN",
    "CC351A": "IE351 advance intervention notification",
    "SuccessResponse": "HMRC's receipt of an ENS",
    "ErrorResponse": "HMRC's refusal of an ENS",
}
# ICS transport mode at the border (the EU's list, after UN/ECE Recommendation 19)
MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "postal", "8": "sea"}
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")

# Party groups: header element -> role; the item-level equivalents serve when the header has none.
HEADER_PARTIES = {
    "TRACONCO1": "consignor",
    "TRACONCE1": "consignee",
    "NOTPAR670": "notify_party",
    "TRACARENT601": "carrier",
    "PERLODSUMDEC": "declarant",
}
ITEM_PARTIES = {"TRACONCO2": "consignor", "TRACONCE2": "consignee", "PRTNOT640": "notify_party"}
# A party element's children by the start of their (abbreviated) names.
_PARTY_FIELDS = (
    ("TIN", "tin"),
    ("Nam", "name"),
    ("StrAndNum", "street"),
    ("StrNum", "street"),
    ("PosCod", "postcode"),
    ("PstCod", "postcode"),
    ("Cit", "city"),
    ("Cty", "city"),
    ("Cou", "country"),
)


def moment(text: str | None) -> datetime | None:
    """ICS date-times are yyyyMMddHHmm (read as UTC; ICS1 carries no offset)."""
    if not text or not re.fullmatch(r"\d{12}", text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None


class _Reader(XmlReader):
    def field_number(self, node: Node, name: str, path: str, *, whole: bool) -> float | int | None:
        return self.number(node.raw(name), path, whole=whole)

    def party(self, node: Node, path: str) -> dict[str, Any]:
        self.origins.note(path, node.element)
        fields: dict[str, tuple[str, etree._Element]] = {}
        for child in node.element:
            name = local(child)
            text = child.text or ""
            if name.endswith("LNG") or not text.strip():
                continue
            for prefix, key in _PARTY_FIELDS:
                if name.startswith(prefix) and key not in fields:
                    fields[key] = (" ".join(text.split()), child)
                    break
        party: dict[str, Any] = {}
        address: dict[str, Any] = {}
        for key, (value, element) in fields.items():
            if key == "name":
                party["name"] = value[:512]
                self.origins.note(f"{path}.name", element)
            elif key == "tin":
                party["identifiers"] = [{"scheme": "TIN", "value": value[:64]}]
                self.origins.note(f"{path}.identifiers[0].value", element)
            else:
                address[key] = value
                self.origins.note(f"{path}.address.{key}", element)
        if "name" not in party and "identifiers" in party:
            party["name"] = party["identifiers"][0]["value"]
        if address:
            party["address"] = address
        return party

    def goods(self, item: Node, path: str) -> dict[str, Any]:
        self.origins.note(path, item.element)
        entry: dict[str, Any] = {}
        if (sequence := self.field_number(item, "IteNumGDS7", f"{path}.sequence", whole=True)) is not None:
            entry["sequence"] = sequence
        code = (item.text("COMCODGODITM", "ComNomCMD1") or "").replace(" ", "")
        if code:
            self.origins.note(f"{path}.hs_code", item.element_at("COMCODGODITM", "ComNomCMD1"))
            if len(code) >= 6:
                entry["hs_code"] = code  # the reference checks judge whether it exists
        if description := item.text("GooDesGDS23"):
            entry["description"] = description[:512]
            self.origins.note(f"{path}.description", item.raw("GooDesGDS23"))
        elif code and (known := hs_description(code)) and (len(code) < 6 or hs_subheading_known(code)):
            entry["description"] = known[:512]
        else:
            self.problems.append(
                Problem(
                    f"{xpath_of(item.element)}/GooDesGDS23",
                    "missing_goods_description",
                    "a goods item needs a description or a known commodity code",
                )
            )
        if (mass := self.field_number(item, "GroMasGDS46", f"{path}.gross_mass_kg", whole=False)) is not None:
            entry["gross_mass_kg"] = mass
        packages = 0
        for package in item.all("PACGS2"):
            count = self.field_number(package, "NumOfPacGS24", f"{path}.packages", whole=True)
            if count is None:
                count = self.field_number(package, "NumOfPieGS25", f"{path}.packages", whole=True)
            packages += int(count or 0)  # whole=True: an int already
            if "package_kind" not in entry and (kind := package.text("KinOfPacGS23")):
                entry["package_kind"] = kind[:3]
                self.origins.note(f"{path}.package_kind", package.raw("KinOfPacGS23"))
        if packages:
            entry["packages"] = packages
        return entry


def _message(root: etree._Element) -> etree._Element:
    """The ENS element itself: the root, or the first element of a SOAP body."""
    if local(root) != "Envelope":
        return root
    for child in root:
        if local(child) == "Body":
            for inner in child:
                if isinstance(inner.tag, str):
                    return inner
    raise InvalidMessage([Problem(xpath_of(root), "missing_element", "the SOAP envelope has no body")])


def _place(header: Node, coded: str, free: str) -> str | None:
    for name in (coded, free):
        value = (header.text(name) or "").replace(" ", "").upper()
        if _LOCODE.fullmatch(value):
            return value
    return None


def read(data: bytes) -> tuple[dict[str, Any], Origins]:
    """The ENS as filing data (before domain validation) and where each field came from."""
    element = _message(parse_xml(data))
    message = Node(element)
    message_type = ROOTS.get(message.name)
    if message.name in ANSWERS:
        raise not_a_filing(xpath_of(element), f"{ANSWERS[message.name]}, {message.name}")
    if message_type is None:
        raise InvalidMessage(
            [Problem(xpath_of(element), "unexpected_root", f"an ENS is CC315A or CC313A, not {message.name}")]
        )
    origins = Origins(element, describe)
    reader = _Reader(origins)
    header = message.first("HEAHEA")
    if header is None:
        raise InvalidMessage([Problem(f"{xpath_of(element)}/HEAHEA", "missing_element", "the ENS has no header")])
    number = header.text("RefNumHEA4") or header.text("DocNumHEA5")
    if number is None:
        raise InvalidMessage(
            [
                Problem(
                    f"{xpath_of(header.element)}/RefNumHEA4",
                    "missing_element",
                    "the ENS has no reference number (LRN) or MRN",
                )
            ]
        )
    origins.note("document_number", header.raw("RefNumHEA4" if header.text("RefNumHEA4") else "DocNumHEA5"))
    at = "consignments[0]"
    consignment: dict[str, Any] = {}
    mode_code = header.text("TraModAtBorHEA76")
    origins.note(f"{at}.mode", header.raw("TraModAtBorHEA76"))
    if mode_code in MODES:
        consignment["mode"] = MODES[mode_code]
    else:
        where = header.raw("TraModAtBorHEA76")
        reader.problems.append(
            Problem(
                xpath_of(where) if where is not None else f"{xpath_of(header.element)}/TraModAtBorHEA76",
                "unknown_transport_mode",
                f"transport mode at the border {mode_code!r} is not one of {', '.join(sorted(MODES))}",
            )
        )
    if reference := header.text("ComRefNumHEA"):
        consignment["master_document"] = reference[:35]
        origins.note(f"{at}.master_document", header.raw("ComRefNumHEA"))
    else:  # no transport document: the ENS's own number names the consignment (an IE313 then names it anew)
        consignment["consignment_id"] = number[:70]
    for key, name, whole in (
        ("total_packages", "TotNumOfPacHEA306", True),
        ("total_gross_mass_kg", "TotGroMasHEA307", False),
    ):
        if (value := reader.field_number(header, name, f"{at}.{key}", whole=whole)) is not None:
            consignment[key] = value
    reader.field_number(header, "TotNumOfIteHEA305", f"{at}.goods", whole=True)
    if means := header.text("IdeOfMeaOfTraCroHEA85"):
        consignment["transport_means"] = {"identifier": means[:35]}
        origins.note(f"{at}.transport_means", header.raw("IdeOfMeaOfTraCroHEA85"))
        if nationality := header.text("NatOfMeaOfTraCroHEA87"):
            consignment["transport_means"]["nationality"] = nationality
            origins.note(f"{at}.transport_means.nationality", header.raw("NatOfMeaOfTraCroHEA87"))
    items = list(message.all("GOOITEGDS"))
    for group, role in HEADER_PARTIES.items():
        if (node := message.first(group)) is not None and (party := reader.party(node, f"{at}.{role}")):
            consignment[role] = party
    for group, role in ITEM_PARTIES.items():
        if (
            role not in consignment
            and items
            and (node := items[0].first(group)) is not None
            and (party := reader.party(node, f"{at}.{role}"))
        ):
            consignment[role] = party
    consignment["goods"] = [reader.goods(item, f"{at}.goods[{i}]") for i, item in enumerate(items)]
    origins.note(f"{at}.goods", element)
    equipment = [c.text("ConNumNR21") for item in items for c in item.all("CONNR2")]
    if equipment := [e[:17] for e in equipment if e]:
        consignment["equipment"] = equipment
    documents: list[dict[str, str]] = []
    for item in items:
        for doc in item.all("PRODOCDC2"):
            if (kind := doc.text("DocTypDC21")) and (ref := doc.text("DocRefDC23")):
                origins.note(f"{at}.documents[{len(documents)}]", doc.element)
                documents.append({"type": kind[:8], "reference": ref[:512]})
    if documents:
        consignment["documents"] = documents
    itinerary: dict[str, Any] = {}
    routing = [(node.text("CouOfRouCodITI1"), node.raw("CouOfRouCodITI1")) for node in message.all("ITI")]
    for i, (_, where) in enumerate((c, w) for c, w in routing if c):
        origins.note(f"{at}.itinerary.routing_countries[{i}]", where)
    if countries := [c for c, _ in routing if c]:
        itinerary["routing_countries"] = countries
    if loading := _place(header, "CodPlaLoaGOOITE334", "PlaLoaGOOITE334"):
        itinerary["place_of_loading"] = loading
    if unloading := _place(header, "CodPlUnHEA357", "PlaUnlGOOITE334"):
        itinerary["place_of_unloading"] = unloading
    entry = message.first("CUSOFFFENT730")
    if entry is not None:
        if office := entry.text("RefNumCUSOFFFENT731"):
            consignment["office"] = office[:17]
            origins.note(f"{at}.office", entry.raw("RefNumCUSOFFFENT731"))
        if arrival := moment(entry.text("ExpDatOfArrFIRENT733")):
            itinerary["arrival_at"] = arrival
            origins.note(f"{at}.itinerary.arrival_at", entry.raw("ExpDatOfArrFIRENT733"))
    if itinerary:
        consignment["itinerary"] = itinerary
    merge(reader.problems)
    filing: dict[str, Any] = {
        "document_number": number[:70],
        "message_type": message_type,
        "kind": "pre_arrival",
        "consignments": [consignment],
    }
    if filed := moment(header.text("DecDatTimHEA114") or header.text("DatTimAmeHEA113")):
        filing["filed_at"] = filed
    if message_type == "IE313":  # amends the ENS whose MRN it quotes: it becomes that filing's next version
        filing["amends"] = number[:70]
        origins.note("amends", header.raw("DocNumHEA5"))
    return filing, origins


def parse(data: bytes, *, filer: str | None = None) -> list[Filing]:
    """One IE315 or IE313 to one pre-arrival filing."""
    filing, origins = read(data)
    return [build_filing(filing, origins, filer=filer)]

"""A WCO DMS response (MetaData/Response) answering a DMS declaration, as customs systems send them.

Function codes follow the DMS notifications: 03 rejected (with an Error per problem), 05 control
(red: physical inspection), 06 documents required (yellow), 09 cleared (green; blue too, with
post-clearance audit stated in AdditionalInformation), 01 accepted (a referral-free acceptance).
For the Single Window, further AdditionalInformation elements with StatementTypeCode REG (UNTDID 4451
"regulatory information"): one with StatementCode HLD saying who still holds the goods, then one per
border agency's requirement (StatementCode its action, the `single_window` statement as description).
A function code 09 "cleared" is only sent when nobody holds the goods; otherwise 06 or 05 stands.
"""

from datetime import UTC, datetime
from typing import Any

from lxml import etree

from safelane.formats.outbound import single_window
from safelane.formats.xml_safety import Node, parse_xml
from safelane.results import ConsignmentResult, FilingResult

META = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
RES = "urn:wco:datamodel:WCO:RES-DMS:2"
FUNCTION_CODES = {"red": "05", "yellow": "06", "green": "09", "blue": "09"}
MEANINGS = {"01": "accepted", "03": "rejected", "05": "control", "06": "documents required", "09": "cleared"}


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = RES) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _stamp(parent: etree._Element, tag: str, at: datetime) -> None:
    """A format-304 date-time in UTC, as the DMS notifications write it (20200213110723Z)."""
    when = _sub(_sub(parent, tag), "DateTimeString", at.astimezone(UTC).strftime("%Y%m%d%H%M%S") + "Z")
    when.set("formatCode", "304")


def function_code(result: FilingResult, consignment: ConsignmentResult | None) -> str:
    """The notification's function; an agency's hold keeps a customs-cleared declaration at documents required
    (or control, for a hold for inspection)."""
    if result.status in ("rejected", "conflict"):
        return "03"
    code = FUNCTION_CODES.get(consignment.outcome if consignment else "", "01")
    if code == "09" and consignment and consignment.held_by:
        held = [r for r in consignment.requirements if r["agency"] in consignment.held_by]
        return "06" if all(r["action"] == "documents" for r in held) else "05"
    return code


def render(result: FilingResult, *, at: datetime) -> bytes:
    # lxml takes None as the default namespace's prefix; lxml-stubs 0.5 type the map as str keys only
    root = etree.Element(f"{{{META}}}MetaData", nsmap={"md": META, None: RES})
    _sub(root, "WCODataModelVersionCode", "3.6", META)
    _sub(root, "WCOTypeName", "RES", META)
    answered: list[ConsignmentResult | None] = [*result.consignments] or [None]  # a refusal has none
    for consignment in answered:
        response = _sub(root, "Response")
        _sub(response, "FunctionCode", function_code(result, consignment))
        _sub(response, "FunctionalReferenceID", f"{result.document_number}-{at:%Y%m%d%H%M%S}"[:35])
        _stamp(response, "IssueDateTime", at)
        for problem in result.problems:
            error = _sub(response, "Error")
            _sub(error, "ValidationCode", problem.code)
            _sub(error, "Description", f"{problem.location}: {problem.message}")
        if consignment is not None:
            information = _sub(response, "AdditionalInformation")
            _sub(information, "StatementDescription", consignment.basis)
            _sub(information, "StatementTypeCode", consignment.outcome.upper())
            notes = [("HLD", single_window.held_line(consignment.held_by))]
            notes += [(r["action"], single_window.statement(r)) for r in consignment.requirements]
            for code, text in notes:
                information = _sub(response, "AdditionalInformation")
                _sub(information, "StatementCode", code.upper())
                _sub(information, "StatementDescription", text)
                _sub(information, "StatementTypeCode", "REG")
        declaration = _sub(response, "Declaration")
        _sub(declaration, "FunctionalReferenceID", consignment.reference if consignment else result.document_number)
        if result.filing_id:
            _sub(declaration, "ID", result.filing_id[:35])
        _sub(declaration, "VersionID", str(result.version))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read(data: bytes) -> list[dict[str, Any]]:
    """Function code, meaning and declaration references of each Response (ours or a customs system's)."""
    root = Node(parse_xml(data))
    found = []
    for response in root.all("Response"):
        code = response.text("FunctionCode")
        found.append(
            {
                "function_code": code,
                "meaning": MEANINGS.get(code or ""),
                "reference": response.text("Declaration", "FunctionalReferenceID"),
                "mrn": response.text("Declaration", "ID"),
                "outcome": (response.text("AdditionalInformation", "StatementTypeCode") or "").lower() or None,
                "basis": response.text("AdditionalInformation", "StatementDescription"),
                "errors": [e.text("ValidationCode") for e in response.all("Error")],
                **single_window.read(
                    i.text("StatementDescription") or ""
                    for i in response.all("AdditionalInformation")
                    if i.text("StatementTypeCode") == "REG"
                ),
            }
        )
    return found

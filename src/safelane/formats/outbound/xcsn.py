"""A Cargo-XML customs status notification (XCSN-shaped) for air filings (XFWB, XFZB, XFHL).

It carries, per house or master consignment, the PLACI referral (ASSESSMENT_COMPLETE, RFI, RFS,
DNL) as the status code, the basis in words and each finding's explanation; then, for the Single
Window, one IncludedCustomsNote per border agency's requirement (SubjectCode the agency, ContentCode
its action, Content the `single_window` statement) and one with SubjectCode HLD saying who still
holds the goods. It follows the
Cargo-XML conventions (message and business headers, `iata:datamodel:3` elements) but is not
validated against IATA's XCSN schema, which is not openly available: hence "shaped".
"""

from datetime import datetime
from typing import Any

from lxml import etree

from safelane.formats.outbound import single_window
from safelane.formats.xml_safety import Node, parse_xml
from safelane.results import FilingResult

DATA = "iata:datamodel:3"
ROOT = "iata:customsstatusnotification:1"


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = DATA) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def render(result: FilingResult, *, at: datetime) -> bytes:
    # lxml takes None as the default namespace's prefix; lxml-stubs 0.5 type the map as str keys only
    root = etree.Element(f"{{{ROOT}}}CustomsStatusNotification", nsmap={None: DATA, "ns2": ROOT})
    header = _sub(root, "MessageHeaderDocument", ns=ROOT)
    _sub(header, "ID", f"{result.document_number}_v{result.version}_{at:%Y%m%d%H%M%S}")
    _sub(header, "Name", "Customs Status Notification")
    _sub(header, "IssueDateTime", at.isoformat(timespec="seconds"))
    _sub(header, "PurposeCode", "Creation")
    _sub(header, "VersionID", "3.00")
    business = _sub(root, "BusinessHeaderDocument", ns=ROOT)
    _sub(business, "ID", result.document_number)
    _sub(business, "StatusCode", result.status)
    for problem in result.problems:
        note = _sub(business, "IncludedHeaderNote")
        _sub(note, "ContentCode", problem.code)
        _sub(note, "Content", f"{problem.location}: {problem.message}")
    master = _sub(root, "MasterConsignment", ns=ROOT)
    _sub(_sub(master, "TransportContractDocument"), "ID", result.document_number)
    for consignment in result.consignments:
        house = _sub(master, "IncludedHouseConsignment")
        _sub(house, "ID", consignment.reference)
        status = _sub(house, "AssociatedStatusConsignment")
        _sub(status, "StatusCode", consignment.outcome)
        _sub(status, "Reason", consignment.basis)
        for finding in consignment.findings:
            note = _sub(status, "IncludedCustomsNote")
            _sub(note, "ContentCode", str(finding["code"]))
            _sub(note, "Content", str(finding["explanation"]))
        notes = [("HLD", "HLD", single_window.held_line(consignment.held_by))]
        notes += [(r["agency"], r["action"], single_window.statement(r)) for r in consignment.requirements]
        for subject, code, text in notes:
            note = _sub(status, "IncludedCustomsNote")
            _sub(note, "ContentCode", code)
            _sub(note, "Content", text)
            _sub(note, "SubjectCode", subject)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read(data: bytes) -> list[dict[str, Any]]:
    """The (reference, outcome, basis, held_by, requirements) of each consignment in an XCSN-shaped answer."""
    root = Node(parse_xml(data))
    number = root.text("BusinessHeaderDocument", "ID")
    master = root.first("MasterConsignment")
    houses = list(master.all("IncludedHouseConsignment")) if master else []
    return [
        {
            "document_number": number,
            "reference": h.text("ID"),
            "outcome": h.text("AssociatedStatusConsignment", "StatusCode"),
            "basis": h.text("AssociatedStatusConsignment", "Reason"),
            **single_window.read(
                n.text("Content") or ""
                for s in h.all("AssociatedStatusConsignment")
                for n in s.all("IncludedCustomsNote")
                if n.text("SubjectCode")
            ),
        }
        for h in houses
    ]

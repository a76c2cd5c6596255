"""ICS answers to an entry summary: CC328A (accepted, with the MRN) or CC351A (intervention).

An ENS whose consignments all go green is acknowledged with a CC328A carrying the LRN and the MRN
(safelane's filing id, which an IE313 quotes back). Anything else gets a CC351A, the notification
that customs will intervene: one CUSINT632 per consignment that is not green, with a code (A001 do
not load, A002 screening, A003 information, A004 control at first entry, A005 documentary check) and
the decision's basis as text. A refused ENS gets a CC316A-shaped rejection with one FUNERRER1 per
problem. Every answer lists the consignments (GOOITEGDS with their references); interventions point
at them by item number. Another border agency that holds a consignment is an intervention too (Single
Window): one more CUSINT632 per holding requirement (A005 for documents, A004 for a hold or refusal),
its text the `single_window` statement; a release is no intervention, so it is not sent. Element
names follow the ICS1 messages HMRC publishes.
"""

from datetime import UTC, datetime
from typing import Any

from lxml import etree

from safelane.formats.outbound import single_window
from safelane.formats.xml_safety import parse_xml
from safelane.results import FilingResult

INTERVENTIONS = {
    "DNL": "A001",
    "RFS": "A002",
    "RFI": "A003",
    "red": "A004",
    "yellow": "A005",
    "blue": "A006",
}
_OUTCOME_OF = {code: outcome for outcome, code in INTERVENTIONS.items()}
_CALM = {"green", "ASSESSMENT_COMPLETE"}
AGENCY_INTERVENTIONS = {"documents": "A005", "hold": "A004", "refuse": "A004"}


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def render(result: FilingResult, *, at: datetime) -> bytes:
    stamp = at.astimezone(UTC)
    if result.status in ("rejected", "conflict"):
        name = "CC316A"
    elif any(c.outcome not in _CALM or c.held_by for c in result.consignments):
        name = "CC351A"
    else:
        name = "CC328A"
    root = etree.Element(f"{{http://ics.dgtaxud.ec/{name}}}{name}", nsmap={"ie": f"http://ics.dgtaxud.ec/{name}"})
    _sub(root, "MesSenMES3", "SAFELANE")
    _sub(root, "DatOfPreMES9", stamp.strftime("%y%m%d"))
    _sub(root, "TimOfPreMES10", stamp.strftime("%H%M"))
    _sub(root, "MesTypMES20", name)
    header = _sub(root, "HEAHEA")
    _sub(header, "RefNumHEA4", result.document_number[:22])
    if result.filing_id:
        _sub(header, "DocNumHEA5", result.filing_id)
    _sub(header, "TotNumOfIteHEA305", str(len(result.consignments)))
    _sub(header, "NotDatTimHEA104", stamp.strftime("%Y%m%d%H%M"))
    for problem in result.problems:
        error = _sub(root, "FUNERRER1")
        _sub(error, "ErrTypER11", problem.code[:16])
        _sub(error, "ErrPoiER12", problem.location[:210])
        _sub(error, "ErrReaER13", problem.message[:350])
    for number, consignment in enumerate(result.consignments, start=1):
        item = _sub(root, "GOOITEGDS")
        _sub(item, "IteNumGDS7", str(number))
        _sub(item, "ComRefNumGIM1", consignment.reference[:70])
    for number, consignment in enumerate(result.consignments, start=1):
        if name == "CC351A" and consignment.outcome not in _CALM:
            intervention = _sub(root, "CUSINT632")
            _sub(intervention, "IteNumConCUSINT668", str(number))
            _sub(intervention, "CusIntCodCUSINT665", INTERVENTIONS.get(consignment.outcome, "A004"))
            _sub(intervention, "CusIntTexCUSINT666", f"{consignment.reference}: {consignment.basis}"[:350])
            _sub(intervention, "CusIntTexCUSINT667LNG", "EN")
        for requirement in consignment.requirements:
            if requirement["action"] in AGENCY_INTERVENTIONS and requirement["agency"] in consignment.held_by:
                intervention = _sub(root, "CUSINT632")
                _sub(intervention, "IteNumConCUSINT668", str(number))
                _sub(intervention, "CusIntCodCUSINT665", AGENCY_INTERVENTIONS[requirement["action"]])
                _sub(intervention, "CusIntTexCUSINT666", single_window.statement(requirement)[:350])
                _sub(intervention, "CusIntTexCUSINT667LNG", "EN")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read(data: bytes) -> list[dict[str, Any]]:
    """Per consignment: the answer's message, LRN, MRN, reference, outcome, customs' intervention and the
    agencies' requirements (round trips)."""
    root = parse_xml(data)
    name = etree.QName(root).localname

    def text(parent: etree._Element, tag: str) -> str | None:
        found = parent.find(tag)
        return found.text if found is not None else None

    header = root.find("HEAHEA")
    lrn = text(header, "RefNumHEA4") if header is not None else None
    mrn = text(header, "DocNumHEA5") if header is not None else None
    interventions: dict[str | None, etree._Element] = {}
    agencies: dict[str | None, list[str]] = {}
    for e in root.findall("CUSINT632"):
        said = single_window.read([text(e, "CusIntTexCUSINT666") or ""])["requirements"]
        if said:
            agencies.setdefault(text(e, "IteNumConCUSINT668"), []).append(text(e, "CusIntTexCUSINT666") or "")
        else:
            interventions[text(e, "IteNumConCUSINT668")] = e
    found = []
    for item in root.findall("GOOITEGDS"):
        intervention = interventions.get(text(item, "IteNumGDS7"))
        code = text(intervention, "CusIntCodCUSINT665") if intervention is not None else None
        found.append(
            {
                "message": name,
                "document_number": lrn,
                "mrn": mrn,
                "reference": text(item, "ComRefNumGIM1"),
                "outcome": _OUTCOME_OF.get(code or "", "green"),
                "intervention": code,
                "text": text(intervention, "CusIntTexCUSINT666") if intervention is not None else None,
                "requirements": single_window.read(agencies.get(text(item, "IteNumGDS7"), []))["requirements"],
            }
        )
    return found

"""One answer with every agency's word (issue 14, Single Window): each answer standard carries who still holds
the goods and each border agency's requirement in its own place, and reads back through our own readers."""

from datetime import UTC, datetime

import orjson
import pytest
from lxml import etree

from safelane.formats import render
from safelane.formats.edifact import messages
from safelane.formats.outbound import READERS, cusres, single_window
from safelane.results import ConsignmentResult, FilingResult, holders
from tests.agencies.test_agency_requirements import _plants, _submit
from tests.factories import filing

AT = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
PAPERS = {
    "agency": "plant_health",
    "action": "documents",
    "explanation": "Plants from CN need a phytosanitary certificate (pest alert: Xylella fastidiosa)",
    "documents": ["N851"],
    "reasons": ["PH-PLANTS-CN"],
}
INSPECT = {
    "agency": "veterinary",
    "action": "hold",
    "explanation": "Meat from a country under an animal-disease restriction: inspection at the border post",
    "documents": [],
    "reasons": ["VET-ASF"],
}
CLEAR = {"agency": "food_safety", "action": "release", "explanation": "No food-safety rule applies", "documents": []}


def _answer() -> FilingResult:
    """Two consignments: one held by customs (red) and two agencies, one released by all."""
    held = [PAPERS, INSPECT, CLEAR]
    free = [{**PAPERS, "action": "release", "documents": [], "explanation": "ePhyto EPH-1 matches"}, CLEAR]
    return FilingResult(
        "accepted",
        "020-12345675",
        1,
        "F1",
        [
            ConsignmentResult(
                "C1",
                "HAWB1",
                "channel",
                "red",
                80.0,
                "red by X",
                [],
                requirements=held,
                held_by=holders("channel", "red", held),
            ),
            ConsignmentResult(
                "C2",
                "HAWB2",
                "channel",
                "green",
                0.0,
                "score 0",
                [],
                requirements=free,
                held_by=holders("channel", "green", free),
            ),
        ],
    )


def _said(requirements: list[dict]) -> list[tuple]:
    return [(r["agency"], r["action"], list(r["documents"]), r["explanation"]) for r in requirements]


def test_holders_are_customs_for_a_control_and_each_agency_not_releasing():
    answer = _answer()
    assert [c.held_by for c in answer.consignments] == [["customs", "plant_health", "veterinary"], []]
    assert holders("channel", "red", [PAPERS], {"customs", "plant_health"}) == []


@pytest.mark.parametrize("form", ["json", "xcsn", "csn", "cusres", "dms-response"])
def test_every_standard_carries_held_by_and_each_requirement(form):
    answer = _answer()
    back = READERS[form](render(form, answer, at=AT))
    assert [b["held_by"] for b in back] == [c.held_by for c in answer.consignments]
    for b, c in zip(back, answer.consignments, strict=True):
        expected = _said(c.requirements)
        if form == "csn":  # Cargo-IMP writes upper case
            expected = [(a, x, d, e.upper()) for a, x, d, e in expected]
        assert _said(b["requirements"]) == expected


def test_ics_sends_holding_agencies_as_interventions():
    answer = _answer()
    rendered = render("ics", answer, at=AT)
    assert etree.QName(etree.fromstring(rendered)).localname == "CC351A"
    first, second = READERS["ics"](rendered)
    assert (first["outcome"], first["intervention"]) == ("red", "A004")
    assert _said(first["requirements"]) == _said([PAPERS, INSPECT])
    assert b"<CusIntCodCUSINT665>A005</CusIntCodCUSINT665>" in rendered
    assert (second["outcome"], second["requirements"]) == ("green", [])


def test_ics_answers_an_agency_hold_on_a_green_consignment_with_an_intervention():
    c = ConsignmentResult(
        "C1", "R1", "channel", "green", 0.0, "ok", [], requirements=[PAPERS], held_by=["plant_health"]
    )
    rendered = render("ics", FilingResult("accepted", "LRN1", 1, "F1", [c]), at=AT)
    [back] = READERS["ics"](rendered)
    assert back["message"] == "CC351A" and _said(back["requirements"]) == _said([PAPERS])


def test_cusres_puts_agency_statements_in_ftx_reg_segments():
    rendered = render("cusres", _answer(), at=AT)
    [message] = messages(rendered)
    regulatory = [s for s in message.segments if s.tag == "FTX" and s.element(1) == "REG"]
    assert len(regulatory) == 4 + 3  # held by + three requirements, then held by + two
    assert regulatory[0].element(4, 0) == "held by: customs plant_health veterinary"
    assert cusres.read(rendered)[1]["held_by"] == []


def test_dms_response_keeps_an_agency_hold_out_of_cleared():
    c = ConsignmentResult(
        "C1", "R1", "channel", "green", 0.0, "ok", [], requirements=[PAPERS], held_by=["plant_health"]
    )
    [back] = READERS["dms-response"](render("dms-response", FilingResult("accepted", "D1", 1, "F1", [c]), at=AT))
    assert (back["function_code"], back["outcome"]) == ("06", "green")
    cleared = ConsignmentResult("C1", "R1", "channel", "green", 0.0, "ok", [], requirements=[CLEAR])
    [back] = READERS["dms-response"](render("dms-response", FilingResult("accepted", "D1", 1, "F1", [cleared]), at=AT))
    assert back["function_code"] == "09"


def test_statements_survive_filer_punctuation_and_skip_other_text():
    tricky = {**PAPERS, "explanation": "Needs N851: see 'ISPM 12' + annex?"}
    assert single_window.read(["RFI required by PLACI: missing consignee", single_window.statement(tricky)]) == {
        "held_by": None,
        "requirements": [
            {
                "agency": "plant_health",
                "action": "documents",
                "documents": ["N851"],
                "explanation": "Needs N851: see 'ISPM 12' + annex?",
            }
        ],
    }
    answer = FilingResult(
        "accepted",
        "M1",
        1,
        None,
        [
            ConsignmentResult(
                "C1", "BL1", "channel", "green", 0.0, "ok", [], requirements=[tricky], held_by=["plant_health"]
            )
        ],
    )
    [back] = cusres.read(render("cusres", answer, at=AT))
    assert _said(back["requirements"]) == _said([tricky])


def test_the_pipelines_answer_names_the_holding_agency_in_every_standard(system, clock):
    """End to end: a plant-health profile's hit on a real filing is in the JSON, Cargo-XML and EDIFACT answers."""
    result = _submit(system, clock, filing(_plants()))
    [item] = result.consignments
    assert "plant_health" in item.held_by
    assert orjson.loads(render("json", result, at=AT))["consignments"][0]["held_by"] == item.held_by
    for form in ("xcsn", "cusres", "dms-response", "csn"):
        [back] = READERS[form](render(form, result, at=AT))
        assert back["held_by"] == item.held_by
        assert [(r["agency"], r["action"], r["documents"]) for r in back["requirements"]] == [
            ("plant_health", "documents", ["N851"])
        ]

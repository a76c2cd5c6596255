"""Round trips: parse -> decide -> render in the filer's standard -> read the rendering back."""

from datetime import UTC, datetime

import orjson
import pytest
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.domain import Problem
from safelane.formats import answer_standard, parse, render
from safelane.formats.outbound import READERS, cusres, dms_response
from safelane.pipeline import Pipeline
from safelane.results import ConsignmentResult, FilingResult
from safelane.risk.engine import RiskEngine
from safelane.risk.placi import PlaciAssessor
from safelane.selection import Policy
from tests.conftest import DEMO_PROFILES
from tests.formats.messages import MESSAGES, read

AT = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
CASES = [
    ("cargo-xml/riege__888-11111111_XFWB.xml", "xcsn"),
    ("own/safelane__XFHL_consolidation.xml", "xcsn"),
    ("own/safelane__FWB_16.txt", "csn"),
    ("own/safelane__FHL_4.txt", "csn"),
    ("own/safelane__FWB_17.txt", "csn"),
    ("own/safelane__FHL_5.txt", "csn"),
    ("own/safelane__FFM_8.txt", "csn"),
    ("own/safelane__XFFM_flight.xml", "xcsn"),
    ("own/safelane__CUSCAR_two_interchanges.edi", "cusres"),
    ("wco-dms/declarations/hmrc__TT_IM001a_import_H1_declaration.xml", "dms-response"),
    ("own/safelane__IE315_air.xml", "ics"),
]


def decide(name: str) -> list[FilingResult]:
    pipeline = Pipeline(RiskEngine([PlaciAssessor()]), Policy())
    return pipeline.evaluate(parse(read(name)))


@pytest.mark.parametrize(("name", "standard"), CASES)
def test_round_trip_in_the_filers_standard(name, standard):
    for result in decide(name):
        filing_type = parse(read(name))[0].message_type
        assert answer_standard(filing_type) == standard
        for form in (standard, "json"):
            rendered = render(form, result, at=AT)
            back = READERS[form](rendered)
            expected = [(c.reference.upper() if form == "csn" else c.reference, c.outcome) for c in result.consignments]
            assert [(b["reference"], b["outcome"]) for b in back] == expected


def test_vague_air_consignments_come_back_as_rfi():
    [result] = decide("own/safelane__XFHL_consolidation.xml")
    rendered = render("xcsn", result, at=AT)
    back = READERS["xcsn"](rendered)
    assert [(b["reference"], b["outcome"]) for b in back] == [("HKG0001", "ASSESSMENT_COMPLETE"), ("HKG0002", "RFI")]
    assert b"too vague to assess: goods description ('GIFTS')" in rendered
    csn = render("csn", decide("own/safelane__FHL_4.txt")[0], at=AT).decode()
    assert "HBS/HKG0002\r\nCSN/RFI/20NOV261100\r\nTXT/RFI REQUIRED BY PLACI PLACI-7+1" in csn
    assert "TXT/THE 7+1 PRE-LOADING DATA IS INCOMPLETE; MISSING: CONSIGNEE\r\nTXT/ADDRESS (STREET)" in csn


def test_cusres_escapes_filer_text():
    consignment = ConsignmentResult("C1", "BL+1:2?'", "channel", "green", 0.0, "ok: fine + 'quoted'", [])
    result = FilingResult("accepted", "M'1", 1, None, [consignment])
    [back] = cusres.read(render("cusres", result, at=AT))
    assert back == {
        "document_number": "M'1",
        "reference": "BL+1:2?'",
        "outcome": "green",
        "basis": "ok: fine + 'quoted'",
        "held_by": [],
        "requirements": [],
    }


@pytest.mark.parametrize(("channel", "code"), [("green", "09"), ("blue", "09"), ("yellow", "06"), ("red", "05")])
def test_dms_channels_map_to_function_codes(channel, code):
    [result] = decide("wco-dms/declarations/hmrc__TT_IM001a_import_H1_declaration.xml")
    chosen = result.consignments[0].__class__(**{**result.consignments[0].__dict__, "outcome": channel})
    result = FilingResult("assessed", result.document_number, 1, None, [chosen])
    [back] = dms_response.read(render("dms-response", result, at=AT))
    assert (back["function_code"], back["outcome"], back["reference"]) == (code, channel, "7847767E1WB6")


def test_dms_rejection_lists_the_problems():
    result = FilingResult("rejected", "LRN-1", 1, problems=[Problem("/MetaData/Declaration/TypeCode", "x", "bad")])
    [back] = dms_response.read(render("dms-response", result, at=AT))
    assert (back["function_code"], back["meaning"], back["errors"]) == ("03", "rejected", ["x"])


@pytest.mark.parametrize(
    ("name", "code", "meaning"),
    [
        ("notifications/hmrc__01_DMSACC.xml", "01", "accepted"),
        ("notifications/hmrc__03_DMSREJ.xml", "03", "rejected"),
        ("notifications/hmrc__05_DMSCTL.xml", "05", "control"),
        ("notifications/hmrc__06_DMSDOC.xml", "06", "documents required"),
        ("notifications/hmrc__09_DMSCLE.xml", "09", "cleared"),
    ],
)
def test_the_response_reader_reads_real_customs_notifications(name, code, meaning):
    [back] = dms_response.read(read(f"wco-dms/{name}"))
    assert (back["function_code"], back["meaning"]) == (code, meaning)
    assert back["reference"]


def test_ens_answers_carry_the_mrn_and_point_interventions_at_items():
    """A green ENS is acknowledged (CC328A) with its MRN; a red one gets an intervention notice (CC351A)."""
    from safelane.formats.outbound import ics_answer

    green = ConsignmentResult("C1", "020-12345675", "channel", "green", 0.0, "score 0", [])
    red = ConsignmentResult("C2", "020-99999992", "channel", "red", 80.0, "red required by profiles X", [])
    accepted = ics_answer.read(render("ics", FilingResult("accepted", "ENS-1", 1, "F123", [green]), at=AT))
    assert [(a["message"], a["mrn"], a["document_number"], a["outcome"]) for a in accepted] == [
        ("CC328A", "F123", "ENS-1", "green")
    ]
    notice = ics_answer.read(render("ics", FilingResult("accepted", "ENS-2", 1, "F124", [green, red]), at=AT))
    assert [(a["message"], a["reference"], a["intervention"]) for a in notice] == [
        ("CC351A", "020-12345675", None),
        ("CC351A", "020-99999992", "A004"),
    ]
    assert "red required by profiles X" in notice[1]["text"]
    refused = render(
        "ics",
        FilingResult("conflict", "ENS-3", 1, problems=[Problem("amends", "nothing_to_amend", "no filing F9")]),
        at=AT,
    )
    assert b"CC316A" in refused
    assert b"nothing_to_amend" in refused


def test_json_answer_is_the_api_shape():
    [result] = decide("own/safelane__IE315_air.xml")
    data = orjson.loads(render("json", result, at=AT))
    assert data["document_number"] == "ENS-2026-0001"
    assert data["issued_at"] == "2026-11-20T11:00:00+00:00"


def test_unknown_standard():
    with pytest.raises(ValueError, match="unknown answer standard"):
        render("telex", FilingResult("accepted", "X", 1), at=AT)


def test_cli_assess_reads_every_standard_by_content(tmp_path):
    """`safelane assess FILE...` detects each standard; the PLACI check answers the vague house with an RFI."""
    files = [str(MESSAGES / name) for name, _ in CASES]
    result = CliRunner().invoke(
        app, ["assess", *files, "--profiles", str(DEMO_PROFILES), "--database", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    )
    assert result.exit_code == 0, result.output
    answers = {line["consignment_id"]: line for line in map(orjson.loads, result.stdout.splitlines())}
    assert answers["HKG0002"]["referral"] == "RFI"
    assert answers["7847767E1WB6"]["channel"]
    assert answers["MAEU123456789"]["channel"]
    assert answers["020-12345675"]["channel"]  # the ENS, by its AWB

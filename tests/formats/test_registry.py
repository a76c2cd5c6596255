"""The format records: each standard listed once, detection in the stated order, installed standards by entry
point, and answers chosen through the records."""

import sys

import pytest

from safelane import formats
from safelane.domain import InvalidMessage
from safelane.formats import registry
from safelane.formats.outbound import ANSWERS
from tests.formats.messages import read

PLUGIN = """
from safelane.domain import Filing
from safelane.formats.standard import Standard


def parse(data, *, filer=None):
    return [Filing.model_validate({"document_number": data.split()[1].decode(), "message_type": "TLX",
                                   "kind": "pre_arrival", "filer": filer,
                                   "consignments": [{"mode": "sea", "master_document": "BL1",
                                                     "goods": [{"description": "telexed goods"}]}]})]


STANDARD = Standard("telex", "Telex cargo reports", parse, "text/plain", answer="json", message_types=("TLX",),
                    detect=lambda head: head.startswith(b"ZCZC"), wide_text="refuse", charset="ITA2")
"""


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A package installed beside safelane that registers one standard through the entry-point group."""
    (tmp_path / "telex_standard.py").write_text(PLUGIN)
    info = tmp_path / "telex_standard-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: telex-standard\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[safelane.formats]\ntelex = telex_standard:STANDARD\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.standards.cache_clear()
    yield
    registry.standards.cache_clear()
    sys.modules.pop("telex_standard", None)


def test_every_standard_has_one_record():
    names = [s.name for s in formats.standards()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("standard", registry.BUILT_IN, ids=lambda s: s.name)
def test_every_standard_is_answered_by_a_known_answer(standard):
    assert standard.answer in {a.name for a in ANSWERS}


@pytest.mark.parametrize("standard", registry.BUILT_IN, ids=lambda s: s.name)
def test_every_standard_is_recognised_by_root_or_content(standard):
    assert bool(standard.xml_roots) != (standard.detect is not None)


def test_csv_is_tried_last():
    assert formats.standards()[-1].name == "csv"


@pytest.mark.parametrize(
    ("message_type", "answer"),
    [
        ("XFWB", "xcsn"),
        ("XFHL", "xcsn"),
        ("FWB", "csn"),
        ("FHL", "csn"),
        ("CUSCAR", "cusres"),
        ("DMS", "dms-response"),
        ("FFM", "csn"),
        ("XFFM", "xcsn"),
        ("IE315", "ics"),
        ("IE313", "ics"),
        ("safelane-json", "json"),
        ("anything else", "json"),
    ],
)
def test_the_answer_standard_of_each_message_type(message_type, answer):
    assert formats.answer_standard(message_type) == answer


def test_an_unknown_answer_standard_names_the_known_ones():
    with pytest.raises(ValueError, match="known: csn, cusres, dms-response, ics, json, xcsn"):
        formats.answer("telex")


def test_an_installed_standard_is_detected(installed):
    assert formats.detect(b"ZCZC REPORT-7\nNNNN") == "telex"


def test_an_installed_standard_is_parsed(installed):
    assert formats.parse(b"ZCZC REPORT-7\nNNNN", filer="ACME")[0].document_number == "REPORT-7"


def test_an_installed_standard_is_answered_as_its_record_says(installed):
    assert formats.answer_standard("TLX") == "json"


def test_an_installed_standard_comes_before_csv(installed):
    assert [s.name for s in formats.standards()][-2:] == ["telex", "csv"]


def test_an_installed_standard_is_a_format_name(installed):
    assert formats.parse(b"ZCZC REPORT-8\nNNNN", format="telex")[0].document_number == "REPORT-8"


def test_an_unknown_format_name_lists_the_known_ones():
    with pytest.raises(InvalidMessage) as caught:
        formats.parse(read("own/safelane__FWB_16.txt"), format="telex")
    known = "known: cargo-imp, cargo-xml, csv, cuscar, ffm, ics-ens, json, jsonl, wco-dms, xffm"
    assert known in caught.value.problems[0].message

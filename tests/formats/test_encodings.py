"""Messages in UTF-16 or UTF-32 with a byte-order mark: read where the standard allows it, else refused
naming the encoding received (issue 12.10)."""

import orjson
import pytest

from safelane.formats import detect, parse
from tests.factories import air_consignment, sea_consignment
from tests.formats.messages import problems, read

WIDE = ["utf-16", "utf-16-le", "utf-16-be", "utf-32"]  # Python's "utf-16" and "utf-32" write a byte-order mark
MARKS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def encoded(text: str, encoding: str) -> bytes:
    return MARKS.get(encoding, b"") + text.encode(encoding)


def json_text() -> str:
    consignment = air_consignment()
    consignment["goods"][0]["description"] = "Spielwaren für Kinder"
    return orjson.dumps(consignment).decode()


@pytest.mark.parametrize("encoding", WIDE)
def test_json_in_a_wide_encoding_is_detected(encoding):
    assert detect(encoded(json_text(), encoding)) == "json"


@pytest.mark.parametrize("encoding", WIDE)
def test_json_in_a_wide_encoding_is_read(encoding):
    [filing] = parse(encoded(json_text(), encoding))
    assert filing.consignments[0].goods[0].description == "Spielwaren für Kinder"


def test_json_lines_in_utf16_are_read():
    lines = orjson.dumps(air_consignment()).decode() + "\n" + orjson.dumps(sea_consignment()).decode() + "\n"
    assert [f.document_number for f in parse(encoded(lines, "utf-16"))] == ["HAWB-0001", "MAEU123456789"]


def test_csv_in_utf16_is_read():
    data = encoded("consignment_id,mode,house_document,description\nC1,air,HAWB-9,toys\n", "utf-16")
    assert parse(data)[0].document_number == "HAWB-9"


@pytest.mark.parametrize("encoding", WIDE)
def test_xml_in_a_wide_encoding_is_read(encoding):
    name = "UTF-32" if "32" in encoding else "UTF-16"
    text = read("own/safelane__IE315_air.xml").decode().replace('encoding="UTF-8"', f'encoding="{name}"')
    assert parse(encoded(text, encoding))[0].document_number == "ENS-2026-0001"


@pytest.mark.parametrize("name", ["own/safelane__FWB_16.txt", "own/safelane__CUSCAR_two_interchanges.edi"])
def test_an_8_bit_standard_in_utf16_is_refused_at_byte_0(name):
    assert problems(parse, encoded(read(name).decode("latin-1"), "utf-16")) == [("byte 0", "unsupported_encoding")]


def test_the_refusal_names_the_encoding_received():
    with pytest.raises(Exception) as caught:
        parse(encoded(read("own/safelane__FWB_16.txt").decode("latin-1"), "utf-16-be"))
    assert "UTF-16BE" in caught.value.problems[0].message


def test_an_odd_byte_after_a_utf16_mark_is_located():
    data = encoded(json_text(), "utf-16-le") + b"\x00\xd8"  # an unpaired surrogate at the end
    assert problems(parse, data)[0][1] == "malformed_text"

"""Cargo-IMP FFM flight manifests: the air waybills on one flight, each a consignment under its AWB number."""

import pytest

from safelane.formats import detect, parse
from tests.formats.messages import problems, read

FFM = "own/safelane__FFM_8.txt"


@pytest.fixture(scope="module")
def manifest():
    [filing] = parse(read(FFM))
    return filing


def test_an_ffm_is_detected():
    assert detect(read(FFM)) == "ffm"


def test_the_filing_is_named_after_flight_day_and_airport(manifest):
    assert (manifest.document_number, manifest.message_type, manifest.kind) == ("CX123/20NOV/HKG", "FFM", "pre_arrival")


def test_one_consignment_per_air_waybill(manifest):
    assert [c.master_document for c in manifest.consignments] == ["176-12345675", "176-12345686", "176-12345690"]


def test_a_split_waybill_has_a_goods_item_per_uld(manifest):
    split = manifest.consignments[1]
    assert [(g.packages, g.gross_mass_kg) for g in split.goods] == [(3, 30.0), (2, 20.0)]


def test_a_split_waybill_carries_its_total_pieces(manifest):
    assert manifest.consignments[1].total_packages == 5


def test_a_split_waybill_is_on_both_ulds(manifest):
    assert manifest.consignments[1].equipment == ["AKE12345CX", "PMC54321CX"]


def test_bulk_cargo_has_no_uld(manifest):
    assert manifest.consignments[2].equipment is None


def test_the_flight_is_the_transport_means(manifest):
    assert {c.transport_means.identifier for c in manifest.consignments} == {"CX123"}


def test_the_waybill_airports_are_the_itinerary(manifest):
    c = manifest.consignments[0]
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("HKHKG", "DEFRA")


def test_the_description_and_security_code_are_read(manifest):
    c = manifest.consignments[2]
    assert (c.goods[0].description, c.security_status) == ("DOCUMENTS", "SCO")


def test_a_waybill_weighed_in_pounds_is_converted():
    [filing] = parse(read(FFM).replace(b"/T1K2.5/", b"/T1L10/"))
    assert filing.consignments[2].total_gross_mass_kg == 4.536


def test_a_malformed_flight_line_is_located():
    assert problems(parse, read(FFM).replace(b"1/CX123/20NOV0630/HKG", b"1/CX123/TOMORROW/HKG")) == [
        ("line 2", "malformed_line")
    ]


def test_a_malformed_consignment_line_is_located():
    assert problems(parse, read(FFM).replace(b"/T10K120.5MC0.6/", b"/T10KXX/")) == [("line 5", "malformed_line")]


def test_a_manifest_without_waybills_is_refused():
    assert problems(parse, b"FFM/8\r\n1/CX123/20NOV/HKG\r\nFRA\r\nLAST\r\n") == [("line 2", "no_consignment")]


def test_a_manifest_without_its_flight_line_is_refused():
    assert problems(parse, b"FFM/8\r\n") == [("line 2", "malformed_line")]

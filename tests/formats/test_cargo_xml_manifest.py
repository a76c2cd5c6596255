"""Cargo-XML XFFM flight manifests: the air waybills on one flight, each a consignment under its AWB number."""

import pytest

from safelane.formats import detect, parse
from tests.formats.messages import problems, read

XFFM = "own/safelane__XFFM_flight.xml"
LINE = "/FlightManifest/ArrivalEvent/AssociatedTransportCargo[1]/IncludedMasterConsignment[2]"


@pytest.fixture(scope="module")
def manifest():
    [filing] = parse(read(XFFM))
    return filing


def test_an_xffm_is_detected_by_its_root():
    assert detect(read(XFFM)) == "xffm"


def test_the_filing_is_named_after_flight_day_and_airport(manifest):
    assert manifest.document_number == "CX123/2026-11-20/HKG"


def test_the_filing_is_a_pre_arrival_xffm(manifest):
    assert (manifest.message_type, manifest.kind) == ("XFFM", "pre_arrival")


def test_one_consignment_per_air_waybill(manifest):
    assert [c.master_document for c in manifest.consignments] == ["176-12345675", "176-12345686", "176-12345690"]


def test_a_split_waybill_has_a_goods_item_per_uld(manifest):
    split = manifest.consignments[1]
    assert [(g.packages, g.gross_mass_kg) for g in split.goods] == [(3, 30.0), (2, 20.0)]


def test_a_split_waybill_carries_its_total_pieces(manifest):
    assert manifest.consignments[1].total_packages == 5


def test_a_split_waybill_has_no_total_weight_from_one_part(manifest):
    assert manifest.consignments[1].total_gross_mass_kg is None


def test_a_split_waybill_is_on_both_ulds(manifest):
    assert manifest.consignments[1].equipment == ["AKE12345CX", "PMC54321CX"]


def test_loose_cargo_has_no_uld(manifest):
    assert manifest.consignments[2].equipment is None


def test_the_flight_is_the_transport_means(manifest):
    assert {c.transport_means.identifier for c in manifest.consignments} == {"CX123"}


def test_the_waybill_airports_are_the_itinerary(manifest):
    c = manifest.consignments[0]
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("HKHKG", "DEFRA")


def test_the_flight_departure_is_read(manifest):
    assert manifest.consignments[0].itinerary.departure_at.isoformat() == "2026-11-20T06:30:00+00:00"


def test_the_description_is_read(manifest):
    assert manifest.consignments[2].goods[0].description == "DOCUMENTS"


def test_the_security_code_is_read(manifest):
    assert manifest.consignments[2].security_status == "SCO"


def test_a_waybill_weighed_in_pounds_is_converted():
    data = read(XFFM).replace(b'unitCode="KGM">2.5<', b'unitCode="LBR">10<')
    [filing] = parse(data)
    assert filing.consignments[2].total_gross_mass_kg == pytest.approx(4.536, abs=0.001)


def test_a_malformed_piece_count_is_located():
    data = read(XFFM).replace(b">3</ram:PieceQuantity>", b">three</ram:PieceQuantity>")
    assert problems(parse, data) == [(f"{LINE}/PieceQuantity", "not_a_number")]


def test_a_line_without_its_waybill_is_located():
    data = read(XFFM).replace(b"<ram:ID>176-12345686</ram:ID>", b"", 1)
    assert problems(parse, data) == [(f"{LINE}/TransportContractDocument/ID", "missing_element")]


def test_a_manifest_without_its_flight_is_refused():
    data = read(XFFM).replace(b"<ram:ID>CX123</ram:ID>\n    <ram:UsedLogistics", b"<ram:UsedLogistics")
    assert problems(parse, data) == [("/FlightManifest/LogisticsTransportMovement/ID", "missing_element")]


def test_a_manifest_without_waybills_is_refused():
    head, _, _ = read(XFFM).partition(b"<rsm:ArrivalEvent>")
    assert problems(parse, head + b"</rsm:FlightManifest>") == [("/FlightManifest/ArrivalEvent", "no_consignment")]


def test_a_creation_amends_nothing(manifest):
    assert manifest.amends is None


def test_an_update_is_the_next_version_of_the_manifest_filed_before():
    [update] = parse(read(XFFM).replace(b"<ram:PurposeCode>Creation<", b"<ram:PurposeCode>Update<"))
    assert update.amends == "CX123/2026-11-20/HKG"

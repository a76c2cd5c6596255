from datetime import UTC, datetime

import pytest

from safelane.formats import detect, parse
from safelane.formats.cargo_imp import run_on
from tests.formats.messages import problems, read

FWB = "own/safelane__FWB_16.txt"
FHL = "own/safelane__FHL_4.txt"


def test_fwb_key_fields():
    data = read(FWB)
    assert detect(data) == "cargo-imp"
    [filing] = parse(data)
    assert (filing.document_number, filing.message_type, filing.kind) == ("176-12345675", "FWB", "pre_loading")
    assert filing.filed_at == datetime(2026, 11, 19, tzinfo=UTC)
    [c] = filing.consignments
    assert (c.master_document, c.total_packages, c.total_gross_mass_kg) == ("176-12345675", 10, 120.5)
    assert c.consignor.name == "SHENZHEN BRIGHT TOYS CO LTD"
    assert (
        c.consignor.address.street,
        c.consignor.address.city,
        c.consignor.address.country,
        c.consignor.address.postcode,
    ) == ("12 NANSHAN RD", "SHENZHEN", "CN", "518000")
    assert c.consignor.identifier("TIN") == "91440300MA5ABCDE1X"  # OCI/CN/SHP/T
    assert c.consignee.identifier("TIN") == "DE123456789012345"
    assert [(g.description, g.hs_code, g.packages, g.gross_mass_kg) for g in c.goods] == [
        ("PLASTIC BUILDING BLOCKS", "950300", 10, 120.5)
    ]
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("HKHKG", "DEFRA")
    assert c.transport_means.identifier == "CX123"
    assert c.security_status == "SPX"
    assert c.equipment == ["AKE12345CX"]


def test_fhl_one_consignment_per_house():
    [filing] = parse(read(FHL))
    assert (filing.document_number, filing.message_type) == ("176-12345675", "FHL")
    toys, gifts = filing.consignments
    assert (toys.house_document, toys.master_document, toys.total_packages) == ("HKG0001", "176-12345675", 10)
    assert toys.goods[0].description == "PLASTIC BUILDING BLOCKS"
    assert toys.goods[0].hs_code == "950300"
    assert toys.consignee.identifier("TIN") == "DE123456789012345"
    assert (gifts.consignee.name, gifts.consignee.address.city, gifts.consignee.address.street) == (
        "MARIA MUSTER",
        "FRANKFURT",
        None,
    )
    assert gifts.goods[0].description == "GIFTS"
    assert gifts.total_gross_mass_kg == 190.0


def test_type_b_envelope_lines_are_skipped():
    data = b"QK FRAFMLH\r\n.HKGFMCX 191030\r\n" + read(FWB)
    assert parse(data)[0].document_number == "176-12345675"


def test_errors_name_the_line():
    data = read(FWB).replace(b"/NH/950300", b"/NH/950300\r\n/NO/QQ")
    assert problems(parse, data) == [("line 22", "unknown_country")]
    data = read(FWB).replace(b"/T10K120.5", b"/T10Kxx")
    assert problems(parse, data) == [("line 2", "malformed_line")]
    data = read(FHL).replace(b"/10/K120.5/", b"/ten/K120.5/")
    assert problems(parse, data) == [("line 3", "not_a_number")]
    data = read(FWB).replace(b"/DE/20457", b"/QQ/20457")
    assert problems(parse, data) == [("line 14", "unknown_country")]
    assert problems(parse, b"FWB/16\r\n") == [("line 2", "malformed_line")]
    assert problems(parse, b"HELLO\r\n", format="cargo-imp") == [("line 1", "unknown_message")]


FWB_17 = "own/safelane__FWB_17.txt"
FHL_5 = "own/safelane__FHL_5.txt"


def party_of(name: str, role: str, index: int = 0) -> tuple:
    party = getattr(parse(read(name))[0].consignments[index], role)
    address = party.address
    return party.name, address.street, address.city, address.postcode, address.country


@pytest.mark.parametrize("role", ["consignor", "consignee"])
def test_fwb_17_parties_read_like_fwb_16(role):
    assert party_of(FWB_17, role) == party_of(FWB, role)


def test_fwb_17_notify_party():
    assert party_of(FWB_17, "notify_party") == ("ELBE CUSTOMS BROKERS", "ZOLLWEG 1", "HAMBURG", "20459", "DE")


@pytest.mark.parametrize("role", ["consignor", "consignee"])
def test_fhl_5_parties_read_like_fhl_4(role):
    assert party_of(FHL_5, role) == party_of(FHL, role)


def test_fhl_5_keeps_the_fhl_4_form_beside_it():
    assert party_of(FHL_5, "consignor", 1) == party_of(FHL, "consignor", 1)


def test_fhl_5_name_and_place_lines_without_an_address_line():
    assert party_of(FHL_5, "consignee", 1) == ("MARIA MUSTER", None, "FRANKFURT", None, "DE")


def test_a_fwb_17_party_without_a_name_line_is_located():
    data = read(FWB_17).replace(b"NAM/NORTHWIND RETAIL GMBH\r\n", b"")
    assert problems(parse, data) == [("line 10", "missing_party_name")]


def test_a_fwb_17_party_with_a_blank_name_line_is_located():
    data = read(FWB_17).replace(b"NAM/NORTHWIND RETAIL GMBH", b"NAM/")
    assert problems(parse, data) == [("line 10", "missing_party_name")]


def test_a_fwb_17_coded_line_is_located():
    data = read(FWB_17).replace(b"/DE/20457", b"/QQ/20457")
    assert problems(parse, data) == [("line 14", "unknown_country")]


def test_a_description_cut_inside_a_word_at_its_width_runs_on():
    assert parse(read(FWB_17))[0].consignments[0].goods[0].description == "CONSOLIDATED SHIPMENT OF PLASTIC TOYS"


def test_a_description_line_shorter_than_its_width_ends_at_a_word():
    data = read(FWB_17).replace(b"/NG/CONSOLIDATED SHIPMEN", b"/NG/CONSOLIDATED")
    assert parse(data)[0].consignments[0].goods[0].description == "CONSOLIDATED T OF PLASTIC TOYS"


def test_a_free_text_line_that_fills_its_width_and_a_next_opening_with_a_space_keep_the_space():
    assert parse(read(FHL_5))[0].consignments[0].goods[0].description == (
        "PLASTIC BUILDING BLOCKS FOR CHILDREN OVER THREE YEARS IN BOXES OF TWELVE SETS"
    )


@pytest.mark.parametrize(
    ("pieces", "joined"),
    [
        (["CONSOLIDATED SHIPMEN", "T"], "CONSOLIDATED SHIPMENT"),
        (["CONSOLIDATION AS PER", " ATTACHED LIST"], "CONSOLIDATION AS PER ATTACHED LIST"),
        (["TOYS", "GAMES"], "TOYS GAMES"),
    ],
)
def test_run_on(pieces, joined):
    assert run_on(pieces, 20) == joined

from datetime import UTC, datetime

import pytest

from safelane.domain import FilingKind
from safelane.formats import cargo_xml, detect, parse
from safelane.formats.xml_safety import parse_xml
from tests.formats.messages import problems, read

XFWB = "cargo-xml/riege__888-11111111_XFWB.xml"


def test_xfwb_key_fields_match_the_file():
    data = read(XFWB)
    assert detect(data) == "cargo-xml"
    [filing] = parse(data, filer="RIEGE")
    assert (filing.document_number, filing.message_type, filing.kind) == (
        "888-11111111",
        "XFWB",
        FilingKind.PRE_LOADING,
    )
    assert filing.filer == "RIEGE"
    assert filing.filed_at == datetime(2021, 3, 10, 10, 0, tzinfo=UTC)
    [c] = filing.consignments
    assert c.mode == "air"
    assert c.master_document == "888-11111111"
    assert c.house_document is None
    assert c.total_packages == 3
    assert c.total_gross_mass_kg == 1042.0
    assert c.consignor.name == "FORWARDER COMPANY IRELAND LTD"
    assert (
        c.consignor.address.street,
        c.consignor.address.city,
        c.consignor.address.postcode,
        c.consignor.address.country,
    ) == ("HARBOUR POINT BUSINESS PARK", "LITTLE CITY", "ABCD", "IE")
    assert c.consignor.identifier("TIN") == "IE1234567N"  # OCI line SHP/T
    assert c.consignee.name == "FORWARDER COMPANY SHANGHAI LTD ROOM 123 SPECIAL BUILDING. NR 987"
    assert c.consignee.identifier("TIN") == "USCI1234567812345678X7"
    [item] = c.goods
    assert item.description.startswith("CONSOLIDATION AS PER ATTACHED MANIFEST")
    assert (item.packages, item.gross_mass_kg, item.hs_code) == (3, 1042.0, None)  # 000111 is no HS code
    it = c.itinerary
    assert (it.place_of_loading, it.place_of_unloading, it.routing_countries) == ("IEORK", "CNPVG", ["AE"])
    assert it.departure_at == datetime(2021, 3, 10, tzinfo=UTC)
    assert c.transport_means.identifier == "XX8012"
    assert c.security_status == "NSC"


def test_acas_variant_reads_like_the_plain_waybill():
    [plain] = parse(read(XFWB))
    [acas] = parse(read("cargo-xml/riege__888-11111111_XFWB_ACAS_US.xml"))
    assert acas.consignments == plain.consignments


def test_multiple_ulds():
    [filing] = parse(read("cargo-xml/riege__888-11111111_XFWB_multipleULD_multipleHTS.xml"))
    assert filing.consignments[0].equipment == ["PMC1337XX", "AKE4711XX"]


def test_second_xfwb_example():
    [filing] = parse(read("cargo-xml/riege__xfwbExample.xml"))
    [c] = filing.consignments
    assert filing.document_number == "020-68548340"
    assert c.consignor.name == "SCHENKER DO BRASIL TRANSPORTES INTERNACIONAIS LTDA."
    assert c.consignee.address.city == "Roissy CDG Cedex"
    assert c.consignee.identifier("TIN") == "FR26311799456"
    assert (c.total_packages, c.total_gross_mass_kg) == (4, 36.9)
    assert len(c.goods) == 1
    assert c.goods[0].packages == 4  # rating sub-lines 2 and 3 continue line 1
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("BRVCP", "FRCDG")
    assert c.itinerary.routing_countries == ["DE"]
    assert c.transport_means.identifier == "LH5050"


def test_xfzb_house_waybill():
    data = read("cargo-xml/riege__SEL22222222_XFZB.xml")
    [filing] = parse(data)
    assert (filing.document_number, filing.message_type, filing.kind) == ("SEL22222222", "XFZB", "pre_loading")
    [c] = filing.consignments
    assert (c.master_document, c.house_document) == ("888-11111111", "SEL22222222")
    assert c.consignor.name == "SPARE PART LTD."
    assert c.consignor.address.country == "KR"
    assert c.consignee.name == "REPAIR DIENST GMBH"
    assert c.consignee.identifier("TIN") == "DE3056777000"
    assert (c.total_packages, c.total_gross_mass_kg) == (10, 134.0)
    assert [(g.description, g.packages, g.gross_mass_kg) for g in c.goods] == [("SPARE PARTS", 5, 133.7)]
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("KRICN", "DEFDH")


def test_xfhl_house_manifest_gives_one_consignment_per_house():
    [filing] = parse(read("own/safelane__XFHL_consolidation.xml"))
    assert (filing.document_number, filing.message_type) == ("176-12345675", "XFHL")
    first, second = filing.consignments
    assert (first.house_document, second.house_document) == ("HKG0001", "HKG0002")
    assert first.goods[0].hs_code == "950300"
    assert first.consignee.identifier("TIN") == "DE123456789012345"
    assert second.total_gross_mass_kg == pytest.approx(190.055)  # 419 lb
    assert second.goods[0].description == "GIFTS"


def test_missing_mode_code_is_located():
    assert problems(parse, read("cargo-xml/riege__888-11111111_XFWB_noModeCode.xml")) == [
        ("/Waybill/MasterConsignment/SpecifiedLogisticsTransportMovement[1]/ModeCode", "missing_element"),
        ("/Waybill/MasterConsignment/SpecifiedLogisticsTransportMovement[2]/ModeCode", "missing_element"),
    ]


def test_piece_count_mismatch_is_located():
    assert problems(parse, read("cargo-xml/riege__888-11111111_XFWB_pieceQuantityItemCountMismatch.xml")) == [
        (
            "/Waybill/MasterConsignment/ApplicableRating/IncludedMasterConsignmentItem/PieceQuantity",
            "piece_count_mismatch",
        ),
    ]


def test_domain_errors_point_at_the_element():
    data = read(XFWB).replace(
        b"<CountryID>IE</CountryID>\n            </PostalStructuredAddress>",
        b"<CountryID>QQ</CountryID>\n            </PostalStructuredAddress>",
        1,
    )
    assert problems(parse, data) == [
        ("/Waybill/MasterConsignment/ConsignorParty/PostalStructuredAddress/CountryID", "unknown_country")
    ]
    bad_number = read(XFWB).replace(b"<TotalPieceQuantity>3<", b"<TotalPieceQuantity>three<")
    assert problems(parse, bad_number) == [("/Waybill/MasterConsignment/TotalPieceQuantity", "not_a_number")]


def test_other_roots_are_refused():
    assert problems(cargo_xml.parse, b"<Invoice/>") == [("/Invoice", "unexpected_root")]


def test_malformed_xml_names_line_and_column():
    [(location, code)] = problems(parse, b"<ns2:Waybill xmlns:ns2='iata:waybill:1'>\n<a></b>", format="cargo-xml")
    assert code == "malformed_xml"
    assert location.startswith("line 2")


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Waybill>&lol3;</Waybill>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><Waybill>&x;</Waybill>"""


@pytest.mark.parametrize("data", [BOMB, EXTERNAL, BOMB.decode().encode("utf-16")])
def test_dtds_and_entities_are_refused(data):
    [(_, code)] = problems(parse_xml, data)
    assert code in ("dtd_forbidden", "malformed_xml")


def test_oversized_xml_is_refused_before_parsing():
    data = b"<Waybill>" + b" " * (50 * 1024 * 1024) + b"</Waybill>"
    assert problems(parse, data, format="cargo-xml") == [("$", "too_large")]


def test_deep_nesting_is_refused():
    data = b"<a>" * 10_000 + b"</a>" * 10_000
    [(_, code)] = problems(parse_xml, data)
    assert code == "too_deep"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- note --><ns2:Waybill xmlns:ns2='iata:waybill:1'/>", "cargo-xml"),
        (b"<soap:Envelope xmlns:soap='s'><soap:Body><ie:CC313A xmlns:ie='i'/></soap:Body></soap:Envelope>", "ics-ens"),
        (b"<md:MetaData xmlns:md='m'><Declaration/></md:MetaData>", "wco-dms"),
        (b"UNA:+.? 'UNB+UNOC:3+A+B+261115:0630+R'", "cuscar"),
        (b"QK FRAFMLH\r\nFWB/16\r\n176-12345675HKGFRA/T1K1\r\n", "cargo-imp"),
        (b'{"mode": "air"}', "json"),
    ],
)
def test_detection_by_content(data, expected):
    assert detect(data) == expected


def test_unknown_xml_is_not_guessed():
    assert problems(detect, b"<Invoice><ID>1</ID></Invoice>") == [("/", "unknown_format")]

from datetime import datetime, timedelta, timezone

import pytest

from safelane.formats import detect, parse
from tests.formats.messages import problems, read

H1 = "wco-dms/declarations/hmrc__TT_IM001a_import_H1_declaration.xml"


def test_h1_import_declaration_key_fields():
    data = read(H1)
    assert detect(data) == "wco-dms"
    [filing] = parse(data)
    assert (filing.document_number, filing.message_type, filing.kind) == ("7847767E1WB6", "DMS", "declaration")
    [c] = filing.consignments
    assert c.mode == "sea"
    assert c.consignment_id == "7847767E1WB6"
    assert c.consignor.name == "US Clipper Inc."
    assert (c.consignor.address.street, c.consignor.address.city, c.consignor.address.country) == (
        "1 Shaver Street",
        "New York",
        "US",
    )
    assert c.consignee.identifier("EORI") == "GB553202734852"  # the importer
    assert c.declarant.identifier("EORI") == "GB603202734852"
    [item] = c.goods
    assert item.description == "Parts for electric shavers, hair clippers and hair-removing appliances"
    assert (item.hs_code, item.packages, item.package_kind, item.gross_mass_kg, item.net_mass_kg) == (
        "85109000",
        50,
        "BX",
        150.0,
        100.0,
    )
    assert (item.value.amount, item.value.currency, item.origin_country) == (1000.0, "GBP", "US")
    assert c.total_packages == 50
    assert c.equipment == ["AD12345"]
    assert (c.transport_means.identifier, c.transport_means.nationality) == ("12345", "US")
    assert {(d.type, d.reference) for d in c.documents} >= {
        ("N935", "12345/19.01.2024"),
        ("Z355", "24GB34F7Y1O2CX8PT4"),
    }


def test_second_declaration_and_aeo_authorisation():
    [rejected_later] = parse(read("wco-dms/declarations/hmrc__TT_IM001b_declaration.xml"))
    assert rejected_later.document_number == "TT_IM01b_v1.7_220322_1"
    [filing] = parse(read("wco-dms/declarations/hmrc__TT_IM002b_original_declaration.xml"))
    [c] = filing.consignments
    assert filing.filed_at == datetime(2022, 11, 14, 14, 39, 31, tzinfo=timezone(timedelta(hours=1)))
    assert c.goods[0].description == "Cocoa Butter-fat and oil"
    assert c.goods[0].hs_code == "18040000"
    assert c.consignee.identifier("AEO") == "GB553202734852"  # AEOC authorisation holder
    assert c.equipment == ["DM1234"]


def test_partial_amendment_is_refused_with_its_location():
    assert problems(parse, read("wco-dms/declarations/hmrc__TT_IM002b_amendment.xml")) == [
        ("/MetaData/Declaration/TypeCode", "partial_amendment")
    ]


@pytest.mark.parametrize("name", ["notifications/hmrc__01_DMSACC.xml", "declarations/hmrc__TT_IM001b_01_DMSREJ.xml"])
def test_responses_are_not_declarations(name):
    assert problems(parse, read(f"wco-dms/{name}")) == [("/MetaData/Response", "not_a_filing")]


def test_domain_errors_point_at_the_element():
    data = read(H1).replace(b"<ID>85109000</ID>", b"<ID>77109000</ID>")
    assert problems(parse, data) == [
        (
            "/MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Classification[1]/ID",
            "unknown_hs_chapter",
        )
    ]
    data = read(H1).replace(b"<GrossMassMeasure>150<", b"<GrossMassMeasure>heavy<")
    assert problems(parse, data) == [
        (
            "/MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/GrossMassMeasure",
            "not_a_number",
        )
    ]

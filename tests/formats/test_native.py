import orjson
import pytest

from safelane.domain import InvalidMessage
from safelane.formats import detect, parse
from safelane.formats.native import parse_csv
from tests.factories import air_consignment, filing, sea_consignment


def locations(data: bytes, **kw) -> set[tuple[str, str]]:
    with pytest.raises(InvalidMessage) as caught:
        parse(data, **kw)
    return {(p.location, p.code) for p in caught.value.problems}


def test_filing_json_and_bare_consignment():
    [one] = parse(orjson.dumps(filing(air_consignment(), sea_consignment(), kind="pre_arrival")), filer="ACME")
    assert one.filer == "ACME"
    assert len(one.consignments) == 2
    assert one.message_type == "safelane-json"
    [bare] = parse(orjson.dumps(air_consignment()))
    assert bare.document_number == "HAWB-0001"  # a bare consignment is filed under its own reference
    assert bare.consignments[0].house_document == "HAWB-0001"


def test_pre_loading_filings_carry_air_cargo_only():
    assert locations(orjson.dumps(filing(air_consignment(), sea_consignment()))) == {("$", "not_air_cargo")}


def test_credential_filer_overrides_body():
    [one] = parse(orjson.dumps(filing(filer="SOMEONE-ELSE")), filer="ACME")
    assert one.filer == "ACME"


def test_list_and_json_lines():
    data = orjson.dumps([air_consignment(), sea_consignment()])
    assert detect(data) == "json"
    assert len(parse(data)) == 2
    lines = orjson.dumps(air_consignment()) + b"\n\n" + orjson.dumps(sea_consignment()) + b"\n"
    assert detect(lines) == "jsonl"
    assert [f.document_number for f in parse(lines)] == ["HAWB-0001", "MAEU123456789"]


def test_unknown_codes_are_located():
    bad = air_consignment(
        goods__0__hs_code="7700000",
        goods__0__origin_country="QQ",
        itinerary__place_of_loading="XXZZZ",
        goods__0__value={"amount": 1, "currency": "XYZ"},
    )
    assert locations(orjson.dumps(bad)) == {
        ("goods[0].hs_code", "unknown_hs_chapter"),
        ("goods[0].origin_country", "unknown_country"),
        ("itinerary.place_of_loading", "unknown_locode"),
        ("goods[0].value.currency", "unknown_currency"),
    }
    assert ("consignments[0].goods[0].hs_code", "unknown_hs_subheading") in locations(
        orjson.dumps(filing(air_consignment(goods__0__hs_code="950399")))
    )


def test_malformed_and_wrong_shapes():
    assert locations(b'{"mode": "air",') == {("$", "malformed_json")}
    assert locations(b"[]", format="json") == {("$", "empty")}
    assert locations(b'"text"', format="json") == {("$", "not_an_object")}
    assert locations(b'{"mode": 5}') >= {("mode", "enum"), ("goods", "missing")}
    jsonl = orjson.dumps(air_consignment()) + b"\n{oops\n" + orjson.dumps(air_consignment(goods__0__packages="x"))
    assert locations(jsonl) == {("line 2", "malformed_json"), ("line 3: goods[0].packages", "int_parsing")}
    listed = orjson.dumps([air_consignment(), air_consignment(mode="boat")])
    assert locations(listed) == {("[1].mode", "enum")}


CSV_HEADER = (
    "document_number,mode,master_document,house_document,consignor_name,consignor_country,consignee_name,"
    "consignee_country,consignee_eori,place_of_loading,place_of_unloading,routing_countries,description,"
    "hs_code,gross_mass_kg,value,currency,origin_country\n"
)


def test_csv_rows_group_into_consignments_with_goods():
    rows = (
        CSV_HEADER
        + "M1,air,176-12345675,H1,Acme Ltd,CN,Beta GmbH,DE,DE1234567,HKHKG,DEFRA,HK;AE,Toys,950300,10,100,USD,CN\n"
        + "M1,air,176-12345675,H1,Acme Ltd,CN,Beta GmbH,DE,DE1234567,HKHKG,DEFRA,HK;AE,Lamps,940549,5,50,USD,CN\n"
        + "M1,air,176-12345675,H2,Acme Ltd,CN,Gamma BV,NL,,HKHKG,NLAMS,,Shoes,640399,8,300,USD,VN\n"
    )
    filings = parse(rows.encode())
    [one] = filings  # one document number, one filing
    assert [c.house_document for c in one.consignments] == ["H1", "H2"]
    first = one.consignments[0]
    assert [g.hs_code for g in first.goods] == ["950300", "940549"]
    assert first.consignee.identifier("EORI") == "DE1234567"
    assert first.itinerary.routing_countries == ["HK", "AE"]


def test_csv_errors_name_line_and_column():
    rows = (
        CSV_HEADER
        + "M1,air,176-12345675,H1,Acme Ltd,CN,Beta GmbH,DE,,HKHKG,DEFRA,,Toys,950300,10,100,USD,CN\n"
        + "M1,air,176-12345675,H1,Acme Ltd,CN,Beta GmbH,DE,,HKHKG,DEFRA,,Lamps,770000,-5,50,USD,CN\n"
    )
    with pytest.raises(InvalidMessage) as caught:
        parse_csv(rows.encode())
    assert {(p.location, p.code) for p in caught.value.problems} == {("line 3, column gross_mass_kg", "greater_than")}
    rows = CSV_HEADER + "M1,air,176-12345675,H1,Acme Ltd,CN,Beta GmbH,DE,,HKHKG,DEFRA,,Lamps,770000,5,50,USD,ZZ\n"
    assert locations(rows.encode()) == {
        ("line 2, column hs_code", "unknown_hs_chapter"),
        ("line 2, column origin_country", "unknown_country"),
    }
    assert locations(b"mode,colour\nair,red\n") == {("line 1, column colour", "unknown_column")}

from datetime import UTC, datetime

import pytest

from safelane.formats import detect, ics_ens, parse
from tests.formats.messages import problems, read

OWN = "own/safelane__IE315_air.xml"


def test_own_ie315_parses_completely():
    data = read(OWN)
    assert detect(data) == "ics-ens"
    [filing] = parse(data, filer="LH")
    assert (filing.document_number, filing.message_type, filing.kind) == ("ENS-2026-0001", "IE315", "pre_arrival")
    assert filing.filed_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    [c] = filing.consignments
    assert (c.mode, c.master_document, c.office) == ("air", "020-12345675", "DE004851")
    assert c.consignor.name == "Shenzhen Bright Toys Co Ltd"
    assert c.consignee.identifier("TIN") == "DE123456789012345"
    assert c.declarant.name == "DE987654321000000"  # given by TIN only
    assert [(g.sequence, g.hs_code, g.packages, g.package_kind, g.gross_mass_kg) for g in c.goods] == [
        (1, "950300", 10, "CT", 120.5),
        (2, "950490", 2, "CT", 30.0),
    ]
    assert c.goods[1].description.startswith("Games")  # no description given: the nomenclature's
    assert (c.itinerary.place_of_loading, c.itinerary.place_of_unloading) == ("HKHKG", "DEFRA")
    assert c.itinerary.routing_countries == ["HK", "DE"]
    assert c.itinerary.arrival_at == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert (c.transport_means.identifier, c.transport_means.nationality) == ("LH8401", "DE")
    assert (c.total_packages, c.total_gross_mass_kg) == (12, 150.5)
    assert c.documents[0].type == "N740"


def test_hmrc_valid_submission_reads_key_fields():
    """Schema-valid, but its codes are placeholders: read faithfully, then rejected where the codes are."""
    data = read("ics-ens/hmrc-store__validSubmission.xml")
    filing, _ = ics_ens.read(data)
    [c] = filing["consignments"]
    assert filing["document_number"] == "ABCD1234"
    assert filing["message_type"] == "IE315"
    assert (c["mode"], c["master_document"], c["total_packages"], c["total_gross_mass_kg"]) == (
        "air",
        "ABC1234D",
        1,
        1.0,
    )
    assert c["consignee"]["identifiers"] == [{"scheme": "TIN", "value": "GBab12"}]
    assert c["declarant"]["name"] == "GBCD12345EFG"
    assert c["office"] == "ABCD1234"
    assert c["itinerary"]["routing_countries"] == ["AB", "AB"]
    assert problems(parse, data) == [
        ("/CC315A/ITI[1]/CouOfRouCodITI1", "unknown_country"),
        ("/CC315A/ITI[2]/CouOfRouCodITI1", "unknown_country"),
    ]


def test_full_ens_reads_every_party():
    filing, _ = ics_ens.read(read("ics-ens/hmrc-store__CC315A_full.xml"))
    [c] = filing["consignments"]
    assert c["consignor"]["name"] == "consignor name"
    assert c["consignee"]["address"]["city"] == "consignee city"
    assert c["notify_party"]["name"] == "notify party name"
    assert c["carrier"]["name"] == "carrier name"
    assert c["declarant"]["name"] == "declarant name"
    assert c["equipment"] == ["Container 1", "Container 2"]
    assert c["goods"][0]["packages"] == 1102
    assert c["goods"][0]["gross_mass_kg"] == 123.456


def test_soap_envelope_is_unwrapped():
    data = read("ics-ens/hmrc-store__CC315A-schemaValidSampleWithEnvelope-v11-2.xml")
    assert detect(data) == "ics-ens"
    assert problems(parse, data)[0] == ("/Envelope/Body/CC315A/HEAHEA/TraModAtBorHEA76", "unknown_transport_mode")


def test_amendment_ie313_is_read_under_its_mrn():
    filing, _ = ics_ens.read(read("ics-ens/hmrc-store__validAmendment.xml"))
    assert (filing["document_number"], filing["message_type"]) == ("12AB3C4D5E6F7G8H90", "IE313")
    assert filing["consignments"][0]["mode"] == "sea"
    assert filing["consignments"][0]["total_packages"] == 84


@pytest.mark.parametrize(
    "name", ["hmrc-store__CC315A-schemaInvalidSample-v11-2.xml", "hmrc-store__CC313A-schemaInvalidSample-v11-2.xml"]
)
def test_schema_invalid_samples_give_located_errors(name):
    found = problems(parse, read(f"ics-ens/{name}"))
    root = "/CC315A" if "315" in name else "/CC313A"
    assert (f"{root}/HEAHEA/TotNumOfIteHEA305", "not_a_number") in found
    assert (f"{root}/GOOITEGDS[2]/PACGS2/NumOfPacGS24", "not_a_number") in found


def test_goods_item_without_description_or_code_is_located():
    assert problems(parse, read("ics-ens/hmrc-store__315NoOptional.xml")) == [
        ("/CC315A/GOOITEGDS/GooDesGDS23", "missing_goods_description")
    ]


def test_responses_are_not_declarations():
    assert problems(ics_ens.parse, read("ics-ens/hmrc-store__validResponse.xml")) == [
        ("/SuccessResponse", "not_a_filing")
    ]

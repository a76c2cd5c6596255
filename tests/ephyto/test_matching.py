"""A certificate against its consignment, through the one pipeline on the real store: matched by the number the
filing quotes (else by consignor and consignee), each disagreement a plant-health finding naming the field."""

from pathlib import Path

import orjson

from safelane.domain import Consignment
from safelane.ephyto.matching import Mismatch, compare
from safelane.ephyto.reader import read
from safelane.store import certificates as store
from tests.factories import filing, sea_consignment

FIXTURES = Path(__file__).parents[1] / "fixtures" / "messages" / "ephyto"


def keep(system, clock, *names: str) -> None:
    for name in names:
        xml = (FIXTURES / name).read_bytes()
        found = read(xml)
        with system.db.write() as conn:
            store.save(conn, found.certificate, found.warnings, xml, at=clock.now, actor="test")


def plants(**changes):
    goods = [
        {
            "description": "Ribes alpinum plants for planting",
            "hs_code": "060290",
            "packages": 100,
            "gross_mass_kg": 60,
            "net_mass_kg": 10,
            "origin_country": "AR",
        }
    ]
    data = {
        "consignor__name": "Juan Perez",
        "consignee__name": "Importer SA",
        "goods": goods,
        "transport_means": {"identifier": "9999999", "name": "BLACK PEARL"},
        "documents": [{"type": "N851", "reference": "AR-PC-2026-0001"}],
    }
    return sea_consignment(**{**data, **changes})


def ephyto_findings(system, consignment):
    [result] = system.pipeline.submit_message(orjson.dumps(filing(consignment)), filer="acme", actor="acme")
    [item] = result.consignments
    return [f for f in item.findings if f["assessor"] == "ephyto"]


def test_a_matching_certificate_is_a_plant_health_finding_without_score(system, clock):
    keep(system, clock, "matching.xml")
    [finding] = ephyto_findings(system, plants())
    assert (finding["code"], finding["agency"], finding["score"]) == ("EPHYTO-MATCH", "plant_health", 0.0)
    assert finding["evidence"]["matched_by"] == "reference"


def test_each_disagreement_names_its_field(system, clock):
    keep(system, clock, "matching.xml", "mismatching.xml")
    consignment = plants(
        documents=[{"type": "N851", "reference": "AR PC 2026 0002"}],  # quoted with spaces: still found
        goods__0__origin_country="CN",
        goods__0__net_mass_kg=50,
        transport_means={"identifier": "9111111", "name": "FLYING DUTCHMAN"},
    )
    [finding] = ephyto_findings(system, consignment)
    assert finding["code"] == "EPHYTO-MISMATCH" and finding["agency"] == "plant_health"
    fields = {m["field"]: m for m in finding["evidence"]["mismatches"]}
    # both certified lines are oranges; the certificate's second line has no weight, so no quantity is compared
    assert set(fields) == {"consignee", "origin_country", "commodities[0]", "commodities[1]", "means_of_transport"}
    assert fields["consignee"] == {"field": "consignee", "filed": "Importer SA", "certified": "Other Importer SA"}
    assert fields["commodities[0]"]["certified"] == "08051020"
    assert "consignee: filed 'Importer SA'" in finding["explanation"]


def test_without_a_quoted_number_the_parties_find_the_certificate(system, clock):
    keep(system, clock, "matching.xml")
    [finding] = ephyto_findings(system, plants(documents=[], consignor__name="JUAN PÉREZ".replace("É", "E")))
    assert finding["evidence"]["matched_by"] == "parties"
    assert finding["code"] == "EPHYTO-MATCH"


def test_a_withdrawn_certificate_is_a_status_mismatch(system, clock):
    keep(system, clock, "matching.xml", "withdrawn.xml")  # the NPPO's update of the same number
    [finding] = ephyto_findings(system, plants())
    assert finding["evidence"]["mismatches"] == [
        {"field": "status", "filed": "a valid certificate", "certified": "withdrawn"}
    ]


def test_a_certificate_on_hold_certifies_nothing():
    """Status code 39 (unconfirmed for the Hub; "On hold" in UN/EDIFACT 1373) is a status mismatch, not issued."""
    xml = (FIXTURES / "matching.xml").read_bytes()
    assert b">70</ns1:StatusCode>" in xml
    on_hold = read(xml.replace(b">70</ns1:StatusCode>", b">39</ns1:StatusCode>")).certificate
    consignment = Consignment.model_validate(plants())
    assert compare(read(xml).certificate, consignment) == []
    assert compare(on_hold, consignment) == [Mismatch("status", "a valid certificate", "on_hold")]


def test_a_replacement_marks_the_replaced_certificate(system, clock):
    keep(system, clock, "matching.xml")
    replacement = (FIXTURES / "matching.xml").read_bytes()
    replacement = replacement.replace(b"<ns1:ID>AR-PC-2026-0001</ns1:ID>", b"<ns1:ID>AR-PC-2026-0009</ns1:ID>", 1)
    replacement = replacement.replace(
        b"<ns1:Content>3214356</ns1:Content>", b"<ns1:Content>AR-PC-2026-0001</ns1:Content>"
    )
    found = read(replacement)
    with system.db.write() as conn:
        store.save(conn, found.certificate, found.warnings, replacement, at=clock.now, actor="test")
    with system.db.read() as conn:
        [old] = store.get(conn, "AR-PC-2026-0001", "AR")
    assert (old.certificate.status, old.replaced_by) == ("replaced", "AR-PC-2026-0009")
    [finding] = ephyto_findings(system, plants())
    assert finding["evidence"]["mismatches"][0] == {
        "field": "status",
        "filed": "a valid certificate",
        "certified": "replaced",
    }


def test_no_certificate_no_finding(system):
    assert ephyto_findings(system, plants(documents=[], consignee__name="Nobody Ltd")) == []


def test_certificates_for_is_what_re_assessment_calls(system, clock):
    from safelane.domain import Consignment

    keep(system, clock, "matching.xml")
    with system.db.read() as conn:
        [found] = store.certificates_for(conn, Consignment.model_validate(plants()))
    assert found.certificate.certificate_id == "AR-PC-2026-0001"


def test_quantity_is_compared_when_every_certified_line_has_a_net_weight():
    from dataclasses import replace

    from safelane.domain import Consignment
    from safelane.ephyto.matching import compare

    certificate = read((FIXTURES / "matching.xml").read_bytes()).certificate
    first_only = replace(certificate, commodities=certificate.commodities[:1])
    assert compare(first_only, Consignment.model_validate(plants(goods__0__net_mass_kg=11))) == []  # within 10 %
    [mismatch] = compare(first_only, Consignment.model_validate(plants(goods__0__net_mass_kg=50)))
    assert (mismatch.field, mismatch.filed, mismatch.certified) == ("quantity", "50 kg net", "10 kg net")


def _from_another_country(xml: bytes) -> bytes:
    """The same certificate number printed by another NPPO (Uruguay), for other goods' parties."""
    xml = xml.replace(b"<ns1:ID>AR</ns1:ID>", b"<ns1:ID>UY</ns1:ID>")
    return xml.replace(b"Importer SA", b"Uruguay Importer SA")


def test_a_certificate_is_its_number_and_issuing_country(system, clock):
    keep(system, clock, "matching.xml")
    other = _from_another_country((FIXTURES / "matching.xml").read_bytes())
    found = read(other)
    assert found.certificate.issuing_country == "UY"
    with system.db.write() as conn:
        _, changed = store.save(conn, found.certificate, found.warnings, other, at=clock.now, actor="test")
    assert changed  # not an update of Argentina's AR-PC-2026-0001: a certificate of its own
    with system.db.read() as conn:
        both = store.get(conn, "AR-PC-2026-0001")
        assert [s.certificate.issuing_country for s in both] == ["AR", "UY"]
        [argentina] = store.get(conn, "AR-PC-2026-0001", "AR")
        assert argentina.certificate.consignee is not None
        assert argentina.certificate.consignee.name == "Importer SA"
    # the filing quotes the number; the goods come from Argentina: Argentina's certificate is the one compared
    [finding] = ephyto_findings(system, plants())
    assert (finding["code"], finding["evidence"]["issuing_country"]) == ("EPHYTO-MATCH", "AR")

"""Reading ePhytos: the real Mattilsynet sample, a Hub envelope, schema errors as warnings, refusals located."""

from pathlib import Path

import pytest

from safelane.domain import InvalidMessage
from safelane.ephyto.hub import LocalHub, envelope, receive
from safelane.ephyto.reader import read

FIXTURES = Path(__file__).parents[1] / "fixtures" / "messages" / "ephyto"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_the_real_sample_is_read_with_its_schema_errors_as_warnings():
    found = read(fixture("mattilsynet__SPSCertificateContent.xml"))
    c = found.certificate
    assert (c.certificate_id, c.type_code, c.status, c.issuing_country, c.importing_country) == (
        "123ABC",
        "851",
        "issued",
        "AR",
        "EC",
    )
    assert c.consignor is not None and c.consignor.name == "Juan Perez"
    assert c.consignee is not None and c.consignee.name == "Importer SA"
    assert c.replaces == "3214356"  # note ADRPN: the certificate this one replaces
    first, second = c.commodities
    assert (first.hs_code, first.scientific_name, first.net_kg, first.origin_country) == (
        "06029048",
        "Ribes",
        10.0,
        "AR",
    )
    assert second.quantity is not None and (second.quantity.value, second.quantity.unit) == (33.0, "Units")
    assert [t.name for t in c.transport] == [None, "Ocean Vessel: Black Pearl"]
    assert c.entry_point == "USSEA"
    assert c.origin_countries == ["AR"]
    assert {w.code for w in found.warnings} == {"schema"}
    assert found.warnings[0].location == (
        "/SPSCertificate/SPSExchangedDocument/SignatorySPSAuthentication/IssueSPSLocation/ID (line 69)"
    )


def test_a_hub_envelope_carries_the_certificate_and_its_delivery_number():
    found = read(fixture("hub_envelope.xml"))
    assert found.certificate.certificate_id == "AR-PC-2026-0001"
    assert found.certificate.hub_delivery == "HUB-0000001"
    assert found.certificate.as_dict() | {"hub_delivery": None} == read(fixture("matching.xml")).certificate.as_dict()


def test_withdrawn_is_a_status():
    assert read(fixture("withdrawn.xml")).certificate.status == "withdrawn"


def test_an_unreadable_certificate_is_refused_with_every_problem_located():
    with pytest.raises(InvalidMessage) as refused:
        read(fixture("malformed.xml"))
    assert [(p.location, p.code) for p in refused.value.problems] == [
        ("/SPSCertificate/SPSExchangedDocument/ID", "missing"),
        ("/SPSCertificate/SPSExchangedDocument/StatusCode", "unknown_status"),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<SPSCertificate><unclosed></SPSCertificate>", "malformed_xml"),
        (b'<!DOCTYPE x [<!ENTITY e "boom">]><SPSCertificate/>', "dtd_forbidden"),
        (b"<Waybill/>", "not_a_certificate"),
        (b'<Envelope xmlns="http://ephyto.ippc.int/HUB.Entities"><From>AR</From></Envelope>', "missing"),
    ],
)
def test_what_is_no_certificate_is_refused(data, code):
    with pytest.raises(InvalidMessage) as refused:
        read(data)
    assert refused.value.problems[0].code == code


def test_an_envelope_naming_another_certificate_is_refused():
    data = envelope(fixture("matching.xml"), sender="AR", receiver="EC", number="OTHER-1", delivery="D1")
    with pytest.raises(InvalidMessage) as refused:
        read(data)
    assert refused.value.problems[0].code == "envelope_mismatch"


def test_the_local_hub_hands_out_envelopes_until_acknowledged():
    hub = LocalHub()
    good = envelope(fixture("matching.xml"), sender="AR", receiver="EC", number="AR-PC-2026-0001", delivery="D1")
    hub.deliver("D1", good)
    hub.deliver("D2", envelope(b"<SPSCertificate/>", sender="AR", receiver="EC", number="X", delivery="D2"))
    kept: list[str] = []
    assert receive(hub, lambda found, xml: kept.append(found.certificate.certificate_id)) == 1
    assert kept == ["AR-PC-2026-0001"]
    assert hub.pending() == []
    assert hub.acknowledged["D1"] == []
    assert hub.acknowledged["D2"][0].code == "missing"
    assert hub.warned == {"D1": read(good).warnings} and "D2" not in hub.warned  # kept with its schema warnings


def test_an_envelope_out_of_schema_is_read_with_a_warning():
    data = envelope(fixture("matching.xml"), sender="AR", receiver="EC", number="AR-PC-2026-0001", delivery="D1")
    data = data.replace(b"<From>AR</From><To>EC</To>", b"<To>EC</To><From>AR</From>")
    found = read(data)
    assert found.certificate.certificate_id == "AR-PC-2026-0001"
    assert found.warnings[0].location == "/Envelope/To (line 2)"
    assert len(found.warnings) == len(read(fixture("matching.xml")).warnings) + 1


def test_each_shipped_status_code_reads_as_its_listed_status_and_says_whether_it_is_verified():
    from safelane.ephyto.certificate import STATUS_LIST

    sample = fixture("mattilsynet__SPSCertificateContent.xml")
    assert b"<ns1:StatusCode>70</ns1:StatusCode>" in sample  # the one code the Hub's own sample confirms
    for code, entry in STATUS_LIST["codes"].items():
        assert entry["status"] in {"issued", "on_hold", "withdrawn", "rejected"} and entry["verified"]
        coded = sample.replace(
            b"<ns1:StatusCode>70</ns1:StatusCode>", f"<ns1:StatusCode>{code}</ns1:StatusCode>".encode()
        )
        found = read(coded).certificate
        assert (found.status_code, found.status) == (code, entry["status"])
    # only the confirmed code makes a certificate valid: 39 was once read as issued, but no source confirms it
    assert [code for code, entry in STATUS_LIST["codes"].items() if entry["status"] == "issued"] == ["70"]
    unlisted = sample.replace(b"<ns1:StatusCode>70</ns1:StatusCode>", b"<ns1:StatusCode>1</ns1:StatusCode>")
    with pytest.raises(InvalidMessage) as refused:
        read(unlisted)
    assert [p.code for p in refused.value.problems] == ["unknown_status"]

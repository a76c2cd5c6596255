"""Amendments that name what they amend (ICS IE313 by MRN, Cargo-XML 'Update') become its next version."""

import orjson
import sqlalchemy as sa

from safelane.store.schema import filing_versions
from tests.conftest import FIXTURES
from tests.factories import air_consignment, filing

IE315 = (FIXTURES / "messages" / "own" / "safelane__IE315_air.xml").read_bytes()
XFWB = (FIXTURES / "messages" / "cargo-xml" / "riege__888-11111111_XFWB.xml").read_bytes()


def ie313(mrn: str, packages: str = "12") -> bytes:
    """The IE315 turned into its amendment: the CC313A root, the MRN instead of the LRN, an amendment time."""
    return (
        IE315.replace(b"CC315A", b"CC313A")
        .replace(b"<RefNumHEA4>ENS-2026-0001</RefNumHEA4>", f"<DocNumHEA5>{mrn}</DocNumHEA5>".encode())
        .replace(b"<DecDatTimHEA114>202611200800</DecDatTimHEA114>", b"<DatTimAmeHEA113>202611200900</DatTimAmeHEA113>")
        .replace(
            b"<TotNumOfPacHEA306>12</TotNumOfPacHEA306>", f"<TotNumOfPacHEA306>{packages}</TotNumOfPacHEA306>".encode()
        )
    )


def versions(system, filing_id: str) -> list[tuple[int, str]]:
    with system.db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(filing_versions.c.version, filing_versions.c.message_type)
                .where(filing_versions.c.filing_id == filing_id)
                .order_by(filing_versions.c.version)
            )
        ]


def test_ie313_quoting_the_mrn_amends_the_ens(system):
    [ens] = system.pipeline.submit_message(IE315, filer="ACME", actor="a")
    assert ens.status == "accepted"
    assert ens.document_number == "ENS-2026-0001"
    mrn = ens.filing_id  # safelane's filing id is the MRN the filer quotes back
    [amended] = system.pipeline.submit_message(ie313(mrn, packages="14"), filer="ACME", actor="a")
    assert (amended.status, amended.filing_id, amended.version) == ("accepted", mrn, 2)
    assert amended.document_number == "ENS-2026-0001"
    assert amended.consignments[0].consignment_id == ens.consignments[0].consignment_id
    [again] = system.pipeline.submit_message(ie313(mrn, packages="14"), filer="ACME", actor="a")
    assert (again.status, again.version) == ("duplicate", 2)  # a retried amendment is a replay
    assert versions(system, mrn) == [(1, "IE315"), (2, "IE313")]


def test_an_amendment_of_nothing_is_refused(system):
    [orphan] = system.pipeline.submit_message(ie313("F-NOT-FILED"), filer="ACME", actor="a")
    assert orphan.status == "conflict"
    assert orphan.problems[0].code == "nothing_to_amend"
    [ens] = system.pipeline.submit_message(IE315, filer="ACME", actor="a")
    [other] = system.pipeline.submit_message(ie313(ens.filing_id), filer="SOMEONE-ELSE", actor="b")
    assert other.status == "conflict"  # another filer's MRN names nothing of theirs


def test_cargo_xml_update_is_the_next_version_of_the_waybill(system):
    [created] = system.pipeline.submit_message(XFWB, filer="ACME", actor="a")
    update = XFWB.replace(b"<PurposeCode>Creation", b"<PurposeCode>Update").replace(
        b"<IssueDateTime>2021-03-10T11:00:00+01:00", b"<IssueDateTime>2021-03-10T12:00:00+01:00", 1
    )
    [updated] = system.pipeline.submit_message(update, filer="ACME", actor="a")
    assert (updated.status, updated.filing_id, updated.version) == ("accepted", created.filing_id, 2)


def test_native_filings_may_name_what_they_amend(system):
    [first] = system.pipeline.submit_message(orjson.dumps(filing()), filer="ACME", actor="a")
    amendment = filing(air_consignment(goods__0__packages=11), amends="DOC-1")
    del amendment["version"]
    [second] = system.pipeline.submit_message(orjson.dumps(amendment), filer="ACME", actor="a")
    assert (second.status, second.version, second.filing_id) == ("accepted", 2, first.filing_id)

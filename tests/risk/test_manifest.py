"""A flight manifest's air waybills against those filed: the ones nobody filed are flagged, on a real store."""

from pathlib import Path

import orjson

from tests.factories import air_consignment, filing

MESSAGES = Path(__file__).parents[1] / "fixtures" / "messages" / "own"
FFM = (MESSAGES / "safelane__FFM_8.txt").read_bytes()
XFFM = (MESSAGES / "safelane__XFFM_flight.xml").read_bytes()
ON_BOARD = ["176-12345675", "176-12345686", "176-12345690"]  # the three waybills on both manifests


def file_waybill(system, number: str, filer: str = "FWD"):
    data = filing(air_consignment(master_document=number), document_number=number, kind="pre_loading")
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer=filer, actor=f"{filer}-user")
    return result


def flagged(result) -> dict[str, list[dict]]:
    return {c.reference: [f for f in c.findings if f["assessor"] == "manifest"] for c in result.consignments}


def test_every_waybill_unfiled_is_flagged_with_its_flight(system):
    [result] = system.pipeline.submit_message(FFM, filer="CX", actor="cx-user")
    findings = flagged(result)
    assert sorted(findings) == ON_BOARD
    for number in ON_BOARD:
        [finding] = findings[number]
        assert finding["code"] == "AWB-NOT-FILED"
        assert finding["evidence"] == {"air_waybill": number, "flight": "CX123"}
        assert number in finding["explanation"]
        assert finding["score"] > 0


def test_a_waybill_filed_before_by_anyone_in_either_spelling_is_not_flagged(system):
    file_waybill(system, "176-12345675", filer="FWD")
    file_waybill(system, "17612345686", filer="OTHER")  # without the dash, by another filer
    [result] = system.pipeline.submit_message(XFFM, filer="CX", actor="cx-user")
    findings = flagged(result)
    assert findings["176-12345675"] == []
    assert findings["176-12345686"] == []
    assert [f["code"] for f in findings["176-12345690"]] == ["AWB-NOT-FILED"]


def test_a_withdrawn_waybill_no_longer_counts_as_filed(system):
    withdrawn = file_waybill(system, "176-12345690")
    with system.db.write() as conn:
        from safelane.store import filings as store

        store.withdraw(conn, withdrawn.filing_id, at=system.pipeline.clock(), actor="FWD-user")
    [result] = system.pipeline.submit_message(FFM, filer="CX", actor="cx-user")
    assert [f["code"] for f in flagged(result)["176-12345690"]] == ["AWB-NOT-FILED"]


def test_a_waybill_filed_earlier_in_the_same_batch_counts(system):
    number = "176-12345675"
    waybill = filing(air_consignment(master_document=number), document_number=number, kind="pre_loading")
    batch = [
        *system.pipeline.parse(orjson.dumps(waybill), filer="FWD", actor="fwd-user"),
        *system.pipeline.parse(FFM, filer="CX", actor="cx-user"),
    ]
    _, manifest = system.pipeline.submit(batch, actor="batch")
    findings = flagged(manifest)
    assert findings["176-12345675"] == []
    assert findings["176-12345686"] != []


def test_waybills_and_declarations_are_left_alone(system):
    [result] = system.pipeline.submit_message(
        orjson.dumps(filing(air_consignment(master_document="176-99999999"), kind="pre_loading")),
        filer="FWD",
        actor="fwd-user",
    )
    assert flagged(result) == {result.consignments[0].reference: []}


def test_an_xffm_update_becomes_the_second_version_and_is_checked_again(system):
    [first] = system.pipeline.submit_message(XFFM, filer="CX", actor="cx-user")
    file_waybill(system, "176-12345690")
    update = XFFM.replace(b"<ram:PurposeCode>Creation<", b"<ram:PurposeCode>Update<")
    [second] = system.pipeline.submit_message(update, filer="CX", actor="cx-user")
    assert (second.filing_id, second.version) == (first.filing_id, 2)
    assert flagged(second)["176-12345690"] == []
    assert flagged(second)["176-12345675"] != []

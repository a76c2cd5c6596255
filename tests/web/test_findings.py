"""Findings on the consignment page as each assessor's spec presents them: the default partial, and findings of
an assessor no longer installed."""

import html

import orjson

from safelane.settings import Settings
from safelane.system import DEFAULT_ASSESSORS, build
from tests.factories import air_consignment, filing
from tests.risk.test_registry import wants_red
from tests.web.conftest import Bench


def findings_section(bench: Bench, consignment_id: str) -> str:
    page = html.unescape(bench.client("sam").get(f"/consignments/{consignment_id}").text)
    return page.split('id="findings-h"')[1].split("</section>")[0]


def test_the_default_partial_joins_listed_evidence(bench: Bench) -> None:
    gaps = air_consignment(consignor__address__street=None, consignee__address__street=None)
    consignment_id = bench.file("acme", filing(gaps, document_number="A-GAPS"))["consignments"][0]["consignment_id"]
    section = findings_section(bench, consignment_id)
    assert "<h3>Pre-loading data (PLACI 7+1)</h3>" in section
    assert "<dt>missing</dt><dd>consignor address (street); consignee address (street)</dd>" in section


def test_findings_of_an_assessor_no_longer_installed_are_shown_by_name(bench: Bench, database_url: str) -> None:
    before = build(Settings(database_url=database_url), assessors=[*DEFAULT_ASSESSORS, wants_red(floors=False)])
    try:
        message = orjson.dumps(filing(air_consignment(), document_number="A-OLD"))
        [result] = before.pipeline.submit_message(message, filer="ACME", actor="filer")
    finally:
        before.db.dispose()
    section = findings_section(bench, result.consignments[0].consignment_id)
    assert "<h3>Wants red</h3>" in section


def test_the_ecommerce_partial_links_the_parcels_of_a_split_order(bench: Bench) -> None:
    from tests.risk.ecommerce_parcels import parcel

    ids = []
    for number, value in (("1", 90), ("2", 80)):
        message = filing(
            parcel(value, house_document=f"EXP-{number}"),
            document_number=f"ORDER-{number}",
            filed_at=f"2026-11-1{number}T08:00:00Z",
        )
        ids.append(bench.file("acme", message)["consignments"][0]["consignment_id"])
    section = findings_section(bench, ids[1])
    assert "<h3>E-commerce parcels</h3>" in section
    assert f'<a href="/consignments/{ids[0]}">EXP-1</a>' in section
    assert "EUR 170.0 together, limit EUR 150.0 (the EUR 3 flat duty per tariff sub-heading)" in section


def test_the_ecommerce_partial_shows_other_findings_as_facts(bench: Bench) -> None:
    from tests.risk.ecommerce_parcels import parcel

    phone = parcel(
        goods=[{"description": "Smartphone", "hs_code": "950300", "value": {"amount": 9, "currency": "EUR"}}]
    )
    answer = bench.file("acme", filing(phone, document_number="ORDER-9", filed_at="2026-11-10T08:00:00Z"))
    section = findings_section(bench, answer["consignments"][0]["consignment_id"])
    assert "<dt>expected chapters</dt><dd>85</dd>" in section
    assert "<dt>floor eur</dt><dd>40.0</dd>" in section


def test_the_ephyto_partial_lists_each_mismatching_field(bench: Bench) -> None:
    from datetime import UTC, datetime

    from safelane.ephyto.reader import read
    from safelane.store import certificates as certificate_store
    from tests.ephyto.test_matching import FIXTURES, plants

    xml = (FIXTURES / "mismatching.xml").read_bytes()
    found = read(xml)
    with bench.db.write() as conn:
        at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        certificate_store.save(conn, found.certificate, found.warnings, xml, at=at, actor="test")
    consignment = plants(documents=[{"type": "N851", "reference": "AR-PC-2026-0002"}])
    consignment_id = bench.file("acme", filing(consignment, document_number="A-PHYTO"))["consignments"][0][
        "consignment_id"
    ]
    section = findings_section(bench, consignment_id)
    assert "<h3>Phytosanitary certificates (ePhyto)</h3>" in section
    assert "<tr><td>consignee</td><td>Importer SA</td><td>Other Importer SA</td></tr>" in section
    assert "the number the filing quotes" in section

"""The consignment page's documents and certificates (StrictUndefined), and the download through the officer's
scope: the filer's PDF is listed with type, size, SHA-256, who and when, and served only to who sees it."""

import hashlib
import html
from pathlib import Path

from tests.documents import samples
from tests.ephyto.test_matching import plants
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench

CERTIFICATES = Path(__file__).parents[1] / "fixtures" / "messages" / "ephyto"


def _attach(bench: Bench, consignment_id: str, data: bytes, **params: str) -> dict:
    client = bench.anonymous()
    response = client.post(
        f"/v1/consignments/{consignment_id}/documents",
        content=data,
        headers={"Authorization": f"Bearer {bench.keys['acme']}", "Content-Type": "application/pdf"},
        params=params,
    )
    assert response.status_code == 201, response.text
    return response.json()["document"]


def _certificate(bench: Bench, name: str) -> None:
    response = bench.anonymous().post(
        "/v1/certificates",
        content=(CERTIFICATES / name).read_bytes(),
        headers={"Authorization": f"Bearer {bench.keys['olga']}", "Content-Type": "application/xml"},
    )
    assert response.status_code == 201, response.text


def test_documents_and_certificates_on_the_page_and_the_download(bench: Bench) -> None:
    quoted = [{"type": "N851", "reference": "AR-PC-2026-0002"}]
    item = bench.file("acme", filing(plants(documents=quoted), document_number="PH-1"))["consignments"][0]
    consignment_id = item["consignment_id"]
    data = samples.pdf(pages=2)
    document = _attach(bench, consignment_id, data, type="N851", filename="phyto.pdf")
    _certificate(bench, "mismatching.xml")

    olga = bench.client("olga")
    page = html.unescape(olga.get(f"/consignments/{consignment_id}").text)
    href = f"/consignments/{consignment_id}/documents/{document['document_id']}"
    for expected in ("Documents and certificates", "N851", "phyto.pdf", f"{len(data):,} bytes", href, "acme"):
        assert expected in page, expected
    assert hashlib.sha256(data).hexdigest() in page
    assert "AR-PC-2026-0002" in page and "disagrees" in page and "consignee: filed 'Importer SA'" in page

    served = olga.get(href)
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "application/pdf"
    # another consignment's path, an unknown id, or an officer of another office: no such document
    assert olga.get(f"/consignments/C-other/documents/{document['document_id']}").status_code == 404
    assert olga.get(f"/consignments/{consignment_id}/documents/DOC-none").status_code == 404
    refused = bench.client("pieter").get(href)
    assert refused.status_code == 404 and data not in refused.content


def test_a_consignment_without_documents_renders(bench: Bench) -> None:
    item = bench.file("acme", filing(sea_consignment(), document_number="S-1"))["consignments"][0]
    page = bench.client("olga").get(f"/consignments/{item['consignment_id']}")
    assert page.status_code == 200
    assert "No document attached." in page.text

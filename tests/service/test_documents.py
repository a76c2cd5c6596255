"""Attaching documents over the API, on SQLite and PostgreSQL: checks, replay, scope, requests answered, audit."""

import dataclasses
import hashlib

import sqlalchemy as sa

from safelane.store import audit_verify
from safelane.store.schema import decision_events, document_contents, documents
from tests.documents import samples
from tests.factories import air_consignment, filing
from tests.service.conftest import RFI_LAPTOPS_VIA_KP

PDF = "application/pdf"


def consignment_of(api, scenario=None, number="DOC-1", user="acme") -> dict:
    result = api.accepted(user, filing(air_consignment(**(scenario or {})), document_number=number))
    return result["consignments"][0]


def attach(api, user, consignment_id, data, content_type=PDF, **params):
    return api.client.post(
        f"/v1/consignments/{consignment_id}/documents",
        content=data,
        headers={**api.as_(user), "Content-Type": content_type},
        params=params,
    )


def rows(api, table) -> int:
    with api.db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_pdf_is_kept_with_its_hash_read_back_and_replayed(api):
    item = consignment_of(api)
    data = samples.pdf(pages=2)
    created = attach(api, "acme", item["consignment_id"], data, type="commercial_invoice", filename="invoice.pdf")
    assert created.status_code == 201, created.text
    document = created.json()["document"]
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert (document["kind"], document["size"], document["document_type"]) == ("pdf", len(data), "commercial_invoice")
    assert api.audit("document.attached") == 1

    again = attach(api, "acme", item["consignment_id"], data, type="commercial_invoice")
    assert again.status_code == 200
    assert again.json()["document"]["document_id"] == document["document_id"]
    assert (rows(api, documents), rows(api, document_contents), api.audit("document.attached")) == (1, 1, 1)

    listed = api.client.get(f"/v1/consignments/{item['consignment_id']}/documents", headers=api.as_("acme"))
    assert [d["document_id"] for d in listed.json()["documents"]] == [document["document_id"]]
    for user in ("acme", "olga"):
        read = api.client.get(f"/v1/documents/{document['document_id']}", headers=api.as_(user))
        assert read.status_code == 200
        assert read.headers["content-type"] == PDF
        assert read.content == data
    with api.db.read() as conn:
        assert audit_verify.verify(conn).ok


def test_another_filer_reaches_nothing(api):
    item = consignment_of(api)
    document = attach(api, "acme", item["consignment_id"], samples.pdf()).json()["document"]
    path = f"/v1/consignments/{item['consignment_id']}/documents"
    assert api.client.get(path, headers=api.as_("globex")).status_code == 404
    assert api.client.get(f"/v1/documents/{document['document_id']}", headers=api.as_("globex")).status_code == 404
    assert attach(api, "globex", item["consignment_id"], samples.pdf(pages=3)).status_code == 404
    assert api.client.get("/v1/documents/DOC-none", headers=api.as_("acme")).status_code == 404
    assert rows(api, documents) == 1


def test_bad_files_are_refused_with_a_located_problem_and_nothing_written(api):
    item = consignment_of(api)
    before = api.counts()
    cases = [
        (samples.encrypted_pdf(), PDF, 422, "encrypted_pdf"),
        (samples.truncated_pdf(), PDF, 422, "damaged_pdf"),
        (samples.image("PNG")[:50], "image/png", 422, "bad_image"),
        (samples.UNSIGNED_XML, "application/xml", 422, "unsigned_xml"),
        (b"MZ\x90\x00", "application/x-msdownload", 415, "unsupported_type"),
    ]
    for data, content_type, status, code in cases:
        response = attach(api, "acme", item["consignment_id"], data, content_type)
        assert response.status_code == status, response.text
        assert response.json()["problems"][0]["code"] == code
    assert api.counts() == before


def test_the_size_limit_is_a_setting(api):
    item = consignment_of(api)
    object.__setattr__(api.system, "settings", dataclasses.replace(api.system.settings, document_max_bytes=100))
    response = attach(api, "acme", item["consignment_id"], samples.pdf())
    assert response.status_code == 413
    assert response.json()["problems"][0]["code"] == "too_large"


def test_a_document_answers_an_open_rfi(api):
    item = consignment_of(api, RFI_LAPTOPS_VIA_KP)
    assert item["referral"] == "RFI"
    response = attach(api, "acme", item["consignment_id"], samples.pdf(), type="end_user_certificate")
    assert response.status_code == 201
    assert response.json()["document"]["answers"] == item["decision_id"]
    decision = api.client.get(f"/v1/decisions/{item['decision_id']}", headers=api.as_("acme")).json()["decision"]
    assert (decision["outcome"], decision["state"]) == ("RFI", "answered")
    with api.db.read() as conn:
        actions = conn.execute(
            sa.select(decision_events.c.action).where(decision_events.c.decision_id == item["decision_id"])
        ).scalars()
        assert "document" in set(actions)


def test_a_document_request_is_closed_when_its_documents_arrive(api):
    item = consignment_of(api)
    asked = api.client.post(
        f"/v1/consignments/{item['consignment_id']}/requests",
        json={"documents": ["packing_list", "certificate_of_origin"], "text": "Send both."},
        headers=api.as_("olga"),
    )
    assert asked.status_code == 201, asked.text
    first = attach(api, "acme", item["consignment_id"], samples.pdf(), type="packing_list")
    assert first.json()["outstanding"] == ["certificate_of_origin"]
    assert first.json()["document"]["answers"] == item["decision_id"]
    second = attach(
        api, "acme", item["consignment_id"], samples.image("JPEG"), "image/jpeg", type="certificate_of_origin"
    )
    assert second.status_code == 201, second.text
    assert second.json()["outstanding"] == []


def test_signed_xml_and_images_are_served_with_their_type(api):
    item = consignment_of(api)
    made = attach(
        api, "acme", item["consignment_id"], samples.SIGNED_XML, "application/xml; charset=utf-8", type="N851"
    )
    assert made.status_code == 201, made.text
    read = api.client.get(f"/v1/documents/{made.json()['document']['document_id']}", headers=api.as_("olga"))
    assert read.headers["content-type"].startswith("application/xml")
    assert read.content == samples.SIGNED_XML

"""Documents kept in the file store (SAFELANE_DOCUMENTS_DIR) over the API, on SQLite and PostgreSQL: the round trip,
one file for the same bytes, documents kept before a change of setting, missing bytes, a failed transaction."""

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from safelane.documents import attach as attaching
from safelane.documents.stores import FileDocuments
from safelane.scope import Scope
from safelane.store.schema import document_contents, documents
from tests.documents import samples
from tests.documents.test_file_store import files_under
from tests.service.test_documents import PDF, attach, consignment_of, rows


@pytest.fixture
def file_api(api, tmp_path):
    root = tmp_path / "documents"
    settings = dataclasses.replace(api.system.settings, documents_dir=root)
    object.__setattr__(api.system, "settings", settings)
    return api, root


def test_a_document_round_trips_through_the_file_store(file_api):
    api, root = file_api
    item = consignment_of(api)
    data = samples.pdf(pages=3)
    sha256 = hashlib.sha256(data).hexdigest()
    created = attach(api, "acme", item["consignment_id"], data, type="commercial_invoice", filename="invoice.pdf")
    assert created.status_code == 201, created.text
    document = created.json()["document"]
    assert document["sha256"] == sha256
    assert files_under(root) == [Path(sha256[:2]) / sha256]
    assert rows(api, document_contents) == 0
    with api.db.read() as conn:
        assert conn.execute(sa.select(documents.c.storage)).scalars().all() == ["file"]

    again = attach(api, "acme", item["consignment_id"], data, type="commercial_invoice")
    assert again.status_code == 200
    other = consignment_of(api, number="DOC-2")
    assert attach(api, "acme", other["consignment_id"], data).status_code == 201
    assert files_under(root) == [Path(sha256[:2]) / sha256]  # three attachments, one file
    assert rows(api, documents) == 2

    read = api.client.get(f"/v1/documents/{document['document_id']}", headers=api.as_("olga"))
    assert read.status_code == 200
    assert read.content == data
    assert read.headers["etag"] == f'"{sha256}"'


def test_a_document_kept_in_the_database_stays_readable_after_the_setting_changes(api, tmp_path):
    item = consignment_of(api)
    data = samples.pdf()
    document = attach(api, "acme", item["consignment_id"], data).json()["document"]
    settings = dataclasses.replace(api.system.settings, documents_dir=tmp_path / "documents")
    object.__setattr__(api.system, "settings", settings)
    read = api.client.get(f"/v1/documents/{document['document_id']}", headers=api.as_("acme"))
    assert read.status_code == 200
    assert read.content == data


def test_missing_bytes_answer_503(file_api):
    api, root = file_api
    item = consignment_of(api)
    data = samples.pdf()
    document = attach(api, "acme", item["consignment_id"], data).json()["document"]
    (root / document["sha256"][:2] / document["sha256"]).unlink()
    read = api.client.get(f"/v1/documents/{document['document_id']}", headers=api.as_("acme"))
    assert read.status_code == 503
    assert read.json()["problems"][0]["code"] == "unavailable"


def test_a_failed_transaction_records_nothing_and_leaves_no_temporary_file(file_api):
    api, root = file_api
    item = consignment_of(api)
    data = samples.pdf(pages=2)
    before = api.counts()
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):  # the store refuses it when the row is written
        attaching.attach(
            api.db,
            FileDocuments(root),
            item["consignment_id"],
            data,
            PDF,
            document_type="commercial_invoice",
            filename=None,
            scope=Scope.of("acme", "filer", filer="ACME"),
            at=datetime(2026, 12, 1, 9, 0),
            max_bytes=api.system.settings.document_max_bytes,
        )
    assert api.counts() == before
    sha256 = hashlib.sha256(data).hexdigest()
    assert not [p for p in root.rglob("*") if p.name.startswith(".incoming-")]
    # At most the named file stays, unreferenced; the next attach of the same bytes reuses it.
    assert files_under(root) in ([], [Path(sha256[:2]) / sha256])
    assert attach(api, "acme", item["consignment_id"], data).status_code == 201
    assert files_under(root) == [Path(sha256[:2]) / sha256]

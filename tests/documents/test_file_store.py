"""The file store (SAFELANE_DOCUMENTS_DIR) on its own: bytes kept under the folder by SHA-256, read back equal,
kept once, and no temporary file left when a write fails (tests/service/test_document_files.py: over the API)."""

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from safelane.documents.stores import FileDocuments, store_for, stores
from safelane.store.schema import document_contents
from tests.documents import samples


def files_under(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_bytes_are_kept_by_sha256_read_back_and_kept_once(db, tmp_path):
    root = tmp_path / "documents"
    store = FileDocuments(root)
    data = samples.pdf(pages=2)
    sha256 = hashlib.sha256(data).hexdigest()
    with db.write() as conn:
        store.put(conn, sha256, data)
        store.put(conn, sha256, data)
    assert files_under(root) == [Path(sha256[:2]) / sha256]
    assert (root / sha256[:2] / sha256).read_bytes() == data
    with db.read() as conn:
        assert store.get(conn, sha256) == data
        assert store.get(conn, "0" * 64) is None
        assert conn.execute(sa.select(sa.func.count()).select_from(document_contents)).scalar_one() == 0


def test_the_setting_chooses_the_store_and_both_stay_readable(tmp_path):
    assert store_for(None).name == "database"
    assert store_for(tmp_path).name == "file"
    assert sorted(stores(None)) == ["database"]
    assert sorted(stores(tmp_path)) == ["database", "file"]


def test_a_failed_write_leaves_no_temporary_file(db, tmp_path):
    root = tmp_path / "documents"
    store = FileDocuments(root)
    with pytest.raises(TypeError), db.write() as conn:
        store.put(conn, "ab" + "0" * 62, "not bytes")  # type: ignore[arg-type]
    assert files_under(root) == []

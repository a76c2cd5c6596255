"""Where the bytes of documents live: a `DocumentStore`, chosen by setting (docs/documents.md).

Bytes are addressed by their SHA-256, so the same file attached twice (or to two consignments) is kept once.
The database store writes them in the transaction that records the document, so both commit or neither does.
The file store writes them before that transaction commits (temporary file, fsync, rename, fsync of the
directory), so a document row never names bytes that are not on disk; a crash in between leaves at most an
unnamed file, which the next attach of the same bytes reuses.
"""

import os
import tempfile
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from safelane.store.schema import document_contents


class DocumentStore(Protocol):
    """Keeps and returns document bytes by SHA-256, inside the caller's write (or read) transaction."""

    name: str  # recorded on each document row: which store holds its bytes

    def put(self, conn: sa.Connection, sha256: str, data: bytes) -> None: ...

    def get(self, conn: sa.Connection, sha256: str) -> bytes | None: ...


class DatabaseDocuments:
    """The default: bytes in `document_contents`, committed with the document row."""

    name = "database"

    def put(self, conn: sa.Connection, sha256: str, data: bytes) -> None:
        exists = conn.execute(sa.select(sa.literal(1)).where(document_contents.c.sha256 == sha256)).scalar_one_or_none()
        if exists is None:
            conn.execute(document_contents.insert().values(sha256=sha256, data=data))

    def get(self, conn: sa.Connection, sha256: str) -> bytes | None:
        return conn.execute(
            sa.select(document_contents.c.data).where(document_contents.c.sha256 == sha256)
        ).scalar_one_or_none()


class FileDocuments:
    """Bytes in a directory, one file per SHA-256 under a two-letter folder (ab/abcdef...)."""

    name = "file"

    def __init__(self, root: Path):
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, conn: sa.Connection, sha256: str, data: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself is durable
        finally:
            os.close(folder)

    def get(self, conn: sa.Connection, sha256: str) -> bytes | None:
        path = self._path(sha256)
        return path.read_bytes() if path.exists() else None


def store_for(directory: Path | None) -> DocumentStore:
    """The file store in `directory` when one is set (SAFELANE_DOCUMENTS_DIR), else the database."""
    return FileDocuments(directory) if directory is not None else DatabaseDocuments()


def stores(directory: Path | None) -> dict[str, DocumentStore]:
    """Every store a stored row may name, so documents kept before a change of setting stay readable."""
    found: dict[str, DocumentStore] = {"database": DatabaseDocuments()}
    if directory is not None:
        found["file"] = FileDocuments(directory)
    return found

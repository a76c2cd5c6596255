"""Documents attached to consignments: their rows (the bytes are a DocumentStore's, safelane.documents.stores)."""

from typing import Any

import sqlalchemy as sa

from safelane.store.schema import documents

SHOWN = (
    "document_id",
    "consignment_id",
    "document_type",
    "kind",
    "media_type",
    "filename",
    "size",
    "sha256",
    "answers",
    "received_at",
    "actor",
)


def shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in SHOWN}


def by_sha256(conn: sa.Connection, consignment_id: str, sha256: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            sa.select(documents).where(documents.c.consignment_id == consignment_id, documents.c.sha256 == sha256)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def get(conn: sa.Connection, document_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(documents).where(documents.c.document_id == document_id)).mappings().first()
    return dict(row) if row else None


def of_consignment(conn: sa.Connection, consignment_id: str) -> list[dict[str, Any]]:
    """A consignment's documents, oldest first."""
    rows = conn.execute(
        sa.select(documents)
        .where(documents.c.consignment_id == consignment_id)
        .order_by(documents.c.received_at, documents.c.document_id)
    ).mappings()
    return [dict(r) for r in rows]


def types_of(conn: sa.Connection, consignment_ids: list[str]) -> dict[str, set[str]]:
    """The document types attached to each of these consignments (those with none are left out)."""
    found: dict[str, set[str]] = {}
    for start in range(0, len(consignment_ids), 400):
        rows = conn.execute(
            sa.select(documents.c.consignment_id, documents.c.document_type).where(
                documents.c.consignment_id.in_(consignment_ids[start : start + 400])
            )
        )
        for row in rows:
            found.setdefault(row.consignment_id, set()).add(row.document_type)
    return found


def add(conn: sa.Connection, row: dict[str, Any]) -> None:
    conn.execute(documents.insert().values(**row))

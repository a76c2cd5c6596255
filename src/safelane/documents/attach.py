"""Attaching a document to a consignment: the one path the API (and any other entry point) calls.

In one write transaction: the scope check, the bytes (DocumentStore), the document row, the audit event, and
the request the document answers. A filer's document answers the consignment's open RFI (the RFI becomes
`answered`, as a written information response makes it) and counts against what customs' document requests
and the agencies' `documents` requirements asked for; `outstanding` says what is still missing. The same bytes
attached again to the same consignment are a replay: the stored document is returned and nothing is written.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.agencies import need_to_know
from safelane.cases.notes import current_decision
from safelane.documents.checks import DocumentRefused, check
from safelane.documents.stores import DocumentStore
from safelane.domain import Problem, Referral
from safelane.ids import new_id
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store import documents as document_store
from safelane.store import filings as filing_store
from safelane.store.filings import add_audit
from safelane.store.schema import agency_requirements, case_notes, decisions


@dataclass(frozen=True)
class Attached:
    document: dict[str, Any]
    created: bool  # False: the same bytes were attached before (a replay)


class NotVisible(Exception):
    """No such consignment, or not the caller's: the same answer for both."""


def requested(conn: sa.Connection, consignment_id: str) -> set[str]:
    """Document types asked for on the consignment's current decision: customs' requests, agencies' requirements."""
    decision = current_decision(conn, consignment_id)
    if decision is None:
        return set()
    asked: set[str] = set()
    # a re-assessment replaces the decision on the same row: customs' requests made on the one it replaced stand
    on_row = sa.select(decisions.c.decision_id).where(decisions.c.row_id == decision["row_id"])
    for data in conn.execute(
        sa.select(case_notes.c.data).where(
            case_notes.c.decision_id.in_(on_row), case_notes.c.kind == "document_request"
        )
    ).scalars():
        asked.update((data or {}).get("documents", []))
    for codes in conn.execute(
        sa.select(agency_requirements.c.documents).where(
            agency_requirements.c.decision_id == decision["decision_id"], agency_requirements.c.action == "documents"
        )
    ).scalars():
        asked.update(codes or [])
    return asked


def outstanding(conn: sa.Connection, consignment_id: str, scope: Scope | None = None) -> list[str]:
    """Requested document types no attached document answers yet (of those `scope` may open)."""
    received = {d["document_type"] for d in document_store.of_consignment(conn, consignment_id)}
    missing = requested(conn, consignment_id) - received
    return sorted(t for t in missing if scope is None or need_to_know.opens(scope, t))


def listed(conn: sa.Connection, consignment_id: str, scope: Scope) -> list[dict[str, Any]]:
    """The consignment's documents `scope` may open, oldest first: NotVisible when it does not see the
    consignment; an agency gets only the document types its need-to-know allows."""
    visible(conn, consignment_id, scope)
    rows = document_store.of_consignment(conn, consignment_id)
    return [r for r in rows if need_to_know.opens(scope, r["document_type"])]


def visible(conn: sa.Connection, consignment_id: str, scope: Scope) -> dict[str, Any]:
    """The consignment's current stored version if `scope` sees it (its filer, customs, an agency whose scope it
    is in), else NotVisible."""
    history = filing_store.consignment_history(conn, consignment_id, scope=scope)  # empty when not seen
    if not history:
        raise NotVisible(consignment_id)
    return history[-1]


def attach(
    db: Database,
    store: DocumentStore,
    consignment_id: str,
    data: bytes,
    content_type: str | None,
    *,
    document_type: str,
    filename: str | None,
    scope: Scope,
    at: datetime,
    max_bytes: int,
) -> Attached:
    """Check and keep one document; DocumentRefused (nothing written) or NotVisible when it cannot be."""
    if len(data) > max_bytes:
        raise DocumentRefused(413, Problem("body", "too_large", f"a document has at most {max_bytes:,} bytes"))
    checked = check(data, content_type)
    sha256 = hashlib.sha256(data).hexdigest()
    with db.write() as conn:
        version = visible(conn, consignment_id, scope)
        existing = document_store.by_sha256(conn, consignment_id, sha256)
        if existing is not None:
            return Attached(document_store.shown(existing), created=False)
        decision = current_decision(conn, consignment_id, for_update=True)
        answers = None
        if decision is not None and document_type in requested(conn, consignment_id):
            answers = decision["decision_id"]
        store.put(conn, sha256, data)
        row = {
            "document_id": new_id("DOC"),
            "consignment_id": consignment_id,
            "filer": version["filer"],
            "kind": checked.kind,
            "media_type": checked.media_type,
            "document_type": document_type,
            "filename": filename,
            "size": len(data),
            "sha256": sha256,
            "storage": store.name,
            "answers": answers,
            "received_at": at,
            "actor": scope.actor,
        }
        if decision is not None and not scope.is_customs:
            rfi = decision["outcome"] == Referral.RFI.value and decision["state"] == "open"
            if rfi or answers is not None:
                row["answers"] = decision["decision_id"]
                decision_store.record(
                    conn,
                    decision,
                    at=at,
                    actor=scope.actor,
                    action="document",
                    outcome=decision["outcome"],
                    state="answered" if rfi else decision["state"],
                    note=f"{document_type} attached ({row['document_id']})",
                    data={"document_id": row["document_id"], "document_type": document_type, "sha256": sha256},
                )
        document_store.add(conn, row)
        detail = {
            "consignment_id": consignment_id,
            "document_type": document_type,
            "media_type": checked.media_type,
            "size": len(data),
            "sha256": sha256,
            "answers": row["answers"],
        }
        add_audit(conn, at, scope.actor, "document.attached", row["document_id"], detail)
    return Attached(document_store.shown(row), created=True)


def read(
    db: Database, stores: dict[str, DocumentStore], document_id: str, scope: Scope
) -> tuple[dict[str, Any], bytes]:
    """A document's row and bytes, if `scope` sees its consignment (its filer, customs, an agency whose scope
    it is in) and may open its type (need-to-know); else NotVisible, as for a document that does not exist."""
    with db.read() as conn:
        row = document_store.get(conn, document_id)
        if row is None or not need_to_know.opens(scope, row["document_type"]):
            raise NotVisible(document_id)
        visible(conn, row["consignment_id"], scope)
        store = stores.get(row["storage"])
        data = store.get(conn, row["sha256"]) if store is not None else None
    if data is None:
        raise LookupError(f"the bytes of document {document_id} are not in the {row['storage']} store")
    return row, data


def viewed(row: dict[str, Any], via: str, role: str) -> dict[str, Any]:
    """The audit detail of one document view (every view is an audit event, `document.read`): which
    consignment and document type, through which door (api, workbench), by which role."""
    return {"via": via, "role": role, "consignment_id": row["consignment_id"], "document_type": row["document_type"]}

"""An officer's work on a case besides the decision itself: notes, assignment, document requests.

Each is a case note (kind note | assignment | document_request) written in one transaction with an audit
event; an assignment and a document request are also events in the decision's history, so the history
reads as the whole story. A document request is the one kind the filer sees: it asks the filer for papers.
Checks mirror `referrals.act`: officer roles only, the officer's office only, the current decision only.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.referrals import OFFICER_ROLES, ActionError
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store import users as user_store
from safelane.store.filings import add_audit
from safelane.store.schema import case_notes, decisions

KINDS = ("note", "assignment", "document_request")
DOCUMENTS = {
    "commercial_invoice": "Commercial invoice",
    "packing_list": "Packing list",
    "transport_document": "Transport document (air waybill, bill of lading)",
    "certificate_of_origin": "Certificate of origin",
    "licence": "Import or export licence or permit",
    "end_user_certificate": "End-user certificate",
    "security_declaration": "Consignment security declaration",
    "other": "Other document (say which in the text)",
}
MAX_TEXT = 4000


def current_decision(
    conn: sa.Connection, consignment_id: str, *, for_update: bool = False, scope: Scope | None = None
) -> dict[str, Any] | None:
    """The decision on the consignment's current version (with its office and filer); None when there is none
    or `scope` does not see it."""
    decision_id = conn.execute(
        sa.select(decisions.c.decision_id)
        .where(decisions.c.consignment_id == consignment_id, decisions.c.current.is_(True))
        .order_by(decisions.c.decided_at.desc())
        .limit(1)
    ).scalar()
    return decision_store.get(conn, decision_id, for_update=for_update, scope=scope) if decision_id else None


def _checked(conn: sa.Connection, consignment_id: str, scope: Scope) -> dict[str, Any]:
    if not scope.is_customs:
        raise ActionError(f"a {scope.role} may not work on cases", 403)
    row = current_decision(conn, consignment_id, for_update=True, scope=scope)
    if row is None:
        raise ActionError(f"no consignment {consignment_id}", 404, "consignment_id")
    return row


def _text(text: str | None, location: str, what: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ActionError(f"{what} needs a text", 422, location)
    if len(text) > MAX_TEXT:
        raise ActionError(f"{what} is longer than {MAX_TEXT} characters", 422, location)
    return text


def _insert(
    conn: sa.Connection,
    row: dict[str, Any],
    kind: str,
    text: str,
    data: dict[str, Any] | None,
    *,
    actor: str,
    at: datetime,
) -> dict[str, Any]:
    note = {
        "note_id": new_id("N"),
        "consignment_id": row["consignment_id"],
        "decision_id": row["decision_id"],
        "kind": kind,
        "text": text,
        "data": data,
        "at": at,
        "actor": actor,
    }
    conn.execute(case_notes.insert().values(**note))
    add_audit(
        conn, at, actor, f"case.{kind}", row["consignment_id"], {"decision_id": row["decision_id"], **(data or {})}
    )
    return note


def add_note(db: Database, consignment_id: str, text: str | None, *, scope: Scope, at: datetime) -> dict[str, Any]:
    """A note on the case, for the officers who come after."""
    text = _text(text, "text", "a note")
    with db.write() as conn:
        row = _checked(conn, consignment_id, scope)
        return _insert(conn, row, "note", text, None, actor=scope.actor, at=at)


def assign(
    db: Database,
    consignment_id: str,
    officer: str | None,
    *,
    scope: Scope,
    at: datetime,
    note: str | None = None,
) -> dict[str, Any]:
    """Give the case to an officer who may see its office (empty `officer`: nobody)."""
    officer = (officer or "").strip() or None
    note = _text(note, "note", "the assignment note", required=False)
    with db.write() as conn:
        row = _checked(conn, consignment_id, scope)
        if officer is not None:
            user = user_store.by_name(conn, officer)
            if user is None or user["role"] not in OFFICER_ROLES:
                raise ActionError(f"{officer} is not an officer", 422, "officer")
            if not Scope.of(officer, user["role"], office=user["office"]).sees(row["filer"], row["office"]):
                raise ActionError(f"{officer} works at {user['office']}, not {row['office']}", 422, "officer")
        if officer == row["assigned_to"]:
            raise ActionError(f"the case is already assigned to {officer or 'nobody'}", 409, "officer")
        conn.execute(
            decisions.update().where(decisions.c.decision_id == row["decision_id"]).values(assigned_to=officer)
        )
        data = {"to": officer, "from": row["assigned_to"]}
        text = f"assigned to {officer}" if officer else "unassigned"
        decision_store.record(
            conn,
            row,
            at=at,
            actor=scope.actor,
            action="assign",
            outcome=row["outcome"],
            state=row["state"],
            note=note or text,
            data=data,
        )
        return _insert(conn, row, "assignment", note or text, data, actor=scope.actor, at=at)


def request_documents(
    db: Database,
    consignment_id: str,
    documents: list[str],
    text: str | None,
    *,
    scope: Scope,
    at: datetime,
) -> dict[str, Any]:
    """Ask the filer for documents; the filer reads the request over the API."""
    chosen = list(dict.fromkeys(d for d in documents if d))
    unknown = [d for d in chosen if d not in DOCUMENTS]
    if unknown:
        raise ActionError(f"unknown document {', '.join(unknown)}; one of {', '.join(DOCUMENTS)}", 422, "documents")
    if not chosen:
        raise ActionError("say which documents are needed", 422, "documents")
    text = _text(text, "text", "a document request")
    with db.write() as conn:
        row = _checked(conn, consignment_id, scope)
        data = {"documents": chosen}
        decision_store.record(
            conn,
            row,
            at=at,
            actor=scope.actor,
            action="request_documents",
            outcome=row["outcome"],
            state=row["state"],
            note=text,
            data=data,
        )
        return _insert(conn, row, "document_request", text, data, actor=scope.actor, at=at)


def of_consignment(conn: sa.Connection, consignment_id: str, kinds: tuple[str, ...] = KINDS) -> list[dict[str, Any]]:
    """Notes, assignments and document requests on a consignment (every version), oldest first."""
    rows = conn.execute(
        sa.select(case_notes)
        .where(case_notes.c.consignment_id == consignment_id, case_notes.c.kind.in_(kinds))
        .order_by(case_notes.c.at, case_notes.c.note_id)
    )
    return [dict(r) for r in rows.mappings()]

"""One row builder per table an accepted filing writes: a new column is added in one place.

Each builder takes the domain values and the ids the caller made, and returns the row as a plain dict
in the table's column names, ready for one bulk insert per table.
"""

from datetime import datetime
from typing import Any

from safelane.domain import Assessment, Decision, Filing, Lodgement
from safelane.selection.continuity import Priority

Row = dict[str, Any]


def initial_state(decision: Decision) -> str:
    """Green, blue and ASSESSMENT_COMPLETE need nothing more; every other outcome stays open until acted on."""
    return "closed" if decision.outcome.value in ("ASSESSMENT_COMPLETE", "green", "blue") else "open"


def filing_row(filing_id: str, filing: Filing, at: datetime) -> Row:
    return {
        "filing_id": filing_id,
        "filer": filing.filer,
        "document_number": filing.document_number,
        "kind": filing.filing_kind.value,
        "status": "active",
        "current_version": filing.version,
        "created_at": at,
        "updated_at": at,
    }


def version_row(
    version_id: str,
    filing_id: str,
    filing: Filing,
    header: dict[str, Any],
    content_hash: str,
    received_at: datetime,
    filed_at: datetime,
    raw: bytes | None,
) -> Row:
    """`header` is the validated filing as JSON data without its consignments (they are rows of their own)."""
    return {
        "version_id": version_id,
        "filing_id": filing_id,
        "version": filing.version,
        "message_type": filing.message_type,
        "received_at": received_at,
        "filed_at": filed_at,
        "content_hash": content_hash,
        "filing": header,
        "raw": raw,
    }


def consignment_row(
    row_id: str, version_id: str, filing_id: str, position: int, lodgement: Lodgement, data: dict[str, Any]
) -> Row:
    consignment = lodgement.consignment
    return {
        "row_id": row_id,
        "consignment_id": lodgement.consignment_id,
        "version_id": version_id,
        "filing_id": filing_id,
        "version": lodgement.version,
        "position": position,
        "current": True,
        "reference": consignment.reference,
        "filer": lodgement.filer,
        "kind": lodgement.kind.value,
        "mode": consignment.mode.value,
        "office": consignment.entry_office,
        "filed_at": lodgement.filed_at,
        "data": data,
    }


def assessment_row(
    assessment_id: str, row_id: str, assessment: Assessment, findings: list[dict[str, Any]], at: datetime
) -> Row:
    """`findings` are the assessment's findings as data (the caller has them for its answer too)."""
    return {
        "assessment_id": assessment_id,
        "row_id": row_id,
        "assessed_at": at,
        "score": assessment.score,
        "findings": findings,
        "versions": dict(assessment.versions),
    }


def decision_row(
    decision_id: str,
    row_id: str,
    assessment_id: str,
    lodgement: Lodgement,
    decision: Decision,
    score: float,
    state: str,
    at: datetime,
    replaces: str | None = None,
) -> Row:
    """`replaces`: the decision a re-assessment replaces on the same consignment row (none at filing)."""
    return {
        "decision_id": decision_id,
        "row_id": row_id,
        "assessment_id": assessment_id,
        "consignment_id": lodgement.consignment_id,
        "filer": lodgement.filer,
        "answer": decision.answer,
        "outcome": decision.outcome.value,
        "state": state,
        "current": True,
        "basis": decision.basis,
        "reasons": [f.as_dict() for f in decision.reasons],
        "random": decision.random,
        "decided_at": at,
        "updated_at": at,
        "selection": decision.selection,
        "inspection": decision.inspection,
        "office": lodgement.consignment.entry_office,
        "score": score,
        "assigned_to": None,
        "deadline": lodgement.deadline,
        "replaces": replaces,
    }


def reason_rows(decision_id: str, decision: Decision) -> list[Row]:
    """One row per distinct (assessor, code) among the findings that caused the decision."""
    return [
        {"decision_id": decision_id, "assessor": assessor, "code": code}
        for assessor, code in {(f.assessor, f.code[:200]) for f in decision.reasons}
    ]


def priority_row(decision_id: str, priority: Priority | None, trusted: int) -> Row:
    """The decision's continuity tier (if a disruption covers it) and its trusted trader's queue priority."""
    return {
        "decision_id": decision_id,
        "disruption_id": priority.disruption_id if priority else None,
        "tier": priority.tier if priority else None,
        "reason": priority.reason[:300] if priority else None,
        "expected_hours": priority.expected_hours if priority else None,
        "trusted": trusted,
    }


def decision_event_row(
    event_id: str,
    decision_id: str,
    at: datetime,
    actor: str,
    action: str,
    from_outcome: str | None,
    to_outcome: str,
    from_state: str | None,
    to_state: str,
    note: str | None,
) -> Row:
    return {
        "event_id": event_id,
        "decision_id": decision_id,
        "at": at,
        "actor": actor,
        "action": action,
        "from_outcome": from_outcome,
        "to_outcome": to_outcome,
        "from_state": from_state,
        "to_state": to_state,
        "note": note,
        "data": None,
    }


def audit_row(
    event_id: str, at: datetime, actor: str, action: str, subject: str | None, detail: dict[str, Any] | None
) -> Row:
    return {"event_id": event_id, "at": at, "actor": actor, "action": action, "subject": subject, "detail": detail}

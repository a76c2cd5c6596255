"""Consignments: one consignment across every version of its filing, with findings and decision."""

from typing import Any

from fastapi import APIRouter, Request

from safelane.service.api import JsonResponse, SystemDep, not_found
from safelane.service.auth import CurrentUser
from safelane.store import filings as filing_store

router = APIRouter(prefix="/v1/consignments", tags=["consignments"])


def _version(row: dict[str, Any]) -> dict[str, Any]:
    """One stored version, grouped the way an officer reads it: what was filed, what was found, what was decided."""
    return {
        "version": row["version"],
        "current": row["current"],
        "filing_id": row["filing_id"],
        "filed_at": row["filed_at"],
        "kind": row["kind"],
        "mode": row["mode"],
        "office": row["office"],
        "consignment": row["data"],
        "assessment": {"score": row["score"], "findings": row["findings"], "versions": row["versions"]},
        "decision": {
            "decision_id": row["decision_id"],
            row["answer"]: row["outcome"],
            "answer": row["answer"],
            "outcome": row["outcome"],
            "state": row["state"],
            "basis": row["basis"],
        },
    }


@router.get("/{consignment_id}")
def get(consignment_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Every version of a consignment, oldest first, each with its assessment findings and decision.
    An officer's read is audited."""
    with system.db.read() as conn:
        rows = filing_store.consignment_history(conn, consignment_id, scope=user.scope)
    if not rows:
        raise not_found("consignment", consignment_id, "consignment_id")
    if user.is_officer:
        request.app.state.reads.record(user.name, "consignment.read", consignment_id, {"via": "api"})
    return JsonResponse(
        {
            "consignment_id": consignment_id,
            "reference": rows[-1]["reference"],
            "filer": rows[0]["filer"],
            "versions": [_version(r) for r in rows],
        }
    )

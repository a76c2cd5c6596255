"""Consignments: one consignment across every version of its filing, with findings, decision and combined status.

An agency officer reads the consignments in its agency's scope through the need-to-know filter
(safelane.agencies.need_to_know): its field groups, its own findings and requirement, customs' outcome only.
"""

from typing import Any

from fastapi import APIRouter, Request

from safelane.agencies import need_to_know
from safelane.cases import joint
from safelane.scope import Scope
from safelane.service.api import JsonResponse, SystemDep, not_found
from safelane.service.auth import CurrentUser
from safelane.store import filings as filing_store
from safelane.store import requirements as requirement_store

router = APIRouter(prefix="/v1/consignments", tags=["consignments"])


def _version(row: dict[str, Any], scope: Scope) -> dict[str, Any]:
    """One stored version, grouped the way an officer reads it: what was filed, what was found, what was decided."""
    customs = need_to_know.fields_of(scope) is None
    version = {
        "version": row["version"],
        "current": row["current"],
        "filing_id": row["filing_id"],
        "filed_at": row["filed_at"],
        **{k: row[k] for k in ("kind", "mode", "office") if need_to_know.shows(scope, k)},
        "consignment": need_to_know.consignment(scope, row["data"]),
        "assessment": {"findings": need_to_know.findings(scope, row["findings"])},
        "decision": {
            "decision_id": row["decision_id"],
            row["answer"]: row["outcome"],
            "answer": row["answer"],
            "outcome": row["outcome"],
            "state": row["state"],
        },
    }
    if customs:
        version["assessment"] |= {"score": row["score"], "versions": row["versions"]}
        version["decision"]["basis"] = row["basis"]
    return version


def _status(conn: Any, row: dict[str, Any], scope: Scope) -> dict[str, Any]:
    """The combined status of the current version: customs' channel or referral, every agency's requirement
    (an agency reads its own), who still holds the consignment, who refused it and when the last release came."""
    held = joint.status(conn, [row["consignment_id"]])[row["consignment_id"]]
    required = [r.as_dict() for r in requirement_store.of_decision(conn, row["decision_id"])]
    status = {
        "customs": {"answer": row["answer"], "outcome": row["outcome"], "state": row["state"]},
        "requirements": need_to_know.requirements(scope, required),
        "held_by": held["held_by"],
        "refused_by": held["refused_by"],
        "released": held["released"],
        "released_at": held["released_at"],
    }
    if need_to_know.fields_of(scope) is None:
        status["releases"] = held["releases"]
    return status


@router.get("/{consignment_id}")
def get(consignment_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Every version of a consignment, oldest first, each with its assessment findings and decision, and the
    combined status of the current one (`status`: customs' decision, each agency's requirement, `held_by`).
    An officer's read is audited."""
    scope = user.scope
    with system.db.read() as conn:
        rows = filing_store.consignment_history(conn, consignment_id, scope=scope)
        if not rows:
            raise not_found("consignment", consignment_id, "consignment_id")
        current = next((r for r in reversed(rows) if r["current"]), rows[-1])
        status = _status(conn, current, scope)
    if user.is_officer or scope.agency is not None:
        request.app.state.reads.record(user.name, "consignment.read", consignment_id, {"via": "api"})
    head: dict[str, Any] = {"consignment_id": consignment_id}
    if need_to_know.shows(scope, "reference"):
        head["reference"] = rows[-1]["reference"]
    if need_to_know.shows(scope, "parties"):
        head["filer"] = rows[0]["filer"]
    return JsonResponse({**head, "status": status, "versions": [_version(r, scope) for r in rows]})

"""Receipts: what became of a filing accepted into the spool while the store was down (docs/resilience.md)."""

from fastapi import APIRouter, Request

from safelane.service.api import JsonResponse, SystemDep, not_found
from safelane.service.auth import CurrentUser
from safelane.store import receipts as receipt_store

router = APIRouter(prefix="/v1/receipts", tags=["filings"])


@router.get(
    "/{receipt_id}",
    responses={202: {"description": "Still in the spool: the store has not assessed it yet; ask again shortly"}},
)
def get_receipt(receipt_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """A spooled filing: pending (202) until forwarded, then the store's answer with filing ids and decisions."""
    forwarder = request.app.state.forwarder
    if forwarder is not None:
        waiting, filer = forwarder.pending(receipt_id)
        if waiting and user.may_see(filer or ""):
            return JsonResponse({"receipt_id": receipt_id, "status": "pending"}, 202, {"Retry-After": "5"})
    with system.db.read() as conn:
        row = receipt_store.get(conn, receipt_id)
    if row is None or not user.may_see(row["filer"] or ""):
        raise not_found("receipt", receipt_id, "receipt_id")
    return JsonResponse(
        {
            "receipt_id": receipt_id,
            "received_at": row["received_at"].isoformat(),
            "forwarded_at": row["forwarded_at"].isoformat(),
            **row["answer"],
        }
    )

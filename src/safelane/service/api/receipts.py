"""Receipts: what became of a filing accepted into the spool while the store was down (docs/store-and-forward.md).

A receipt is its filer's, and readable by customs staff who see every office: its answer may hold
consignments of any office, so an officer posted to one office gets the same 404 as for an unknown id.
"""

import contextlib
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from safelane.scope import Scope
from safelane.service.api import JsonResponse, SystemDep, not_found
from safelane.service.auth import CurrentUser
from safelane.store import receipts as receipt_store
from safelane.store.database import OUTAGES
from safelane.stream.intake import StreamUnavailable
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/receipts", tags=["filings"])


def _sees(scope: Scope, filer: str | None) -> bool:
    return scope.office is None and scope.sees(filer or "", None)


@router.get(
    "/{receipt_id}",
    responses={202: {"description": "Still waiting: the store has not assessed it yet; ask again shortly"}},
)
async def get_receipt(receipt_id: str, request: Request, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """A filing answered 202: pending (202) until assessed, then the store's answer with filing ids and decisions."""
    waiting, filer, row = False, None, None
    forwarder = request.app.state.forwarder
    if request.app.state.stream is not None:
        with contextlib.suppress(StreamUnavailable):  # the store may have it already
            waiting, filer = await request.app.state.stream.pending(receipt_id)
    elif forwarder is not None:
        waiting, filer = await run_in_threadpool(forwarder.pending, receipt_id)  # any process's spooled filing
        if waiting and not forwarder.store_is_down:  # another serving process may have forwarded it
            try:
                row = await run_in_threadpool(_stored, system, receipt_id)
            except OUTAGES as error:  # not asked again until the forwarder finds the store back
                forwarder.store_down(error)
            if row is not None:
                forwarder.forget(receipt_id)
    if row is None and waiting and _sees(user.scope, filer):
        return JsonResponse({"receipt_id": receipt_id, "status": "pending"}, 202, {"Retry-After": "5"})
    row = row or await run_in_threadpool(_stored, system, receipt_id)
    if row is None or not _sees(user.scope, row["filer"]):
        raise not_found("receipt", receipt_id, "receipt_id")
    return JsonResponse(
        {
            "receipt_id": receipt_id,
            "received_at": row["received_at"].isoformat(),
            "forwarded_at": row["forwarded_at"].isoformat(),
            **row["answer"],
        }
    )


def _stored(system: StoredSystem, receipt_id: str) -> dict[str, Any] | None:
    with system.db.read() as conn:
        return receipt_store.get(conn, receipt_id)

"""Workbench pages: the queue of open referrals and selections (being built)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.service.web.render import page
from safelane.service.web.signin import OfficerDep
from safelane.store import decisions as decision_store

router = APIRouter()


@router.get("/queue")
def queue(request: Request, officer: OfficerDep) -> Response:
    system = request.app.state.system
    with system.db.read() as conn:
        rows = decision_store.search(conn, state="open", limit=200)
    return page(request, "queue.html", officer, title="Queue", rows=rows)

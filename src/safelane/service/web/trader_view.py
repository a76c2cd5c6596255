"""AEO 2.0's trader view in a browser: a trader user, signed in with its password, sees its own operator's
consignments (those naming it by identifier), their decisions and releases, and its compliance figures.

The same figures as `GET /v1/trader` (service/api/trader_data.py), read for the session's operator only: the
path names no operator, so a trader cannot ask for another's. Customs officers are refused here (they have the
register pages) and a trader is refused on every workbench page (`current_officer`).
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from safelane.service.api import get_system
from safelane.service.api.trader_data import trader_view
from safelane.service.web.render import page
from safelane.service.web.signin import TraderDep

router = APIRouter()


@router.get("/trader")
async def view(request: Request, trader: TraderDep) -> Response:
    figures = await run_in_threadpool(trader_view, get_system(request), trader.operator)
    return page(request, "trader_view.html", None, title=figures["operator"]["name"], trader=trader, **figures)

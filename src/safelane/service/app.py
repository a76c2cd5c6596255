"""Build the FastAPI app around one assembled System: routers, error shapes, request logs, metrics."""

from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from safelane.service import docs, errors, logs, openapi, web
from safelane.service.api import JsonResponse, cases, consignments, decisions, filings, offices, ops, outcomes
from safelane.service.app_headers import Protection
from safelane.service.metrics import Metrics
from safelane.system import StoredSystem

DESCRIPTION = """\
Advance cargo information in, risk decisions out (WCO SAFE Framework).

Filers submit, amend and withdraw filings and answer their referrals; officers read every
filing and act on referrals and channels. Every `/v1` call needs an API key, sent as
`Authorization: Bearer <key>` or `X-API-Key: <key>`. Errors come as
`{"problems": [{"location", "code", "message"}]}`.
"""


def _version() -> str:
    try:
        return version("safelane")
    except PackageNotFoundError:
        return "0+unknown"


def create_app(system: StoredSystem) -> FastAPI:
    """One app per system; its metrics registry is its own, so apps built side by side do not clash."""
    logs.configure(system.settings.log_level)
    app = FastAPI(
        title="safelane",
        version=_version(),
        description=DESCRIPTION,
        default_response_class=JsonResponse,
        docs_url=None,
        redoc_url=None,
    )
    docs.install(app)
    app.state.system = system
    app.state.metrics = metrics = Metrics()
    errors.install(app)
    for module in (filings, decisions, consignments, cases, outcomes, offices, ops):
        app.include_router(module.router)
    openapi.install(app)
    # inside the workbench's middleware, whose receive runs in a task group that would wrap a 408 into a 500
    app.add_middleware(Protection, hsts_seconds=system.settings.hsts_seconds, body_seconds=system.settings.body_seconds)
    web.install(app)
    app.add_middleware(logs.RequestLog, routes=app.router.routes, on_done=metrics.request)
    return app

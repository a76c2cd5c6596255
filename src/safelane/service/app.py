"""Build the FastAPI app around one assembled System: routers, error shapes, request logs, metrics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from safelane.audit.reads import ReadLog
from safelane.audit.watch import Anchoring, ChainWatch
from safelane.resilience.forward import Forwarder
from safelane.service import docs, errors, logs, openapi, web
from safelane.service.api import (
    JsonResponse,
    cases,
    certificates,
    consignments,
    decisions,
    disruptions,
    documents,
    filings,
    inspections,
    offices,
    ops,
    outcomes,
    receipts,
    stamps,
    trader_data,
    traders,
    trs,
)
from safelane.service.app_headers import Protection
from safelane.service.metrics import Metrics
from safelane.stream.intake import Intake
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


@asynccontextmanager
async def _audit_threads(app: FastAPI) -> AsyncIterator[None]:
    """While serving: officers' reads written in batches, the audit chain's head anchored in the log."""
    system: StoredSystem = app.state.system
    anchoring = Anchoring(app.state.audit_watch, system.settings.audit_anchor_seconds)
    app.state.reads.start()
    anchoring.start()
    try:
        yield
    finally:
        anchoring.stop()
        app.state.reads.stop()


def create_app(system: StoredSystem, *, stream: bool = False) -> FastAPI:
    """One app per system; its metrics registry is its own, so apps built side by side do not clash.

    With `stream`, accepted filings go to the JetStream work queue for `safelane worker` (docs/deployment.md)."""
    logs.configure(system.settings.log_level)
    settings = system.settings
    forwarder = (
        Forwarder(system.pipeline, system.db, settings.spool_dir, settings.spool_max_bytes, settings.spool_batch)
        if settings.spool_dir is not None
        else None
    )

    intake = Intake(settings.nats_url, system.db if system.db.outbox else None) if stream else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if intake is not None:
            await intake.start()
        async with _audit_threads(app):
            yield
        if intake is not None:
            await intake.close()
        if forwarder is not None:
            forwarder.close()

    app = FastAPI(
        title="safelane",
        version=_version(),
        description=DESCRIPTION,
        default_response_class=JsonResponse,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    docs.install(app)
    app.state.system = system
    app.state.forwarder = forwarder
    app.state.stream = intake
    app.state.audit_watch = ChainWatch(system.db, lambda: system.pipeline.clock())
    app.state.reads = ReadLog(system.db, lambda: system.pipeline.clock())
    app.state.metrics = metrics = Metrics()
    errors.install(app)
    for module in (
        filings,
        receipts,
        decisions,
        consignments,
        cases,
        outcomes,
        inspections,
        offices,
        disruptions,
        trs,
        stamps,
        traders,
        trader_data,
        certificates,
        documents,
        ops,
    ):
        app.include_router(module.router)
    openapi.install(app)
    # inside the workbench's middleware (the body deadline's 408 is answered by errors.py like any HTTPException)
    app.add_middleware(Protection, hsts_seconds=system.settings.hsts_seconds, body_seconds=system.settings.body_seconds)
    web.install(app)
    app.add_middleware(logs.RequestLog, routes=app.router.routes, on_done=metrics.request)
    return app

"""For operators: liveness with a database check, and Prometheus metrics. Neither needs a credential.

Neither may hang when the database does: metrics never touch it and run on the event loop, not in the
worker threads that stalled requests hold; the health check asks the database from a thread of its own and
answers 503 after HEALTH_SECONDS, leaving at most one question outstanding however often it is called.
"""

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from safelane.audit.watch import ChainWatch
from safelane.service.api import JsonResponse, MetricsDep, SystemDep
from safelane.service.metrics import CONTENT_TYPE
from safelane.store import lists as list_store
from safelane.store import profiles as profile_store
from safelane.system import StoredSystem

router = APIRouter(tags=["operations"])
log = logging.getLogger("safelane.service")
HEALTH_SECONDS = 1.0
_prober = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def _notes(system: StoredSystem, conn: sa.Connection) -> list[str]:
    """What an operator should know although the service runs: an empty store answers every filing green."""
    notes: list[str] = []
    if list_store.marker(conn)[0] == 0:
        notes.append("no watch lists loaded")
    if system.profiles is not None and not len(system.profiles()):
        notes.append("no active profiles")
    return notes


def _probe(system: StoredSystem, watch: ChainWatch) -> list[str]:
    with system.db.read() as conn:
        profile_store.revision(conn)
        notes = _notes(system, conn)
    watch.check()  # the next rows of the audit chain's tail, never a full walk
    if watch.problem is not None:
        notes.append(f"audit chain broken at sequence {watch.problem.seq}: {watch.problem.kind}")
    return notes


def _unavailable(reason: str) -> JsonResponse:
    return JsonResponse(
        {"status": "unavailable", "problems": [{"location": "database", "code": "unavailable", "message": reason}]},
        503,
        {"Retry-After": "5"},
    )


@router.get("/healthz", responses={503: {"description": "The database cannot be read, or not within a second"}})
async def healthz(request: Request, system: SystemDep) -> JsonResponse:
    """200 when the database answers a trivial read within a second, else 503 (a load balancer stops sending
    work); `notes` name what is missing for a real assessment (no watch lists loaded, no active profiles) and a
    broken audit chain; `audit` is the chain's status (ok, verifying, broken) as far as it has been verified."""
    state = request.app.state
    probe: Future[list[str]] | None = getattr(state, "health_probe", None)
    if probe is None or probe.done():  # a question still unanswered is waited on again, not asked twice
        probe = state.health_probe = _prober.submit(_probe, system, state.audit_watch)
    try:
        notes = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(probe)), HEALTH_SECONDS)
    except TimeoutError:
        log.error("healthz", extra={"fields": {"error": "no answer within a second"}})
        return _unavailable(f"the database did not answer within {HEALTH_SECONDS:g} s")
    except (sa.exc.SQLAlchemyError, OSError) as error:
        log.error("healthz", extra={"fields": {"error": type(error).__name__}})
        return _unavailable("the database cannot be read")
    return JsonResponse({"status": "ok", "notes": notes, "audit": state.audit_watch.status()})


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(metrics: MetricsDep) -> Response:
    """Prometheus text format: filings received, decisions, actions, request durations."""
    return Response(metrics.render(), media_type=CONTENT_TYPE)

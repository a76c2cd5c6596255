"""For operators: liveness with a database check, and Prometheus metrics. Neither needs a credential."""

import logging

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import Response

from safelane.service.api import JsonResponse, MetricsDep, SystemDep
from safelane.service.metrics import CONTENT_TYPE
from safelane.store import lists as list_store
from safelane.store import profiles as profile_store
from safelane.system import System

router = APIRouter(tags=["operations"])
log = logging.getLogger("safelane.service")


def _notes(system: System, conn: sa.Connection) -> list[str]:
    """What an operator should know although the service runs: an empty store answers every filing green."""
    notes: list[str] = []
    if list_store.marker(conn)[0] == 0:
        notes.append("no watch lists loaded")
    if system.profiles is not None and not len(system.profiles()):
        notes.append("no active profiles")
    return notes


@router.get("/healthz", responses={503: {"description": "The database cannot be read"}})
def healthz(system: SystemDep) -> JsonResponse:
    """200 when the database answers a trivial read, else 503 (so a load balancer stops sending work); `notes`
    name what is missing for a real assessment (no watch lists loaded, no active profiles)."""
    try:
        with system.db.read() as conn:
            profile_store.revision(conn)
            notes = _notes(system, conn)
    except (sa.exc.SQLAlchemyError, OSError) as error:
        log.error("healthz", extra={"fields": {"error": type(error).__name__}})
        return JsonResponse({"status": "unavailable", "problems": [
            {"location": "database", "code": "unavailable", "message": "the database cannot be read"}]}, 503)
    return JsonResponse({"status": "ok", "notes": notes})


@router.get("/metrics", response_class=Response)
def metrics(metrics: MetricsDep) -> Response:
    """Prometheus text format: filings received, decisions, actions, request durations."""
    return Response(metrics.render(), media_type=CONTENT_TYPE)

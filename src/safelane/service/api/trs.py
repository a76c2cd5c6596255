"""Time Release Study figures for officers: per mode, office, channel, trader category and disruption, as JSON
or CSV. An officer posted to an office gets that office's consignments only (its scope)."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from safelane.domain import Problem
from safelane.resilience import trs
from safelane.service.api import IsoTime, JsonResponse, SystemDep
from safelane.service.auth import CurrentUser
from safelane.service.errors import ApiError
from safelane.service.web.exports import csv_response

router = APIRouter(prefix="/v1/trs", tags=["resilience"])

FORBIDDEN: dict[int | str, dict[str, Any]] = {403: {"description": "Only customs officers read release times"}}


@router.get("", responses=FORBIDDEN)
def release_times(
    user: CurrentUser,
    system: SystemDep,
    since: IsoTime | None = None,
    until: IsoTime | None = None,
    format: str = "json",
) -> Response:
    """Consignments lodged in [since, until) (default: the 30 days up to now): averages, p50/p90 of arrival to
    release and the share released within the mode's target."""
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only customs officers read release times")])
    end = until or system.pipeline.clock()
    start = since or end - timedelta(days=30)
    for name, value in (("query.since", start), ("query.until", end)):
        if value.tzinfo is None:
            raise ApiError(422, [Problem(name, "invalid", "give a time zone (e.g. Z)")])
    with system.db.read() as conn:
        report = trs.report(conn, scope=user.scope, since=start, until=end)
    if format == "csv":
        return csv_response(report["segments"], trs.COLUMNS, "trs.csv")
    return JsonResponse(report)

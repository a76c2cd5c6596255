"""What every router shares: the system behind the app, JSON rendering, paging, ownership checks.

Routes return `JsonResponse` themselves so the store's rows (with aware datetimes) are rendered
by orjson in one pass, instead of FastAPI's generic encoder walking every value.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator

from safelane.domain import Problem
from safelane.service.errors import ApiError
from safelane.service.metrics import Metrics
from safelane.system import StoredSystem

MAX_PAGE = 500
MAX_OFFSET = 2**31 - 1  # beyond every store's rows; larger numbers overflow the engines' integers


class JsonResponse(JSONResponse):
    """A JSONResponse (so the OpenAPI document says JSON, not a string) rendered by orjson."""

    def render(self, content: Any) -> bytes:
        # Aware datetimes come out as ISO 8601 with their offset (+00:00), as the store keeps UTC.
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def get_system(request: Request) -> StoredSystem:
    return request.app.state.system


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


# The dependencies are async, though they only read an attribute: FastAPI runs a plain `def` dependency in a
# worker thread, a thread hop in and out on every request (benchmarks/spool.py: a sixth of the event loop's
# time per spooled filing went to these two).
async def _system(request: Request) -> StoredSystem:
    return get_system(request)


async def _metrics(request: Request) -> Metrics:
    return get_metrics(request)


SystemDep = Annotated[StoredSystem, Depends(_system)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]


class Page:
    """limit/offset query parameters; a page never exceeds MAX_PAGE rows, so one call stays cheap."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ):
        self.limit = limit
        self.offset = offset


PageDep = Annotated[Page, Depends()]


def _written(pattern: str, message: str) -> BeforeValidator:
    """Only ISO 8601 text, as the document says (format: date / date-time): pydantic alone takes Unix numbers."""

    def check(value: Any) -> Any:
        if isinstance(value, int | float) or (isinstance(value, str) and not re.fullmatch(pattern, value)):
            raise ValueError(message)
        return value

    return BeforeValidator(check)


IsoDay = Annotated[date, _written(r"\d{4}-\d{2}-\d{2}", "a day is written YYYY-MM-DD")]
IsoTime = Annotated[
    datetime,
    _written(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", "a time is written YYYY-MM-DDTHH:MM[:SS] with its zone"),
]


def one_of(values: Iterable[str]) -> dict[str, Any]:
    """A vocabulary declared in the OpenAPI document; the route still checks it, with its own located problem."""
    return {"enum": list(values)}


NOT_BLANK: dict[str, Any] = {"pattern": r"\S"}  # texts are stripped before use, so a blank one is an empty one


def not_found(kind: str, identifier: str, location: str) -> ApiError:
    """The same answer for "does not exist" and "not yours", so ids of other filers do not leak."""
    return ApiError(404, [Problem(location, "not_found", f"no {kind} {identifier}")])


def without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A store row minus internal keys (surrogate row ids mean nothing to a client)."""
    return {k: v for k, v in row.items() if k not in keys}

"""Every error answer has one shape: {"problems": [{"location", "code", "message"}, ...]}.

Filers' systems read these bodies, so FastAPI's own validation errors and Starlette's 404/405
are rewritten into the same list of located problems as a rejected filing.
"""

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from safelane.domain import Problem
from safelane.domain.problems import location_of
from safelane.store.database import OUTAGES


class ProblemOut(BaseModel):
    """One defect, located: the OpenAPI description of `Problem.as_dict`."""

    location: str = Field(description="where: a path into the message, `query.<name>`, `header.<name>` or `$`")
    code: str = Field(description="stable, for programs")
    message: str = Field(description="for people")


class Problems(BaseModel):
    """The body of every error answer (a 500 adds the `request_id` to quote to the operators)."""

    model_config = ConfigDict(extra="allow", title="Problems")

    problems: list[ProblemOut] = Field(min_length=1)


class ApiError(Exception):
    """An answer other than success, with the problems that explain it."""

    def __init__(self, status: int, problems: Sequence[Problem], headers: Mapping[str, str] | None = None):
        self.status = status
        self.problems = list(problems)
        self.headers = dict(headers or {})
        super().__init__(f"{status}: {'; '.join(p.message for p in self.problems)}")


def problem_response(
    status: int, problems: Sequence[Problem], headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse({"problems": [p.as_dict() for p in problems], **extra}, status, headers=headers)


def status_code(status: int) -> str:
    """403 -> 'forbidden': a machine-readable code for errors that carry none of their own."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """FastAPI's error list to located problems; body fields are named as in the message, like a filing's."""
    problems = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            location = "$"
        else:
            location = location_of(loc[1:] if loc[:1] == ("body",) else loc) or "$"
        problems.append(Problem(location, str(error.get("type", "invalid")), str(error.get("msg", "invalid"))))
    return problems


def internal_error(request_id: str) -> JSONResponse:
    """What a client sees when we fail: no internals, only an id to quote to the operators."""
    problem = Problem("$", "internal_error", f"the server failed on this request; quote request id {request_id}")
    return problem_response(500, [problem], request_id=request_id)


RETRY_AFTER = "5"  # seconds: a load balancer or a filer's system tries again after this
UNAVAILABLE = "the store is not answering; nothing of this request was stored, send it again shortly"
log = logging.getLogger("safelane.service")


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    """The database refused, stalled or had no free connection: 503 with Retry-After and one log line
    (an outage is expected weather, not a defect: no traceback per request)."""
    first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[:1]
    log.warning(
        "store_unavailable",
        extra={
            "fields": {
                "path": request.url.path,
                "error": type(exc).__name__,
                "reason": first_line[0] if first_line else "",
            }
        },
    )
    headers = {"Retry-After": RETRY_AFTER}
    if "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/v1/"):
        from safelane.service.web.render import page  # the workbench's own error page (imported late: no cycle)

        response = page(
            request,
            "error.html",
            None,
            status=503,
            title="Try again in a moment",
            message="The database is not answering. Nothing was changed; try again in a few seconds.",
        )
        response.headers.update(headers)
        return response
    return problem_response(503, [Problem("$", "unavailable", UNAVAILABLE)], headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(exc.status, exc.problems, exc.headers)


def _not_json(request: Request, errors: Sequence[Mapping[str, Any]]) -> Problem | None:
    """A whole body refused as "not a dictionary" because it was not sent as JSON: say that instead."""
    content_type = request.headers.get("content-type", "")
    whole_body = any(
        tuple(e.get("loc", ())) == ("body",) and e.get("type") in ("model_attributes_type", "dict_type") for e in errors
    )
    if not whole_body or "json" in content_type.split(";")[0]:
        return None
    return Problem(
        "$",
        "json_expected",
        f"the body must be JSON sent with Content-Type: application/json (got {content_type or 'no content type'})",
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    not_json = _not_json(request, exc.errors())
    return problem_response(422, [not_json] if not_json else validation_problems(exc.errors()))


def _methods(routes: Sequence[Any], scope: Mapping[str, Any]) -> set[str]:
    """The methods of every route whose path matches (routers included in an app are searched too)."""
    methods: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165 wraps included routers
        if included is not None:
            methods |= _methods(included.routes, scope)
        elif getattr(route, "methods", None) and route.matches(scope)[0] != Match.NONE:
            methods |= set(route.methods)
    return methods


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI reading a JSON body
        problem = Problem("$", "json_invalid", "the body is not JSON: it must be UTF-8 text")
        return problem_response(422, [problem])
    message = exc.detail if isinstance(exc.detail, str) else status_code(exc.status_code)
    if exc.status_code == 405:  # Starlette names only the first route on the path; every one of them counts
        headers["Allow"] = ", ".join(sorted(_methods(request.app.router.routes, request.scope)))
        message = f"{request.method} is not allowed on {request.url.path}; use {headers['Allow']}"
    location = "path" if exc.status_code in (404, 405) else "$"
    return problem_response(exc.status_code, [Problem(location, status_code(exc.status_code), message)], headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for outage in OUTAGES:
        app.add_exception_handler(outage, _store_unavailable)

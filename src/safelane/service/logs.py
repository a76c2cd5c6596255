"""Structured request logs: one JSON object per line on stderr, one line per request.

The line holds method, path, status, duration and the acting user's name; never headers, query
strings or bodies, which may carry API keys or trade data. The same middleware times the request
for the metrics and turns an unexpected exception into a 500 with a problems body, so the
server answers and keeps serving.
"""

import logging
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safelane.service.errors import internal_error

LOGGER = "safelane.service"
log = logging.getLogger(LOGGER)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return orjson.dumps(line, default=str).decode()


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(level: str = "INFO") -> logging.Logger:
    """Give the service logger one JSON handler on stderr (idempotent: apps built again reuse it)."""
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
    log.setLevel(level.upper())
    log.propagate = False  # uvicorn or a host app may log to stderr too: one line per request, not two
    return log


RequestDone = Callable[[str, str, int, float], None]  # method, route template, status, seconds


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The matched route's path template (/v1/filings/{filing_id}): a bounded label, unlike the raw path.

    FastAPI records the API route it ran in the scope; plain routes (/openapi.json, /docs) are matched here.
    """
    matched = getattr(scope.get("route"), "path", None)
    if isinstance(matched, str):
        return matched
    probe = {"type": "http", "path": scope["path"], "root_path": scope.get("root_path", ""), "method": scope["method"]}
    for route in routes:
        if route.matches(probe)[0] is Match.FULL:
            return getattr(route, "path", "unmatched")
    return "unmatched"


class RequestLog:
    """ASGI middleware: log each HTTP request, report its duration, answer 500 if the app raised."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute] = (), on_done: RequestDone | None = None):
        self.app = app
        self.routes = routes
        self.on_done = on_done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        state = scope.setdefault("state", {})  # request.state writes here; auth records the actor in it
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        error: BaseException | None = None
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            error = exc
            if not response_started:
                await internal_error(request_id)(scope, receive, send_wrapper)
        seconds = time.perf_counter() - started
        route = route_template(self.routes, scope)
        fields = {
            "request_id": request_id,
            "method": scope["method"],
            "path": scope["path"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "actor": state.get("actor"),
        }
        if error is not None:
            fields["error"] = type(error).__name__
            log.error("request", exc_info=error, extra={"fields": fields})
        else:
            log.info("request", extra={"fields": fields})
        if self.on_done is not None:
            self.on_done(scope["method"], route, status, seconds)

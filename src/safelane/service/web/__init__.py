"""The officer workbench: server-rendered pages on the same app, system and pipeline as the API.

One router per page group; each page checks the signed-in officer's role and reads through repositories
given `officer.scope` (safelane.scope), so another office's consignments are absent. Pages send a
Content-Security-Policy that allows nothing but this server, so nothing leaves a closed network.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safelane.service.web import (
    consignment,
    dashboard,
    documents,
    inspections,
    offices,
    outcomes,
    profiles,
    queue,
    resilience,
    seizures,
    signin,
    trader_view,
    traders,
)
from safelane.service.web.render import page

PAGES = (
    signin,
    queue,
    outcomes,
    consignment,
    documents,
    profiles,
    dashboard,
    seizures,
    inspections,
    offices,
    traders,
    trader_view,
    resilience,
)  # one router per page group
STATIC = Path(__file__).parent / "static"
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


PAGE_HEADERS = {
    b"content-security-policy": POLICY.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"cache-control": b"no-store",  # case data stays off shared disks and caches
}


class _PageHeaders:
    """ASGI middleware: the page policy on every HTML answer but the OpenAPI pages'. Plain ASGI rather than
    Starlette's BaseHTTPMiddleware, which runs each request in a task group of its own (its cost showed in the
    spool's profile, on API requests that carry no page at all)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/docs", "/redoc")):
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
                if html:
                    headers = [(n, v) for n, v in headers if n.lower() not in PAGE_HEADERS]
                    message = {**message, "headers": headers + list(PAGE_HEADERS.items())}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        app.include_router(module.router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/queue", status_code=303)

    @app.exception_handler(signin.SignInRequired)
    async def _signin(request: Request, error: signin.SignInRequired) -> Response:
        return signin.to_signin(request)

    @app.exception_handler(signin.Forbidden)
    async def _forbidden(request: Request, error: signin.Forbidden) -> Response:
        return page(request, "error.html", None, status=403, title="Not allowed", message=error.message)

    app.add_middleware(_PageHeaders)

"""The officer workbench: server-rendered pages on the same app, system and pipeline as the API.

One router per page group; each page checks the signed-in officer's role and reads through repositories
given `officer.scope` (safelane.scope), so another office's consignments are absent. Pages send a
Content-Security-Policy that allows nothing but this server, so nothing leaves a closed network.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

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


class _PageHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html") and not request.url.path.startswith(
            ("/docs", "/redoc")
        ):
            response.headers["Content-Security-Policy"] = POLICY
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["Cache-Control"] = "no-store"  # case data stays off shared disks and caches
        return response


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

"""What every answer carries for the browser's protection, and the time a client has to send its body.

Workbench pages set their own Content-Security-Policy (service.web); the OpenAPI pages theirs
(service.docs); everything else is never to be framed or sniffed. Behind TLS (a reverse proxy that tells
uvicorn the scheme), `Strict-Transport-Security` keeps browsers on HTTPS when SAFELANE_HSTS_SECONDS is set.

A client that trickles its body (a byte a second holds a worker and a connection for hours) is answered
408 once `body_seconds` have passed since the request began; the connection is closed after the answer.
"""

import asyncio
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTimeout(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on as it is (and errors.py answers it)."""

    def __init__(self, seconds: float):
        super().__init__(408, f"the request body did not arrive within {seconds:g} s; send it again")


class Protection:
    """ASGI middleware: the headers above, and the deadline on the request body."""

    def __init__(self, app: ASGIApp, *, hsts_seconds: int, body_seconds: float):
        self.app = app
        self.hsts = f"max-age={hsts_seconds}; includeSubDomains".encode() if hsts_seconds > 0 else None
        self.body_seconds = body_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.body_seconds
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            try:  # asyncio.timeout, not wait_for: no task of its own per receive
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(self.body_seconds) from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        secure = scope.get("scheme") == "https"

        async def protected_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
                if self.hsts and secure:
                    extra.append((b"strict-transport-security", self.hsts))
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, timed_receive, protected_send)

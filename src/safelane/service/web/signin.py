"""Who is at the workbench: sign-in with name and password, a session cookie, role checks on every page.

Customs roles (officer, supervisor, admin) and other border agencies' officers may use the workbench; a
filer's correct password still gets no session. An agency officer works the queue, consignments, its own
inspection results, its dashboard and the joint-inspection calendar, all confined to its agency by its scope;
customs-only pages answer 403 (`customs_only`). A trader user (bound to one register operator) signs in here too,
but reaches only its trader view (`/trader`, service/web/trader_view.py): every workbench page refuses it. An
officer posted to an office sees that office's consignments; supervisors, admins and officers without an office
see every office. Every form POST carries the session's form token (CSRF), checked before anything is done; the
sign-in form, which has no session yet, carries a token that must match a cookie set with the form (so another
site cannot sign a browser in as someone else).

Wrong passwords are counted per name *and client address* (a stranger cannot lock an officer out from
elsewhere) and per address over all names (one client cannot spray guesses across names). The count,
the check and its record happen under one lock per address, so concurrent guesses cannot all slip under
the limit. Behind a reverse proxy the address is the proxy's unless uvicorn trusts its forwarded headers.
"""

import hmac
import secrets
import threading
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from safelane.referrals import OFFICER_ROLES
from safelane.scope import AGENCY_ROLE, Scope
from safelane.service.api import get_system
from safelane.service.web.render import page
from safelane.store import users as user_store
from safelane.store import web_sessions
from safelane.store.filings import add_audit
from safelane.system import StoredSystem

COOKIE = "safelane_session"
SIGNIN_COOKIE = "safelane_signin"  # the sign-in form's token
MAX_FAILURES, LOCKOUT = 5, timedelta(minutes=15)  # wrong passwords per name and address before it waits, how long
MAX_ADDRESS_FAILURES = 20  # wrong passwords from one address, any names, in the same window
_LOCKS = tuple(threading.Lock() for _ in range(64))  # striped by client address
WORKBENCH_ROLES = OFFICER_ROLES | {AGENCY_ROLE}
router = APIRouter()


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in form and back afterwards."""


class Forbidden(Exception):
    """Signed in, but this role or office may not see or do this."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Officer:
    name: str
    role: str
    office: str | None
    csrf: str
    agency: str | None = None  # an agency officer's agency: the session carries it into the scope

    @property
    def scope(self) -> Scope:
        """What this officer may read and act on; every page hands it to the repositories (safelane.scope)."""
        return Scope.of(self.name, self.role, office=self.office, agency=self.agency)

    @property
    def office_scope(self) -> str | None:
        """The one office whose consignments this user sees; None means every office."""
        return self.scope.office

    @property
    def is_agency(self) -> bool:
        """An officer of another border agency: it sees and records only its agency's part."""
        return self.role == AGENCY_ROLE

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")

    def require_supervisor(self) -> None:
        if not self.is_supervisor:
            raise Forbidden("Only a supervisor may change this.")


def _session(system: StoredSystem, token: str) -> dict[str, Any] | None:
    with system.db.read() as conn:
        return web_sessions.get(conn, token, at=system.pipeline.clock())


@dataclass(frozen=True)
class TraderSession:
    """A trader user at its own view: the operator it speaks for, and the session's form token."""

    name: str
    operator: str
    csrf: str


async def _signed_in(request: Request) -> dict[str, Any]:
    token = request.cookies.get(COOKIE)
    row = await run_in_threadpool(_session, get_system(request), token) if token else None
    if row is None:
        raise SignInRequired()
    return row


async def current_trader(request: Request) -> TraderSession:
    row = await _signed_in(request)
    if row["role"] != "trader" or not row["operator_id"]:
        raise Forbidden("This page is a trader's view of its own consignments; officers use the workbench.")
    request.state.actor = row["name"]
    return TraderSession(row["name"], row["operator_id"], row["csrf"])


TraderDep = Annotated[TraderSession, Depends(current_trader)]


def _is_trader(user: dict[str, Any]) -> bool:
    return user["role"] == "trader" and bool(user.get("operator_id"))


async def current_officer(request: Request) -> Officer:
    row = await _signed_in(request)
    if row["role"] not in WORKBENCH_ROLES:
        raise Forbidden("The workbench is for customs and border agency officers.")
    request.state.actor = row["name"]  # for the request log
    return Officer(row["name"], row["role"], row["office"], row["csrf"], row.get("agency"))


OfficerDep = Annotated[Officer, Depends(current_officer)]


def customs_only(officer: OfficerDep) -> Officer:
    """A page of customs' own work (profiles, seizures, offices, traders, resilience): 403 for an agency officer."""
    if officer.is_agency:
        raise Forbidden(
            "This page is for customs officers. Your agency's work is in the queue, its consignments, "
            "its dashboard and the joint-inspection calendar."
        )
    return officer


CUSTOMS_PAGES = [Depends(customs_only)]  # a customs-only router's dependencies


async def checked_form(request: Request, officer: OfficerDep) -> dict[str, str]:
    """The posted form, after its form token matched the session's; repeated keys keep the last value."""
    form = await request.form()
    if form.get("csrf") != officer.csrf:
        raise Forbidden("This form has expired or did not come from the workbench. Reload the page and try again.")
    return {key: str(value) for key, value in form.items() if key != "csrf"}


FormDep = Annotated[dict[str, str], Depends(checked_form)]


def _safe_next(target: str | None) -> str:
    """Only paths of this site, so the sign-in form cannot be used to send an officer elsewhere (browsers read
    '//host' and '/\\host' as another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


def _form(request: Request, next: str | None, *, status: int = 200, **context: Any) -> Response:
    """The sign-in form with its token, set as a cookie too (kept if the browser has one already)."""
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, "signin.html", None, next=_safe_next(next), csrf=token, status=status, **context)
    response.set_cookie(
        SIGNIN_COOKIE, token, httponly=True, samesite="strict", path="/signin", secure=request.url.scheme == "https"
    )
    return response


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    return _form(request, next)


def _refused(system: StoredSystem, name: str, address: str, password: str) -> tuple[str | None, dict[str, Any] | None]:
    """Check the password unless this name and address, or this address, is locked; record a refusal.
    Under the address's lock, so the count and the check are one step for concurrent guesses."""
    assert system.db is not None
    at = system.pipeline.clock()
    with _LOCKS[zlib.crc32(address.encode()) % len(_LOCKS)]:
        with system.db.read() as conn:
            named, anywhere = user_store.failed_signins(conn, name, address, since=at - LOCKOUT)
            locked = named >= MAX_FAILURES or anywhere >= MAX_ADDRESS_FAILURES
            user = None if locked else user_store.by_password(conn, name, password)
        if user is not None and (user["role"] in WORKBENCH_ROLES or _is_trader(user)):
            return None, user
        reason = "locked" if locked else "credential" if user is None else "role"
        with system.db.write() as conn:
            add_audit(
                conn, at, name or "?", "workbench.signin_refused", name or None, {"reason": reason, "address": address}
            )
    return reason, None


@router.post("/signin")
def signin(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    system = get_system(request)
    at, name = system.pipeline.clock(), name.strip()[:70]
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    if not (cookie and hmac.compare_digest(cookie.encode(), csrf.encode())):
        return _form(
            request,
            next,
            status=403,
            name=name,
            error="This sign-in form has expired or did not come from the workbench. Try again.",
        )
    address = request.client.host if request.client else "?"
    reason, user = _refused(system, name, address, password)
    if reason is not None:
        message = {
            "locked": f"Too many failed sign-ins: try again in {LOCKOUT.seconds // 60} minutes.",
            "credential": "Unknown name or wrong password.",
            "role": "The workbench is for customs and border agency officers.",
        }[reason]
        return _form(
            request, next, error=message, name=name, status={"locked": 429, "credential": 401, "role": 403}[reason]
        )
    assert user is not None
    with system.db.write() as conn:
        token = web_sessions.create(conn, user["name"], at=at)
        add_audit(conn, at, user["name"], "workbench.signed_in", None, None)
    target = "/trader" if _is_trader(user) else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(web_sessions.SHIFT.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def _session_form(request: Request) -> None:
    """Sign-out's form token check, for officers and traders alike."""
    row = await _signed_in(request)
    form = await request.form()
    if form.get("csrf") != row["csrf"]:
        raise Forbidden("This form has expired or did not come from the workbench. Reload the page and try again.")


@router.post("/signout", dependencies=[Depends(_session_form)])
def signout(request: Request) -> Response:
    system = get_system(request)
    token = request.cookies.get(COOKIE)
    if token:
        with system.db.write() as conn:
            web_sessions.end(conn, token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def to_signin(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

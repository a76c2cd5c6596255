"""Who is calling: an API key (from `safelane users add`) as a Bearer token or an X-API-Key header.

A filer acts for its organisation (`filer`) and is confined to it; officers, supervisors and
admins see every filer's records, and an officer posted to an office only that office's (as in the
workbench): `User.scope` says which, once, for every route (safelane.scope). Unknown and missing keys get
a 401 that reveals nothing of any key; an unknown one names the database the server reads, as a key made
against another database is the usual cause. A client address that
sends more than UNKNOWN_KEYS unknown keys in UNKNOWN_WINDOW seconds gets 429 until the window ends (keys
it has used successfully still work), so guessing costs neither a database read per try nor goes unchecked.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from safelane.domain import Problem
from safelane.referrals import OFFICER_ROLES
from safelane.scope import AGENCY_ROLE, Scope
from safelane.service.api import SystemDep
from safelane.service.errors import ApiError
from safelane.settings import database_shown
from safelane.store import users as user_store
from safelane.store.database import OUTAGES
from safelane.system import StoredSystem

_bearer = HTTPBearer(auto_error=False, description="API key as a Bearer token")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key in the X-API-Key header")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    filer: str | None
    office: str | None = None
    operator: str | None = None  # a trader's register operator
    agency: str | None = None  # an agency officer's agency

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def scope(self) -> Scope:
        """What this user may read and act on; every route hands it to the repositories (safelane.scope)."""
        return Scope.of(
            self.name, self.role, filer=self.filer, office=self.office, operator=self.operator, agency=self.agency
        )


KEY_TTL_SECONDS = 10.0  # a deactivated key stops working within this time
UNKNOWN_KEYS, UNKNOWN_WINDOW = 10, 60.0  # unknown keys per client address and window (seconds)


class UnknownKeys:
    """When each address last sent unknown keys (in this process), to refuse guessers before the database."""

    def __init__(self, limit: int = UNKNOWN_KEYS, window: float = UNKNOWN_WINDOW):
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, address: str) -> int | None:
        """Seconds until this address may try again, or None if it may now."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(address, now)
            return int(times[0] + self.window - now) + 1 if len(times) >= self.limit else None

    def record(self, address: str) -> None:
        with self._lock:
            if len(self._seen) > 100_000:  # a flood of addresses: forget them all rather than grow
                self._seen.clear()
            self._recent(address, time.monotonic()).append(time.monotonic())


def _lookup(system: StoredSystem, key: str) -> dict[str, Any] | None:
    with system.db.read() as conn:
        return user_store.by_key(conn, key)


def _recent(system: StoredSystem, expires: float) -> bool:
    """Whether a cached key was last confirmed by the store within the spool's grace period."""
    return time.monotonic() - (expires - KEY_TTL_SECONDS) < system.settings.spool_key_grace


def _store_down_and_recent(request: Request, system: StoredSystem, expires: float) -> bool:
    forwarder = request.app.state.forwarder
    return forwarder is not None and forwarder.active and _recent(system, expires)


async def authenticate(
    request: Request,
    system: SystemDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> User:
    """Known keys are remembered briefly, so a busy filer's requests do not each cost a database read."""
    if bearer and api_key and bearer.credentials != api_key:  # which one acts? neither: refuse the ambiguity
        message = "two different API keys: send one, as Authorization: Bearer <key> or as X-API-Key"
        raise ApiError(401, [Problem("header.X-API-Key", "two_keys", message)], {"WWW-Authenticate": "Bearer"})
    key = bearer.credentials if bearer else api_key
    row = None
    if key:
        cache: dict[str, tuple[float, dict[str, Any] | None]] = request.app.state.__dict__.setdefault("keys", {})
        hit = cache.get(key)
        if hit is not None and (hit[0] > time.monotonic() or _store_down_and_recent(request, system, hit[0])):
            row = hit[1]
        else:
            unknown: UnknownKeys = request.app.state.__dict__.setdefault("unknown_keys", UnknownKeys())
            address = request.client.host if request.client else "?"
            wait = unknown.retry_after(address)
            if wait is not None:
                raise ApiError(
                    429,
                    [
                        Problem(
                            "header.Authorization",
                            "too_many_unknown_keys",
                            f"too many unknown API keys from this address; retry in {wait} s",
                        )
                    ],
                    {"Retry-After": str(wait)},
                )
            try:
                row = await run_in_threadpool(_lookup, system, key)
            except OUTAGES as error:  # a key seen shortly before the outage keeps working while it lasts
                forwarder = request.app.state.forwarder
                if forwarder is None or hit is None or not _recent(system, hit[0]):
                    raise
                forwarder.store_down(error)
                row = hit[1]
            if row is None:
                unknown.record(address)
            else:
                if len(cache) > 10_000:
                    cache.clear()
                cache[key] = (time.monotonic() + KEY_TTL_SECONDS, row)
    if row is None:
        what = (
            (
                f"unknown API key for this server's database {database_shown(system.settings.database_url)}: a key "
                "made by `safelane users add` works only against the database it was written to (see "
                "SAFELANE_DATABASE_URL)"
            )
            if key
            else "an API key is required (Authorization: Bearer <key> or X-API-Key)"
        )
        raise ApiError(401, [Problem("header.Authorization", "unauthenticated", what)], {"WWW-Authenticate": "Bearer"})
    user = User(row["name"], row["role"], row["filer"], row["office"], row.get("operator_id"), row.get("agency"))
    request.state.actor = user.name  # for the request log
    if user.role == AGENCY_ROLE:
        _agency_may(request, user)
    elif not user.is_officer and not user.filer and not (user.role == "trader" and user.operator):
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "this user files for no organisation")])
    return user


# The routes an agency officer's key may call: reads the need-to-know filter (safelane.agencies.need_to_know) is
# applied to. Every other route is customs' (or the filer's) own and refuses agency keys with 403, so a new
# route is closed to agencies until it filters and is listed here (tests/agencies/test_agency_api.py).
AGENCY_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/v1/consignments/{consignment_id}"),
        ("GET", "/v1/decisions"),
        ("GET", "/v1/decisions/{decision_id}"),
        # joint inspection (safelane.cases.joint): its scope applies; it schedules what its agency holds and
        # records only its own agency's result
        ("POST", "/v1/consignments/{consignment_id}/inspection"),
        ("GET", "/v1/consignments/{consignment_id}/inspection"),
        ("POST", "/v1/consignments/{consignment_id}/inspection/results"),
        ("GET", "/v1/inspections"),
        # supporting documents: only the types its agency's need-to-know allows (agencies.yaml documents:)
        ("GET", "/v1/consignments/{consignment_id}/documents"),
        ("GET", "/v1/documents/{document_id}"),
    }
)


def _agency_may(request: Request, user: User) -> None:
    """Refuse an agency key on a route not open to agencies, and one whose agency is not in the register."""
    from safelane.agencies.register import register

    if user.agency not in register():
        message = f"this user's agency {user.agency!r} is not in the agency register (SAFELANE_AGENCIES)"
        raise ApiError(403, [Problem("header.Authorization", "unknown_agency", message)])
    route = request.scope.get("route")
    if (request.method, getattr(route, "path", "")) not in AGENCY_ROUTES:
        message = (
            "customs only: an agency officer's key reads the consignments and decisions in its agency's scope "
            "(GET /v1/consignments/{id}, /v1/decisions, /v1/decisions/{id}), opens the documents its agency may "
            "(GET /v1/consignments/{id}/documents, /v1/documents/{id}) and works its joint inspections "
            "(/v1/consignments/{id}/inspection, /v1/inspections); see docs/agencies.md"
        )
        raise ApiError(403, [Problem("header.Authorization", "customs_only", message)])


async def _filer(user: Annotated[User, Depends(authenticate)]) -> User:
    if user.role != "filer":
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only a filer may do this")])
    return user


async def _trader(user: Annotated[User, Depends(authenticate)]) -> User:
    if user.role != "trader" or not user.operator:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only a trader key does this")])
    return user


CurrentUser = Annotated[User, Depends(authenticate)]
TraderUser = Annotated[User, Depends(_trader)]
FilerUser = Annotated[User, Depends(_filer)]

"""Who is calling: an API key (from `safelane users add`) as a Bearer token or an X-API-Key header.

A filer acts for its organisation (`filer`) and is confined to it; officers, supervisors and
admins see every filer's records. Unknown and missing keys get the same 401, so keys cannot be probed.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from safelane.domain import Problem
from safelane.referrals import OFFICER_ROLES
from safelane.service.api import SystemDep
from safelane.service.errors import ApiError
from safelane.store import users as user_store

_bearer = HTTPBearer(auto_error=False, description="API key as a Bearer token")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key in the X-API-Key header")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    filer: str | None

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def scope(self) -> str | None:
        """The filer whose records this user may see; None means every filer's."""
        return None if self.is_officer else self.filer

    def may_see(self, filer: str) -> bool:
        return self.scope is None or self.scope == filer


def authenticate(
    request: Request,
    system: SystemDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> User:
    key = bearer.credentials if bearer else api_key
    row = None
    if key:
        assert system.db is not None
        with system.db.read() as conn:
            row = user_store.by_key(conn, key)
    if row is None:
        what = "unknown API key" if key else "an API key is required (Authorization: Bearer <key> or X-API-Key)"
        raise ApiError(401, [Problem("header.Authorization", "unauthenticated", what)],
                       {"WWW-Authenticate": "Bearer"})
    user = User(row["name"], row["role"], row["filer"])
    request.state.actor = user.name  # for the request log
    if not user.is_officer and not user.filer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "this user files for no organisation")])
    return user


def _filer(user: Annotated[User, Depends(authenticate)]) -> User:
    if user.role != "filer":
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only a filer may do this")])
    return user


CurrentUser = Annotated[User, Depends(authenticate)]
FilerUser = Annotated[User, Depends(_filer)]

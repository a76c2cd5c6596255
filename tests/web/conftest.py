"""The workbench on the real store (SQLite, and PostgreSQL when configured), demo profiles active.

Users: olga, an officer at NLRTM; pieter, an officer at BEANR; sam, a supervisor; and acme, a filer.
Each has the password PASSWORD. `bench.client("olga")` is a browser-like client signed in as olga;
`bench.post(client, path, **form)` posts a form with the session's form token.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import Database
from safelane.store import profiles as profile_store
from safelane.store import users as user_store
from safelane.system import System, build

PASSWORD = "correct horse battery"
USERS = {
    "olga": ("officer", None, "NLRTM"),
    "pieter": ("officer", None, "BEANR"),
    "sam": ("supervisor", None, None),
    "acme": ("filer", "ACME", None),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def sign_in(client: Any, data: dict[str, str]) -> httpx.Response:
    """Post the sign-in form as a browser does: fetched first, with its token."""
    form = client.get("/signin")
    token = _CSRF.search(form.text)
    assert token is not None, form.text
    return client.post("/signin", data={**data, "csrf": token.group(1)})


def add_users(system: System, users: dict[str, tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Create users with PASSWORD; returns name -> API key."""
    assert system.db is not None
    now = datetime.now(UTC)
    keys = {}
    with system.db.write() as conn:
        for name, (role, filer, office) in users.items():
            keys[name] = user_store.add(conn, name, role, at=now, filer=filer, office=office, actor="test")
            user_store.set_password(conn, name, PASSWORD, at=now, actor="test")
    return keys


def load_demo_profiles(system: System) -> None:
    assert system.db is not None
    with system.db.write() as conn:
        for path in sorted(files("safelane").joinpath("demo", "profiles").iterdir(), key=lambda p: p.name):
            if path.name.endswith(".yaml"):
                profile_store.save(
                    conn, path.read_text(), actor="test", at=datetime.now(UTC), origin=path.name, activate=True
                )
    if system.profiles is not None:
        system.profiles.refresh()


@dataclass
class Bench:
    app: Any
    system: System
    keys: dict[str, str]
    clients: list[TestClient] = field(default_factory=list)

    @property
    def db(self) -> Database:
        assert self.system.db is not None
        return self.system.db

    def anonymous(self) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        self.clients.append(client)
        return client

    def client(self, name: str) -> TestClient:
        """A client signed in through the sign-in form, as a browser would be."""
        client = self.anonymous()
        response = sign_in(client, {"name": name, "password": PASSWORD})
        assert response.status_code == 303, response.text
        return client

    @staticmethod
    def csrf(client: TestClient, path: str = "/queue") -> str:
        found = _CSRF.search(client.get(path).text)
        assert found, f"no form token on {path}"
        return found.group(1)

    def post(self, client: TestClient, path: str, *, csrf_from: str = "/queue", **form: Any) -> httpx.Response:
        return client.post(path, data={"csrf": self.csrf(client, csrf_from), **form})

    def file(self, user: str, filing: dict[str, Any]) -> dict[str, Any]:
        """Submit a filing over the API as a filer; its answer."""
        response = (
            self.clients[0].post(
                "/v1/filings", content=orjson.dumps(filing), headers={"Authorization": f"Bearer {self.keys[user]}"}
            )
            if self.clients
            else TestClient(self.app).post(
                "/v1/filings", content=orjson.dumps(filing), headers={"Authorization": f"Bearer {self.keys[user]}"}
            )
        )
        assert response.status_code == 201, response.text
        [result] = response.json()["filings"]
        return result


@pytest.fixture
def bench(database_url: str) -> Iterator[Bench]:
    system = build(Settings(database_url=database_url, strict_templates=True))  # a missing field fails the page
    load_demo_profiles(system)
    keys = add_users(system, USERS)
    app = create_app(system)
    workbench = Bench(app, system, keys)
    yield workbench
    for client in workbench.clients:
        client.close()
    assert system.db is not None
    system.db.dispose()

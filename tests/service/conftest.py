"""One API per test on the real store (SQLite, and PostgreSQL when configured), demo profiles active.

Users: two filers of different organisations (ACME, GLOBEX) and an officer. `api.as_("acme")`
gives request headers with that user's key.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import Database
from safelane.store import profiles as profile_store
from safelane.store import users as user_store
from safelane.store.schema import audit_events, metadata
from safelane.system import System, build

USERS = {"acme": ("filer", "ACME"), "globex": ("filer", "GLOBEX"), "olga": ("officer", None)}
DNL_TONER_YEMEN = {
    "itinerary__place_of_loading": "YESAH",
    "goods__0__hs_code": "844399",
    "goods__0__description": "Printer toner cartridges",
}
RFS_FALCON = {"consignee__name": "Falcon Star General Trading"}
RFI_LAPTOPS_VIA_KP = {
    "itinerary__routing_countries": ["KP"],
    "goods__0__hs_code": "847130",
    "goods__0__description": "Laptops",
}


@dataclass
class Api:
    client: TestClient
    system: System
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def db(self) -> Database:
        assert self.system.db is not None
        return self.system.db

    def as_(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[user]}"}

    def submit(self, user: str, data: Any, **params: str):
        body = data if isinstance(data, bytes) else orjson.dumps(data)
        return self.client.post("/v1/filings", content=body, headers=self.as_(user), params=params)

    def accepted(self, user: str, data: Any) -> dict[str, Any]:
        """Submit one filing that must be accepted; its answer."""
        response = self.submit(user, data)
        assert response.status_code == 201, response.text
        [result] = response.json()["filings"]
        return result

    def act(self, user: str, decision_id: str, action: str, **body: Any):
        return self.client.post(f"/v1/decisions/{decision_id}/{action}", json=body, headers=self.as_(user))

    def counts(self) -> dict[str, int]:
        """Rows in every table of the store: the proof that nothing was stored, or nothing twice."""
        with self.db.read() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }

    def audit(self, action: str) -> int:
        with self.db.read() as conn:
            query = sa.select(sa.func.count()).select_from(audit_events).where(audit_events.c.action == action)
            return conn.execute(query).scalar_one()


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    system = build(Settings(database_url=database_url))
    assert system.db is not None
    now = datetime.now(UTC)
    keys = {}
    with system.db.write() as conn:
        for path in sorted(files("safelane").joinpath("demo", "profiles").iterdir(), key=lambda p: p.name):
            if path.name.endswith(".yaml"):
                profile_store.save(conn, path.read_text(), actor="test", at=now, origin=path.name, activate=True)
        for name, (role, filer) in USERS.items():
            keys[name] = user_store.add(conn, name, role, at=now, filer=filer, actor="test")
    if system.profiles is not None:
        system.profiles.refresh()
    with TestClient(create_app(system)) as client:
        yield Api(client, system, keys)
    system.db.dispose()

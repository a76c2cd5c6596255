"""Browser tests: Debian's Chromium, driven by Playwright, against a running `safelane serve`.

The store is a SQLite file prepared through the same code paths the product uses (demo profiles,
users with passwords, a generated day of traffic through the pipeline, and a few filings that must be
worked: a DNL, a red sea consignment). Then `safelane serve` runs as its own process on a free port,
and the browser talks to it over HTTP like an officer's would. Every request the page makes is
recorded, so a test can assert that nothing left this server. Screenshots go to test-artifacts/browser/.

Skipped, with the reason, where Chromium or Playwright is missing (`scripts/system-packages --test`
installs Chromium; Playwright never downloads a browser here).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from safelane.cases import joint
from safelane.demo import generate_day
from safelane.domain import Filing
from safelane.domain.assessment import AgencyRequirement
from safelane.formats import parse
from safelane.results import ConsignmentResult
from safelane.scope import Scope
from safelane.settings import Settings
from safelane.store import agency_scope as scope_store
from safelane.store import inspections as inspection_store
from safelane.store import profiles as profile_store
from safelane.store import requirements
from safelane.store import users as user_store
from safelane.store.schema import agency_requirements
from safelane.system import StoredSystem, build
from tests.factories import air_consignment, filing, sea_consignment
from tests.risk.test_profiles import profile
from tests.web.conftest import PASSWORD, add_users, load_demo_profiles

CHROMIUM = os.environ.get("SAFELANE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "browser"
USERS = {
    "olga": ("officer", None, None),
    "sam": ("supervisor", None, None),
    "acme": ("filer", "ACME", None),
    "pieter": ("officer", None, "BEANR"),
}
PLANTS = "MSCU3300001"  # the consignment plant health's officer (pia, at NLRTM) inspects
PLANT_RULE = "PH-BANANA-PESTS"  # plant health's draft profile, named as the reason of its hold on PLANTS
# The generated traffic is the same on any calendar day: a fixed day and seed (it has open BEANR cases).
# Only the worked filings move with the clock, by hours, so their time left reads the same whenever the tests run.
TRAFFIC_DAY, TRAFFIC_SEED = date(2026, 6, 15), 11
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing: pip install -e '.[test]'")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (scripts/system-packages --test installs it)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worked_filings(now: datetime) -> list[Filing]:
    """Filings the journey works on: a DNL (toner from Yemen) and a sea consignment the profiles send to red."""
    departure, arrival = (now + timedelta(hours=1)).isoformat(), (now + timedelta(hours=12)).isoformat()
    dnl = air_consignment(
        house_document="HAWB-TONER-1",
        itinerary__place_of_loading="YESAH",
        goods__0__hs_code="844399",
        goods__0__description="Printer toner cartridges",
        itinerary__departure_at=departure,
        itinerary__arrival_at=arrival,
    )
    red = sea_consignment(master_document="MSCU7654321", consignor__name="Falcon Star General Trading")
    plants = sea_consignment(master_document=PLANTS)  # bananas at NLRTM: plant health holds them (`_plant_hold`)
    data = [
        filing(dnl, document_number="AWB-TONER-1"),
        filing(red, document_number="BL-RED-1"),
        filing(plants, document_number="BL-PLANTS-1"),
    ]
    return [f for d in data for f in parse(orjson.dumps(d), format="json", filer="ACME")]


def _plant_hold(system: StoredSystem, held: ConsignmentResult, now: datetime) -> str:
    """Plant health's officer pia (NLRTM), its hold on the bananas and their inspection in its slots at NLRTM;
    pia's API key. The requirement is stored as the assessment stores one, naming PLANT_RULE (a draft, so it
    assesses nothing else) as its reason."""
    assert system.db is not None and held.decision_id is not None
    slots = {"place": "NPPO shed", "day_start": 0, "slot_minutes": 60, "slots": 24, "teams": 4, "daily": 50}
    why = "Bananas from Ecuador: plant health inspects"
    hold = AgencyRequirement("plant_health", "hold", why, reasons=(PLANT_RULE,))
    rule = profile("hs_prefix: ['0803']", "requirement: hold", id=PLANT_RULE, agency="plant_health")
    with system.db.write() as conn:
        profile_store.save(conn, rule, actor="test", at=now, origin="test.yaml", activate=False)
        key = user_store.add(conn, "pia", "agency_officer", at=now, agency="plant_health", office="NLRTM")
        user_store.set_password(conn, "pia", PASSWORD, at=now, actor="test")
        conn.execute(agency_requirements.insert(), requirements.rows(held.decision_id, held.consignment_id, [hold]))
        scope_store.add(conn, held.consignment_id, {"plant_health": "requirement"})
        inspection_store.set_slots(conn, "*", "plant_health", slots, at=now, actor="test")
    joint.schedule(system.db, held.consignment_id, scope=Scope.of("sam", "supervisor"), at=now)
    return key


@dataclass
class Served:
    url: str
    database_url: str
    consignments: dict[str, str] = field(default_factory=dict)  # reference of a worked filing -> consignment id
    keys: dict[str, str] = field(default_factory=dict)  # user name -> API key
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{folder / 'workbench.db'}"
    system = build(Settings(database_url=database_url))
    load_demo_profiles(system)
    keys = add_users(system, USERS)
    now = datetime.now(UTC)
    day = generate_day(TRAFFIC_DAY, 400, TRAFFIC_SEED)
    system.pipeline.submit(day, actor="demo")
    worked = system.pipeline.submit(worked_filings(now), actor="acme")
    consignments = {c.reference: c.consignment_id for result in worked for c in result.consignments}
    assert system.db is not None
    keys["pia"] = _plant_hold(system, next(c for r in worked for c in r.consignments if c.reference == PLANTS), now)
    system.db.dispose()

    port = _free_port()
    executable = shutil.which("safelane", path=str(Path(sys.executable).parent)) or "safelane"
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(
        [executable, "serve", "--port", str(port), "--database", database_url],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SAFELANE_LOG_LEVEL": "WARNING", "SAFELANE_STRICT_TEMPLATES": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"safelane serve did not start: {(folder / 'serve.log').read_text()[-2000:]}")
        yield Served(url, database_url, consignments, keys)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other tests call asyncio.run()
def browser() -> Iterator["playwright_api.Browser"]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served: Served, request: pytest.FixtureRequest) -> Iterator["playwright_api.Page"]:
    """A fresh 1366x768 browser context per test; a screenshot of the last page is kept as an artefact."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=served.url)
    tab = context.new_page()
    served.requests.clear()
    tab.on("request", lambda r: served.requests.append(r.url))
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, name: str) -> None:
    page.goto("/signin")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

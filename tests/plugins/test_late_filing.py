"""The worked example plugin, installed for real: pip puts the package and its entry point in a folder on
sys.path, `system.build` finds it in the `safelane.assessors` group, and its findings reach the pipeline's
answer and the consignment page with its own evidence partial."""

import html
import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.system import StoredSystem, build
from tests.factories import filing, sea_consignment
from tests.web.conftest import PASSWORD, add_users, sign_in

PLUGIN = Path(__file__).parent / "late_filing"
FILED_AT = "2026-11-20T08:00:00Z"
ARRIVAL = "2026-11-20T18:00:00Z"  # ten hours after filing: late under the default 24 h


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The plugin pip-installed into a folder put on sys.path for this module only (offline, no build deps)."""
    work = tmp_path_factory.mktemp("late_filing")
    source = shutil.copytree(PLUGIN, work / "source")  # the build leaves its egg-info beside the sources
    target = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
    )
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    sys.modules.pop("safelane_late_filing", None)
    importlib.invalidate_caches()


@pytest.fixture
def system(plugin: Path, database_url: str) -> Iterator[StoredSystem]:
    built = build(Settings(database_url=database_url))
    yield built
    built.db.dispose()


def submit(system: StoredSystem) -> dict:
    late = filing(sea_consignment(itinerary__arrival_at=ARRIVAL), document_number="S-LATE", filed_at=FILED_AT)
    [result] = system.pipeline.submit_message(orjson.dumps(late), filer="ACME", actor="filer")
    return result.consignments[0].as_dict()


def test_the_plugin_is_registered_from_its_entry_point(system: StoredSystem) -> None:
    assert system.assessors.spec("late_filing").title == "Late lodgement"


def test_its_finding_is_in_the_answer(system: StoredSystem) -> None:
    found = {f["assessor"]: f for f in submit(system)["findings"]}
    assert found["late_filing"]["explanation"] == (
        "Filed 10.0 h before arrival; advance information is due 24 h before arrival."
    )


def test_it_reads_its_setting_from_the_settings(plugin: Path, database_url: str) -> None:
    system = build(Settings(database_url=database_url, options={"SAFELANE_LATE_FILING_HOURS": "6"}))
    try:
        assert "late_filing" not in {f["assessor"] for f in submit(system)["findings"]}
    finally:
        system.db.dispose()


def test_the_consignment_page_shows_it_with_its_own_partial(system: StoredSystem) -> None:
    consignment_id = submit(system)["consignment_id"]
    add_users(system, {"sam": ("supervisor", None, None)})
    with TestClient(create_app(system), follow_redirects=False) as client:
        assert sign_in(client, {"name": "sam", "password": PASSWORD}).status_code == 303
        page = html.unescape(client.get(f"/consignments/{consignment_id}").text)
    section = page.split('id="findings-h"')[1].split("</section>")[0]
    assert "<h3>Late lodgement</h3>" in section
    assert (
        '<p class="late-filing">Filed 2026-11-20T08:00:00+00:00; 10.0 h before the goods moved\n'
        "  (due 24.0 h before).</p>"
    ) in section

"""Agency officers and profiles in the workbench, on the real store (SQLite, and PostgreSQL when configured): plant
health lists, views, backtests and drafts only its own agency's profiles; customs' and veterinary's stay out of every
page it reaches. Templates render with StrictUndefined (the bench's setting)."""

import html
import re
from datetime import UTC, datetime
from importlib.resources import files

from safelane.store import profiles as profile_store
from tests.conftest import Clock
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench
from tests.web.test_agency_workbench import T0, _agency_users

AGENCIES = files("safelane").joinpath("demo", "profiles", "agencies")
PLANT = "PH-XYLELLA-HOSTS"
OTHERS = {"VET-ASF-PORK", "CITES-NO-PERMIT", "CUSTOMS-WILDLIFE-TRAFFICKING"}


def _load_agency_pack(bench: Bench) -> dict[str, str]:
    """The demo's agency rules pack, stored and active; returns id -> title."""
    titles = {}
    with bench.db.write() as conn:
        for path in AGENCIES.iterdir():
            if path.name.endswith(".yaml"):
                profile, _ = profile_store.save(
                    conn, path.read_text(), actor="test", at=datetime(2026, 11, 1, tzinfo=UTC), activate=True
                )
                titles[profile.id] = profile.title
    return titles


def _others(bench: Bench, titles: dict[str, str]) -> dict[str, str]:
    """Every stored profile that is not plant health's: id -> title (customs' demo profiles included)."""
    with bench.db.read() as conn:
        rows = profile_store.listing(conn)
        own = {p for p, _ in profile_store.versions_of_agency(conn, "plant_health")}
    return {r["profile_id"]: r["title"] for r in rows if r["profile_id"] not in own}


def _text(body: str) -> str:
    return html.unescape(body)


def test_plant_health_walks_the_profile_pages_and_sees_only_its_own(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    _agency_users(bench)
    titles = _load_agency_pack(bench)
    others = _others(bench, titles)
    assert set(others) >= OTHERS and len(others) > len(OTHERS)  # customs' demo profiles too
    plants = sea_consignment(
        goods__0__hs_code="060210", goods__0__description="Olive plants", goods__0__origin_country="US"
    )
    bench.file("acme", filing(plants, document_number="PH-1"))
    pia = bench.client("pia")
    pages = {}
    for path in ("/profiles", f"/profiles/{PLANT}", f"/profiles/{PLANT}/backtest", f"/profiles/{PLANT}/edit"):
        response = pia.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        pages[path] = _text(response.text)
    assert f'href="/profiles/{PLANT}"' in pages["/profiles"]
    nav = pages["/profiles"].split('aria-label="Workbench"')[1].split("</nav>")[0]
    assert 'href="/profiles"' in nav and 'href="/seizures"' not in nav
    for path, shown in pages.items():
        for profile_id, title in others.items():
            assert profile_id not in shown and title not in shown, (path, profile_id)
    for profile_id in others:  # another owner's profile is absent for plant health, whatever the page
        for path in (f"/profiles/{profile_id}", f"/profiles/{profile_id}/backtest", f"/profiles/{profile_id}/edit"):
            assert pia.get(path).status_code == 404, path
    backtest = " ".join(re.sub(r"<[^>]+>", "", pages[f"/profiles/{PLANT}/backtest"]).split())
    assert "1 hit in 1 consignments" in backtest
    assert "Each hit is a requirement of this agency on the consignment: plant_health documents (N851)" in backtest
    olga = _text(bench.client("olga").get("/profiles").text)
    assert all(f'href="/profiles/{p}"' in olga for p in [PLANT, *OTHERS])  # customs sees every owner's


def test_an_agency_officer_drafts_only_its_own_agencys_profiles(bench: Bench) -> None:
    bench.system.pipeline.clock = Clock(T0)
    _agency_users(bench)
    _load_agency_pack(bench)
    pia = bench.client("pia")
    csrf = bench.csrf(pia)
    starter = _text(pia.get("/profiles/new").text)
    assert "agency: plant_health" in starter and "requirement: hold" in starter
    source = re.search(r"<textarea[^>]*>(.*?)</textarea>", starter, re.S)
    assert source is not None
    own = source.group(1).replace("NEW-PROFILE-ID", "PH-NEW-RULE")
    saved = pia.post("/profiles/new", data={"csrf": csrf, "source": own}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    assert pia.get("/profiles/PH-NEW-RULE").status_code == 200
    vets = own.replace("PH-NEW-RULE", "PH-VET-RULE").replace("agency: plant_health", "agency: veterinary")
    refused = pia.post("/profiles/new", data={"csrf": csrf, "source": vets})
    assert refused.status_code == 422 and "writes only its own agency's profiles" in _text(refused.text)
    # customs' profile id with plant health's agency would take over customs' rule: refused
    hijack = own.replace("PH-NEW-RULE", "CUSTOMS-WILDLIFE-TRAFFICKING").replace("version: 1", "version: 2")
    taken = pia.post("/profiles/CUSTOMS-WILDLIFE-TRAFFICKING/edit", data={"csrf": csrf, "source": hijack})
    assert taken.status_code == 422 and "a profile of another owner" in _text(taken.text)
    with bench.db.read() as conn:
        stored = {r["profile_id"] for r in profile_store.listing(conn)}
        customs = [
            r["version"] for r in profile_store.listing(conn) if r["profile_id"] == "CUSTOMS-WILDLIFE-TRAFFICKING"
        ]
    assert "PH-VET-RULE" not in stored and customs == [1]
    activate = pia.post("/profiles/PH-NEW-RULE/activate", data={"csrf": csrf, "version": "1"})
    assert activate.status_code == 403  # a supervisor puts a version in force

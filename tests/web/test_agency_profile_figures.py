"""An agency's profiles show its agency's figures (hits, holds, its own results by its result codes, the share that
found something), not customs' selections and inspections, which read zero for an agency's profile (issue 14,
point 7): on the list and the profile's page, to its own officers and to customs with the owner agency named;
another agency never sees them. Real store (SQLite, and PostgreSQL when configured), StrictUndefined templates."""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

from safelane.store import inspections as inspection_store
from safelane.store import profiles as profile_store
from tests.factories import filing, sea_consignment
from tests.risk.test_profiles import profile
from tests.web.conftest import Bench
from tests.web.test_agency_workbench import _agency_users

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
RULE = profile("hs_prefix: ['0803']", "requirement: hold", id="PH-BANANA-PESTS", agency="plant_health")
# three bananas consignments the profile holds (the assessment writes the requirements), two with a result
RESULTS = ["compliant", "pest_refused", None]


def _held_with_results(bench: Bench) -> None:
    """Plant health's profile, active, and three bananas consignments it holds; two with plant health's result."""
    _agency_users(bench)
    with bench.db.write() as conn:
        profile_store.save(conn, RULE, actor="test", at=AT, origin="test.yaml", activate=True)
    bench.system.profiles.refresh()
    for n, result in enumerate(RESULTS):
        [item] = bench.file("acme", filing(sea_consignment(), document_number=f"FIG-{n}"))["consignments"]
        cid = str(item["consignment_id"])
        with bench.db.write() as conn:
            if result:
                start = AT + timedelta(days=1, hours=n)
                done = inspection_store.add(
                    conn, cid, "NLRTM", "shed", start, start + timedelta(hours=1), ["plant_health"], at=AT, actor="t"
                )
                assert inspection_store.record_result(conn, done, "plant_health", result, None, at=AT, actor="pia")


def _cells(page: str, profile_id: str) -> list[str]:
    row = html.unescape(page).split(f"{profile_id}</a>")[1].split("</tr>")[0]
    return [c.split(">", 1)[1].strip().removesuffix("</td>") for c in row.split("<td")[1:]]


def _facts(page: str, section: str) -> dict[str, str]:
    """The term -> description pairs of a page section's fact list, tags dropped."""
    part = html.unescape(page).split(f'aria-labelledby="{section}"')[1].split("</section>")[0]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", part, re.S)
    return {term: " ".join(re.sub(r"<[^>]+>", "", value).split()) for term, value in pairs}


def test_agency_profiles_list_shows_the_agencys_own_figures(bench: Bench) -> None:
    _held_with_results(bench)
    text = bench.client("pia").get("/profiles").text
    assert _cells(text, "PH-BANANA-PESTS")[-4:] == ["3", "3", "compliant 1, pest_refused 1", "50%"]
    assert "Selections" not in text and "Your results" in text
    exported = bench.client("pia").get("/profiles?format=csv").text
    assert exported.splitlines()[0].endswith("hits,holds,results,hit_rate")


def test_customs_sees_every_agencys_profiles_with_the_owner_agency_and_its_figures(bench: Bench) -> None:
    _held_with_results(bench)
    listed = bench.client("sam").get("/profiles").text
    customs, agencies = listed.split("Other agencies' profiles")
    assert "Selections" in customs and "AIR-TONER-YE</a>" in customs  # customs keeps its measures for its own
    assert "PH-BANANA-PESTS" not in customs
    cells = _cells(agencies, "PH-BANANA-PESTS")
    assert cells[1] == "plant health" and cells[-4:] == ["3", "3", "compliant 1, pest_refused 1", "50%"], cells
    exported = csv.DictReader(io.StringIO(bench.client("sam").get("/profiles?format=csv").text.lstrip("\ufeff")))
    row = next(r for r in exported if r["profile_id"] == "PH-BANANA-PESTS")
    assert (row["agency"], row["hits"], row["holds"], row["selections"]) == ("plant_health", "3", "3", "")


def test_the_profile_page_shows_the_agencys_figures_to_its_officers_and_customs_only(bench: Bench) -> None:
    _held_with_results(bench)
    for user in ("pia", "sam"):
        shown = bench.client(user).get("/profiles/PH-BANANA-PESTS")
        assert shown.status_code == 200, shown.text
        assert _facts(shown.text, "about")["Agency"].startswith("plant health")
        figures = _facts(shown.text, "effect")
        assert figures == {
            "Hits": "3",
            "Holds": "3",
            "Results": "Compliant, no pest found (compliant) 1, Quarantine pest found, entry refused (pest_refused) 1",
            "Hit rate": "50%",
        }, (user, figures)
    assert bench.client("vera").get("/profiles/PH-BANANA-PESTS").status_code == 404  # another agency's rule
    customs = _facts(bench.client("sam").get("/profiles/AIR-TONER-YE").text, "effect")
    assert set(customs) == {"Selections", "Inspections", "Hits", "Hit rate"}

"""An agency officer's profiles list shows its agency's figures (hits, holds, its own results by its result codes,
the share that found something), not customs' selections and inspections, which read zero for an agency's
profile (issue 14, point 7). Real store, StrictUndefined templates."""

import html
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


def test_agency_profiles_list_shows_the_agencys_own_figures(bench: Bench) -> None:
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

    text = html.unescape(bench.client("pia").get("/profiles").text)
    row = text.split("PH-BANANA-PESTS</a>")[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].strip() for c in row.split("<td")[1:]]
    assert cells[-4:] == ["3</td>", "3</td>", "compliant 1, pest_refused 1</td>", "50%</td>"], cells
    assert "Selections" not in text and "Your results" in text
    csv = bench.client("pia").get("/profiles?format=csv").text
    assert csv.splitlines()[0].endswith("hits,holds,results,hit_rate")
    assert "Selections" in html.unescape(bench.client("olga").get("/profiles").text)  # customs keeps its measures

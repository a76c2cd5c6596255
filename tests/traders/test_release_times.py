"""Release times per programme and type against consignments of no trusted trader of the same mode, from the
stored stamps (decision, release, reported arrival): through the pipeline, the store, the API, the page
(StrictUndefined) and the CSV; both engines."""

import math
from datetime import UTC, datetime, timedelta

from safelane.domain import Filing
from safelane.domain.assessment import CUSTOMS
from safelane.store import releases as release_store
from safelane.store import trs_stamps
from safelane.traders.compliance import PEERS
from safelane.traders.importing import read
from safelane.traders.release import release_times
from tests.factories import air_consignment, filing, sea_consignment
from tests.traders.conftest import registered
from tests.web.conftest import Bench, bench  # noqa: F401  (the workbench fixture)

FILED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DECLARED_ARRIVAL = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # the air factory's arrival_at
PLAIN = {"name": "Somebody Else BV", "address": {"city": "Delft", "country": "NL"}}
RELEASED_AFTER = {"aeo": 30, "peer": 40, "sea": 100}  # hours from filing, for those not released at decision


def _rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def test_rows_per_group_and_mode_beside_the_peers_of_that_mode():
    def row(group, mode, hours):
        return {"group": group, "mode": mode, "released_at": FILED, "arrival_to_release": None,
                "lodgement_to_release": hours * 3600}  # fmt: skip

    stamped = [row(None, "air", 10), row(None, "air", 20), row(None, "sea", 90), row("EU-AEO AEOS", "air", 2)]
    stamped.append({**row(None, "air", 0), "released_at": None, "lodgement_to_release": None})  # not released
    found = {(r["group"], r["mode"]): r for r in release_times(stamped)}
    assert list(found) == [(PEERS, "air"), (PEERS, "sea"), ("EU-AEO AEOS", "air")]
    aeos = found[("EU-AEO AEOS", "air")]
    assert (aeos["consignments"], aeos["released"], aeos["lodgement_to_release_p50_hours"]) == (1, 1, 2.0)
    assert (aeos["peer_consignments"], aeos["peer_released"]) == (3, 2)
    assert (aeos["peer_lodgement_to_release_p50_hours"], aeos["peer_lodgement_to_release_p90_hours"]) == (10.0, 20.0)
    assert aeos["arrival_to_release_p50_hours"] is None


def test_release_times_from_the_stored_stamps(bench: Bench, register_text: str) -> None:  # noqa: F811
    system = bench.system
    system.pipeline.clock = lambda: FILED
    system.pipeline.sample_key = b"fixed key for this test"
    registered(system, read(register_text), at=FILED, random_rate=1.0)
    held: dict[str, list[str]] = {"aeo": [], "peer": [], "sea": []}
    aeo_green = 0
    for i in range(20):
        for who, consignment in (
            ("aeo", air_consignment()),  # Northwind, AEOS by EORI: a fifth of the random rate
            ("peer", air_consignment(consignee=PLAIN)),
            ("sea", sea_consignment(consignee=PLAIN)),
        ):
            body = filing(
                {**consignment, "house_document": f"H{i}"},
                document_number=f"{who}-{i}",
                filer="ACME",
                kind="pre_arrival",
            )
            result = system.pipeline.submit([Filing.model_validate(body)], actor="test")[0].consignments[0]
            if str(result.outcome) in release_store.RELEASED_CHANNELS:
                assert who == "aeo", result.basis  # everyone else is sampled at 100 % (or a profile's floor)
                aeo_green += 1  # released at its decision, at filing time
            else:
                held[who].append(result.consignment_id)
    assert held["aeo"] and aeo_green
    with bench.db.write() as conn:
        for who, ids in held.items():
            for consignment_id in ids:
                at = FILED + timedelta(hours=RELEASED_AFTER[who])
                release_store.record(conn, consignment_id, CUSTOMS, at, "olga")
        arrived = FILED + timedelta(hours=20)  # one peer's actual arrival, reported: measured from it
        trs_stamps.record(conn, held["peer"][0], "arrival", arrived, actor="olga", recorded_at=arrived)

    answer = bench.anonymous().get("/v1/traders/compliance", headers={"Authorization": f"Bearer {bench.keys['olga']}"})
    assert answer.status_code == 200, answer.text
    found = {(r["group"], r["mode"]): r for r in answer.json()["release_times"]}
    aeos = found[("EU-AEO AEOS", "air")]
    lodged = [0.0] * aeo_green + [30.0] * len(held["aeo"])
    assert (aeos["consignments"], aeos["released"]) == (20, 20)
    assert aeos["lodgement_to_release_p50_hours"] == _rank(lodged, 50)
    assert aeos["lodgement_to_release_p90_hours"] == _rank(lodged, 90)
    assert aeos["arrival_to_release_p90_hours"] == _rank([0.0] * aeo_green + [15.0] * len(held["aeo"]), 90)
    # the air peers only (the sea ones take 100 h), one measured from its reported arrival
    assert (aeos["peer_consignments"], aeos["peer_lodgement_to_release_p50_hours"]) == (20, 40.0)
    peer_arrival = [20.0] + [25.0] * 19
    assert aeos["peer_arrival_to_release_p50_hours"] == _rank(peer_arrival, 50)
    assert found[(PEERS, "air")]["arrival_to_release_p50_hours"] == 25.0
    assert found[(PEERS, "sea")]["lodgement_to_release_p50_hours"] == 100.0
    assert ("EU-AEO AEOS", "sea") not in found

    sam = bench.client("sam")
    page = sam.get("/traders/compliance")
    assert page.status_code == 200, page.text
    assert "Release times" in page.text
    csv = sam.get("/traders/compliance", params={"format": "csv", "table": "release_times"}).text.lstrip("\ufeff")
    header, *lines = csv.splitlines()
    assert header.startswith("kind,group,mode,consignments,released,arrival_to_release_p50_hours")
    assert any(line.startswith("programme,EU-AEO AEOS,air,20,20,") for line in lines)

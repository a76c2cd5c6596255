"""Is the trust deserved: random-sample irregularity rates of trusted traders against non-AEOs of the same goods and
routes, Wilson intervals, the flag for review and the supervisor's decision; on both engines, through the pipeline,
the outcome recorder and the page (StrictUndefined)."""

from datetime import UTC, datetime

from safelane.cases import outcomes
from safelane.domain import Filing
from safelane.scope import Scope
from safelane.store import traders as trader_store
from safelane.traders.compliance import PEERS, Inspected, cells_of, measure
from safelane.traders.importing import read
from tests.factories import air_consignment, filing
from tests.traders.conftest import registered
from tests.web.conftest import Bench, bench  # noqa: F401  (the workbench fixture)

AEO = {"assessor": "traders", "evidence": {"applied": True, "programme": "EU-AEO", "type": "AEOS"}}


def _aeo(operator: str) -> list[dict]:
    return [{**AEO, "evidence": {**AEO["evidence"], "operator_id": operator, "operator": operator}}]


GARMENTS, TOYS = frozenset({"61 CN"}), frozenset({"95 CN"})


def _seen(findings: list[dict], result: str, cells: frozenset[str], times: int) -> list[Inspected]:
    return [Inspected(findings, result, cells)] * times


def test_an_operator_irregular_well_above_its_peers_is_flagged():
    peers = _seen([], "no_irregularity", TOYS, 97) + _seen([], "irregularity", TOYS, 3)
    careless = _seen(_aeo("careless"), "irregularity", TOYS, 4) + _seen(_aeo("careless"), "no_irregularity", TOYS, 4)
    careful = _seen(_aeo("careful"), "no_irregularity", TOYS, 10)
    few = _seen(_aeo("few"), "seizure", TOYS, 2)
    found = {m.group: m for m in measure(peers + careless + careful + few)}
    assert found[PEERS].rate == 0.03
    assert found["EU-AEO AEOS"].inspections == 20
    assert found["careless"].flagged is True
    assert (found["careless"].peer_inspections, found["careless"].peer_irregular) == (100, 3)
    assert found["careful"].flagged is False
    assert found["few"].flagged is False  # too few inspections to judge


def test_an_operator_is_judged_against_peers_of_its_own_goods_and_routes():
    """Garments from China are often irregular for everyone: an AEO importing them at the same rate is not
    flagged, though it is far above the office's overall rate, and an AEO of no peer's goods is not judged."""
    garment_peers = _seen([], "irregularity", GARMENTS, 12) + _seen([], "no_irregularity", GARMENTS, 18)
    toy_peers = _seen([], "no_irregularity", TOYS, 300)
    garments = _aeo("garments")
    importer = _seen(garments, "irregularity", GARMENTS, 4) + _seen(garments, "no_irregularity", GARMENTS, 6)
    alone = _seen(_aeo("alone"), "irregularity", frozenset({"09 BR"}), 8)
    found = {m.group: m for m in measure(garment_peers + toy_peers + importer + alone)}
    assert found[PEERS].rate == 12 / 330  # overall: 3.6 %, and the importer's 40 % lies far above it
    assert found["garments"].as_dict()["low"] > found[PEERS].rate
    assert (found["garments"].peer_inspections, found["garments"].peer_irregular) == (30, 12)
    assert found["garments"].flagged is False
    assert found["alone"].as_dict()["peers"] == "all (none of the same goods and routes)"
    assert found["alone"].peer_inspections == 330
    assert found["alone"].flagged is True  # 8 of 8 irregular: credibly above everyone
    assert found["garments"].as_dict()["goods_routes"] == "61 CN"


def test_goods_and_routes_of_a_stored_consignment():
    data = {
        "consignor": {"address": {"country": "VN"}},
        "goods": [{"hs_code": "610910", "origin_country": "CN"}, {"hs_code": "950300"}, {}],
    }
    assert cells_of(data) == {"61 CN", "95 VN", "? VN"}
    assert cells_of({}) == {"? ?"}


def _sampled(bench: Bench, register_text: str, filings: int = 30, first: int = 0) -> dict[str, list[str]]:  # noqa: F811
    """Northwind's (AEOS) and a stranger's consignments of the same goods through the pipeline at a 100 % random
    rate; each sampled AEO inspection irregular, each stranger's regular. The ids sampled, by who."""
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    system = bench.system
    system.pipeline.clock = lambda: at
    system.pipeline.sample_key = b"fixed key for this test"
    registered(system, read(register_text), at=at, random_rate=1.0)
    plain = {"name": "Somebody Else BV", "address": {"city": "Delft", "country": "NL"}}
    sampled: dict[str, list[str]] = {"aeo": [], "peer": []}
    for i in range(first, first + filings):
        for who, consignment in (("aeo", air_consignment()), ("peer", air_consignment(consignee=plain))):
            body = filing(
                {**consignment, "house_document": f"H{i}"},
                document_number=f"{who}-{i}",
                filer="ACME",
                kind="pre_arrival",
            )
            result = system.pipeline.submit([Filing.model_validate(body)], actor="test")[0].consignments[0]
            if "random compliance sample" in result.basis:
                sampled[who].append(result.consignment_id)
    for who, ids in sampled.items():
        for consignment_id in ids:
            result = "irregularity" if who == "aeo" else "no_irregularity"
            outcomes.record(
                bench.db,
                consignment_id,
                outcomes.Outcome("physical", result),
                scope=Scope.of("olga", "supervisor"),
                at=at,
            )
    return sampled


def test_the_compliance_page_counts_the_random_sample_only(bench: Bench, register_text: str) -> None:  # noqa: F811
    sampled = _sampled(bench, register_text)
    assert len(sampled["peer"]) == 30  # everyone else: the office's 100 %
    assert 0 < len(sampled["aeo"]) < 30  # the AEOS: a fifth of it
    with bench.db.read() as conn:
        found = {m.group: m for m in measure(trader_store.random_sample_outcomes(conn))}
    assert found[PEERS].inspections == 30
    assert found[PEERS].irregular == 0
    northwind = found["Northwind Retail GmbH"]
    assert (northwind.inspections, northwind.irregular) == (len(sampled["aeo"]), len(sampled["aeo"]))
    assert northwind.flagged is (len(sampled["aeo"]) >= 5)
    page = bench.client("sam").get("/traders/compliance")
    assert page.status_code == 200, page.text
    assert "Northwind Retail GmbH" in page.text
    assert "irregularities found in a post-clearance audit" in page.text  # Hanse, suspended since 2026-11-15
    csv = bench.client("sam").get("/traders/compliance", params={"format": "csv"})
    assert (
        csv.text.lstrip("\ufeff").splitlines()[0]
        == "kind,group,operator_id,inspections,irregular,rate,low,high,flagged,goods_routes,peers,peer_inspections,"
        "peer_irregular,peer_rate,peer_low,peer_high,review_decision,review_reason,review_by"
    )
    assert found["Northwind Retail GmbH"].peer_inspections == 30  # the same goods, from the same country


def test_a_supervisor_reviews_a_flagged_operator_keep_or_suspend_audited(bench: Bench, register_text: str) -> None:  # noqa: F811
    sampled = _sampled(bench, register_text, filings=60)
    assert len(sampled["aeo"]) >= 5
    with bench.db.read() as conn:
        northwind = next(o for o in trader_store.everyone(conn) if o.name == "Northwind Retail GmbH")
    page = bench.client("sam").get("/traders/compliance")
    assert "Record the review" in page.text  # flagged, no decision yet
    olga = bench.client("olga")
    refused = bench.post(olga, f"/traders/{northwind.operator_id}/review", decision="keep", reason="seen")
    assert refused.status_code == 403
    sam = bench.client("sam")
    path = f"/traders/{northwind.operator_id}/review"
    assert bench.post(sam, path, decision="keep", reason="").status_code == 422
    assert bench.post(sam, path, decision="ignore", reason="x").status_code == 422
    with bench.db.read() as conn:
        hanse = next(o for o in trader_store.everyone(conn) if o.name.startswith("Hanse"))
    not_flagged = bench.post(sam, f"/traders/{hanse.operator_id}/review", decision="keep", reason="x")
    assert not_flagged.status_code == 422
    assert "only an operator flagged" in not_flagged.text
    kept = bench.post(sam, path, decision="keep", reason="irregularities were clerical, corrected")
    assert kept.status_code == 303
    csv = sam.get("/traders/compliance", params={"format": "csv"}).text
    assert 'keep,"irregularities were clerical, corrected",sam' in csv
    assert "Record the review" not in sam.get("/traders/compliance").text  # decided
    suspended = bench.post(sam, path, decision="suspend", reason="irregular again")
    assert suspended.status_code == 303
    with bench.db.read() as conn:
        found = trader_store.operator(conn, northwind.operator_id)
        reviews = trader_store.reviews(conn)
    assert found is not None
    [authorisation] = found.authorisations
    assert authorisation.history[-1].status == "suspended"
    assert authorisation.history[-1].reason == "compliance review: irregular again"
    assert authorisation.history[-1].actor == "sam"
    assert reviews[northwind.operator_id]["decision"] == "suspend"

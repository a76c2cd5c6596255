"""Is the trust deserved: random-sample irregularity rates of trusted traders against the rest, Wilson intervals,
and the flag for review; on both engines, through the pipeline, the outcome recorder and the page (StrictUndefined)."""

from datetime import UTC, datetime

from safelane.cases import outcomes
from safelane.domain import Filing
from safelane.scope import Scope
from safelane.selection.capacity import OfficeSettings
from safelane.store import offices as office_store
from safelane.store import traders as trader_store
from safelane.traders.compliance import PEERS, measure
from safelane.traders.importing import read
from tests.factories import air_consignment, filing
from tests.web.conftest import Bench, bench  # noqa: F401  (the workbench fixture)

AEO = {"assessor": "traders", "evidence": {"applied": True, "programme": "EU-AEO", "type": "AEOS"}}


def _aeo(operator: str) -> list[dict]:
    return [{**AEO, "evidence": {**AEO["evidence"], "operator_id": operator, "operator": operator}}]


def test_an_operator_irregular_well_above_its_peers_is_flagged():
    peers = [([], "no_irregularity")] * 97 + [([], "irregularity")] * 3
    careless = [(_aeo("careless"), "irregularity")] * 4 + [(_aeo("careless"), "no_irregularity")] * 4
    careful = [(_aeo("careful"), "no_irregularity")] * 10
    few = [(_aeo("few"), "seizure")] * 2
    found = {m.group: m for m in measure(peers + careless + careful + few)}
    assert found[PEERS].rate == 0.03
    assert found["EU-AEO AEOS"].inspections == 20
    assert found["careless"].flagged is True
    assert found["careful"].flagged is False
    assert found["few"].flagged is False  # too few inspections to judge


def test_the_compliance_page_counts_the_random_sample_only(bench: Bench, register_text: str) -> None:  # noqa: F811
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    system = bench.system
    system.pipeline.clock = lambda: at
    system.pipeline.sample_key = b"fixed key for this test"
    with bench.db.write() as conn:
        trader_store.import_rows(conn, read(register_text), actor="test", at=at, source="register.csv")
        office_store.set(conn, OfficeSettings("*", {}, random_rate=1.0), at=at, actor="test")
    system.pipeline.offices_changed()
    plain = {"name": "Somebody Else BV", "address": {"city": "Delft", "country": "NL"}}
    sampled: dict[str, list[str]] = {"aeo": [], "peer": []}
    for i in range(30):
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
    assert len(sampled["peer"]) == 30  # everyone else: the office's 100 %
    assert 0 < len(sampled["aeo"]) < 30  # the AEOS: a fifth of it
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
    csv = bench.client("sam").get("/traders/compliance", params={"format": "csv"})
    assert (
        csv.text.lstrip("\ufeff").splitlines()[0]
        == "kind,group,operator_id,inspections,irregular,rate,low,high,flagged"
    )

"""The officers' queue during a disruption: tier first, then risk; back to risk alone once it ends."""

from collections.abc import Sequence
from datetime import UTC, datetime

import orjson

from safelane.cases import queue
from safelane.domain import Finding, Lodgement
from safelane.resilience.disruption import Declaration
from safelane.risk.registry import AssessorSpec
from safelane.scope import Scope
from safelane.settings import Settings
from safelane.store import disruptions as disruption_store
from safelane.system import build
from tests.factories import filing, sea_consignment

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SCORES = {"Vaccines": 50.0, "Televisions": 90.0}  # yellow (documentary) and red, with unlimited capacity


class DescribedRisk:
    """Scores a consignment by its first goods description: a test's own check, registered like any other."""

    name = "described"

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        return [
            [Finding(self.name, "D", SCORES[lo.consignment.goods[0].description or ""], "described")]
            for lo in lodgements
        ]

    def versions(self) -> dict[str, str]:
        return {self.name: "1"}


def test_queue_orders_by_tier_then_risk_while_the_disruption_lasts(database_url):
    system = build(
        Settings(database_url=database_url),
        assessors=[AssessorSpec("described", "Described", lambda c: DescribedRisk())],
    )
    system.pipeline.clock = lambda: AT
    with system.db.write() as conn:
        disruption = disruption_store.declare(
            conn,
            Declaration.from_dict({"kind": "port_closure", "scope": {"offices": ["NLRTM"]}}, now=AT),
            at=AT,
            actor="t",
        )
    system.pipeline.disruptions_changed()
    for number, (hs, description) in enumerate([("852872", "Televisions"), ("300215", "Vaccines")]):
        data = filing(
            sea_consignment(goods__0__hs_code=hs, goods__0__description=description),
            kind="pre_arrival",
            document_number=f"DOC-{number}",
        )
        system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
    scope = Scope.of("olga", "officer")

    def order() -> list[tuple[int, float]]:
        with system.db.read() as conn:
            page = queue.open_cases(conn, queue.Filters(), scope, now=AT)
        return [(r["tier"], r["score"]) for r in page.rows]

    assert order() == [(1, 50.0), (3, 90.0)]  # essential goods first though less risky
    with system.db.write() as conn:
        disruption_store.end(conn, disruption.disruption_id, at=AT, actor="t")
    assert order() == [(3, 90.0), (3, 50.0)]  # ended: risk alone
    system.db.dispose()

"""The `queue_priority` benefit in the officers' queue (SQLite and PostgreSQL): a trusted trader's case before
riskier ones of untrusted traders, never before a DNL or a screening hit, and none for a suspended operator."""

import sqlalchemy as sa

from safelane.cases import queue
from safelane.cases.queue import Filters
from safelane.scope import Scope
from safelane.store.schema import decision_priorities
from tests.cases.test_queue import DNL, submit
from tests.factories import air_consignment, sea_consignment
from tests.traders.test_facilitation import _with_eori

HANSE = {"declarant": {"name": "Hanse", "identifiers": [{"scheme": "EORI", "value": "DE998877665544332"}]}}


def _queue(system, clock) -> list[str]:
    with system.db.read() as conn:
        page = queue.open_cases(conn, Filters(), Scope.of("olga", "officer"), now=clock.now)
    return [r["consignment_id"] for r in page.rows]


def _trusted(system) -> dict[str, int]:
    with system.db.read() as conn:
        rows = conn.execute(sa.select(decision_priorities.c.decision_id, decision_priorities.c.trusted))
        return {r.decision_id: r.trusted for r in rows}


def test_a_trusted_traders_case_comes_before_riskier_untrusted_ones_but_not_before_a_dnl(traders, clock):
    untrusted = submit(traders, "S-RED", sea_consignment(), "2026-11-20T06:00:00Z")
    trusted = submit(traders, "S-AEOF", _with_eori(), "2026-11-20T07:00:00Z")  # AEOF: queue priority 2
    dnl = submit(traders, "A-DNL", air_consignment(**DNL), "2026-11-20T05:00:00Z")  # an AEOS consignee, DNL
    with traders.db.read() as conn:
        score = dict(conn.execute(sa.text("SELECT consignment_id, score FROM decisions")).all())
    assert score[trusted] < score[untrusted]  # by risk alone it would come after
    assert _queue(traders, clock) == [dnl, trusted, untrusted]
    assert sorted(_trusted(traders).values()) == [2]  # the DNL's AEOS earns no queue priority


def test_without_the_benefit_the_queue_goes_by_risk(traders, clock):
    untrusted = submit(traders, "S-RED", sea_consignment(), "2026-11-20T06:00:00Z")
    name_only = {"consignee": {"name": "Fresh Fruit Import B.V.", "address": {"city": "Rotterdam", "country": "NL"}}}
    weak = submit(traders, "S-NAME", sea_consignment(**name_only), "2026-11-20T07:00:00Z")  # a name match: none
    with traders.db.read() as conn:
        score = dict(conn.execute(sa.text("SELECT consignment_id, score FROM decisions")).all())
    expected = sorted([untrusted, weak], key=lambda c: -score[c])
    assert _queue(traders, clock) == expected
    assert _trusted(traders) == {}


def test_a_suspended_operator_gets_no_priority_from_its_suspension_on(traders, clock):
    before = submit(traders, "S-14", sea_consignment(**HANSE), "2026-11-14T10:00:00Z")  # AEOC certified: 1
    after = submit(traders, "S-16", sea_consignment(**HANSE), "2026-11-16T10:00:00Z")  # suspended: none
    assert list(_trusted(traders).values()) == [1]
    assert _queue(traders, clock).index(before) < _queue(traders, clock).index(after)

"""The workbench: a consignment page is an audited read, and every page shows the audit chain's status."""

import sqlalchemy as sa

from safelane.store.schema import audit_events
from tests.factories import air_consignment, filing
from tests.web.conftest import Bench


def _newest(db) -> dict:
    with db.read() as conn:
        return dict(conn.execute(sa.select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)).mappings().one())


def _reads(db) -> list[dict]:
    with db.read() as conn:
        query = sa.select(audit_events).where(audit_events.c.action == "consignment.read")
        return [dict(r) for r in conn.execute(query).mappings()]


def test_the_workbench_audits_a_consignment_page_and_shows_the_chain(bench: Bench):
    consignment_id = bench.file("acme", filing(air_consignment(), document_number="W-1"))["consignments"][0][
        "consignment_id"
    ]
    client = bench.client("sam")
    bench.app.state.audit_watch.check()
    page = client.get(f"/consignments/{consignment_id}")
    assert page.status_code == 200
    assert "Audit trail verified" in page.text
    [read] = _reads(bench.db)
    assert (read["actor"], read["subject"], read["detail"]) == (
        "sam",
        consignment_id,
        {"via": "workbench", "version": 1},
    )
    newest = _newest(bench.db)
    with bench.db.write() as conn:
        conn.execute(audit_events.delete().where(audit_events.c.event_id == newest["event_id"]))
    bench.app.state.audit_watch.check()
    assert "Audit trail broken at event" in client.get("/queue").text

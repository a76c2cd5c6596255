"""The audit trail in the server: /healthz and the workbench show the chain's status from an incremental
check, and officers' reads of consignments are audited events in the chain (SQLite and PostgreSQL)."""

import sqlalchemy as sa
from fastapi.testclient import TestClient

from safelane.audit import watch as watch_module
from safelane.service.app import create_app
from safelane.store.audit_verify import snapshot, verify
from safelane.store.schema import audit_events
from tests.factories import air_consignment, filing
from tests.service.conftest import RFS_FALCON


def _newest(db) -> dict:
    with db.read() as conn:
        return dict(conn.execute(sa.select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)).mappings().one())


def _reads(db, action: str) -> list[dict]:
    with db.read() as conn:
        query = sa.select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.seq)
        return [dict(r) for r in conn.execute(query).mappings()]


def test_healthz_reports_the_chain_and_a_break_in_its_tail(api):
    api.accepted("acme", filing(air_consignment(), document_number="H-1"))
    first = api.client.get("/healthz").json()["audit"]
    assert first["status"] == "ok" and first["verified_to"] == first["head"] > 0
    api.accepted("acme", filing(air_consignment(), document_number="H-2"))
    newest = _newest(api.db)
    with api.db.write() as conn:
        conn.execute(audit_events.update().where(audit_events.c.event_id == newest["event_id"]).values(actor="x"))
    response = api.client.get("/healthz")
    assert response.status_code == 200  # a broken chain is not an outage: the service keeps taking filings
    body = response.json()
    assert body["audit"]["status"] == "broken"
    assert body["audit"]["problem"]["event_id"] == newest["event_id"]
    assert f"audit chain broken at sequence {newest['seq']}: edited" in body["notes"]


def test_healthz_verifies_a_bounded_number_of_rows_per_call(api, monkeypatch):
    monkeypatch.setattr(watch_module, "STEP", 5)
    api.accepted(
        "acme", filing(*[air_consignment(house_document=f"HAWB-{i}") for i in range(12)], document_number="H-3")
    )
    app = create_app(api.system)  # a server that starts now: nothing verified yet
    client = TestClient(app)
    seen = [client.get("/healthz").json()["audit"] for _ in range(30)]
    head = seen[0]["head"]
    assert [s["verified_to"] for s in seen[:3]] == [5, 10, 15]
    assert seen[0]["status"] == "verifying"
    assert seen[-1] == {**seen[-1], "status": "ok", "verified_to": head}


def test_officers_reads_are_audited_and_filers_are_not(api):
    answer = api.accepted("acme", filing(air_consignment(**RFS_FALCON), document_number="R-1"))
    filing_id, consignment_id = answer["filing_id"], answer["consignments"][0]["consignment_id"]
    officer, filer = api.as_("olga"), api.as_("acme")
    for headers in (officer, filer):
        assert api.client.get(f"/v1/consignments/{consignment_id}", headers=headers).status_code == 200
        assert api.client.get(f"/v1/filings/{filing_id}", headers=headers).status_code == 200
        assert api.client.get(f"/v1/filings/{filing_id}/answer", headers=headers).status_code == 200
    api.client.app.state.reads.flush()  # the server writes reads once a second; the test does not wait
    consignment_reads = _reads(api.db, "consignment.read")
    assert [(r["actor"], r["subject"], r["detail"]) for r in consignment_reads] == [
        ("olga", consignment_id, {"via": "api"})
    ]
    filing_reads = [(r["actor"], r["subject"], r["detail"]) for r in _reads(api.db, "filing.read")]
    assert filing_reads == [
        ("olga", filing_id, {"via": "api", "what": what, "consignments": [consignment_id]})
        for what in ("filing", "answer")
    ]
    with snapshot(api.db) as conn:
        assert verify(conn).ok


def test_reads_still_pending_are_written_when_the_server_stops(api):
    answer = api.accepted("acme", filing(air_consignment(), document_number="R-2"))
    consignment_id = answer["consignments"][0]["consignment_id"]
    with TestClient(create_app(api.system)) as client:
        client.app.state.reads.seconds = 3600.0  # nothing is written by the timer during the test
        assert client.get(f"/v1/consignments/{consignment_id}", headers=api.as_("olga")).status_code == 200
        assert _reads(api.db, "consignment.read") == []
    assert [r["subject"] for r in _reads(api.db, "consignment.read")] == [consignment_id]

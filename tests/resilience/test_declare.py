"""Declaring and ending disruptions through the store, the CLI and the API; the plan in the pipeline's answers."""

from datetime import UTC, datetime, timedelta

import orjson
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.resilience.disruption import Declaration
from safelane.store import Database
from safelane.store import disruptions as disruption_store
from safelane.store import users as user_store
from safelane.store.schema import audit_events, decision_priorities
from tests.factories import filing, sea_consignment
from tests.service.conftest import api  # noqa: F401  (the API fixture)

runner = CliRunner()
AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
ROTTERDAM = {"kind": "port_closure", "scope": {"offices": ["NLRTM"], "modes": ["sea"]}}
VACCINES = {"goods__0__hs_code": "300215", "goods__0__description": "Vaccines"}


def audited(db: Database, action: str) -> list[dict]:
    with db.read() as conn:
        query = sa.select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.at)
        return [dict(r) for r in conn.execute(query).mappings()]


def test_declare_then_end_is_audited_and_ending_is_explicit(db):
    declaration = Declaration.from_dict({**ROTTERDAM, "expected_end": "2026-11-20T07:00:00Z"}, now=AT)
    with db.write() as conn:
        disruption = disruption_store.declare(conn, declaration, at=AT, actor="sven")
    with db.read() as conn:  # the expected end has passed: it is still in force until ended
        [still] = disruption_store.not_ended(conn)
    assert still.in_force(AT + timedelta(days=3))
    [declared] = audited(db, "disruption.declared")
    assert (declared["actor"], declared["subject"]) == ("sven", disruption.disruption_id)
    assert declared["detail"]["scope"]["offices"] == ["NLRTM"]
    assert declared["detail"]["plan"]["documentary_tiers"] == [1, 2]
    with db.write() as conn:
        ended = disruption_store.end(conn, disruption.disruption_id, at=AT + timedelta(hours=5), actor="sven")
    assert ended["ended_at"] == AT + timedelta(hours=5)
    with db.read() as conn:
        assert disruption_store.not_ended(conn) == []
        assert len(disruption_store.listing(conn, include_ended=True)) == 1
    [end] = audited(db, "disruption.ended")
    assert end["subject"] == disruption.disruption_id
    with db.write() as conn:
        try:
            disruption_store.end(conn, disruption.disruption_id, at=AT, actor="sven")
        except disruption_store.NotEnded:
            pass
        else:
            raise AssertionError("a disruption ends once")
    assert len(audited(db, "disruption.ended")) == 1


def run(*args: str):
    return runner.invoke(app, list(args))


def test_cli_declare_list_end_and_refusals(database_url, tmp_path):
    db = Database(database_url)
    with db.write() as conn:
        user_store.add(conn, "sven", "supervisor", at=AT)
        user_store.add(conn, "olga", "officer", at=AT)
    db.dispose()
    url = ["--database", database_url]
    plan = tmp_path / "plan.yaml"
    plan.write_text("priority: tiered\ndocumentary_tiers: [1]\nextra_capacity: {NLRTM: {documentary: 50}}\n")
    declared = run(
        "resilience", "declare", "--kind", "port_closure", "--office", "NLRTM", "--mode", "sea",
        "--expected-end", "2099-01-01T00:00:00Z", "--plan", str(plan), "--by", "sven", *url,
    )  # fmt: skip
    assert declared.exit_code == 0, declared.output
    row = orjson.loads(declared.stdout)
    assert (row["declared_by"], row["plan"]["extra_capacity"]) == ("sven", {"NLRTM": {"documentary": 50}})
    refused = run("resilience", "declare", "--kind", "port_closure", "--by", "olga", *url)
    assert refused.exit_code == 2 and "--by" in refused.stderr
    bad = run("resilience", "declare", "--kind", "flood", "--mode", "boat", "--start", "yesterday", *url)
    assert bad.exit_code == 2
    assert {p["location"] for p in orjson.loads(bad.stderr)["problems"]} == {"kind", "--modes", "--start"}
    listed = run("resilience", "list", *url)
    assert [orjson.loads(line)["disruption_id"] for line in listed.stdout.splitlines()] == [row["disruption_id"]]
    assert run("resilience", "end", row["disruption_id"], "--by", "sven", *url).exit_code == 0
    assert run("resilience", "list", *url).stdout == ""
    assert len(run("resilience", "list", "--all", *url).stdout.splitlines()) == 1
    again = run("resilience", "end", row["disruption_id"], *url)
    assert again.exit_code == 2 and "not_found" in again.stderr


def test_api_supervisors_declare_and_end_officers_read_filers_do_not(api):  # noqa: F811
    with api.db.write() as conn:
        api.keys["sven"] = user_store.add(conn, "sven", "supervisor", at=AT, actor="test")
    client = api.client
    assert client.post("/v1/disruptions", json=ROTTERDAM, headers=api.as_("olga")).status_code == 403
    assert client.get("/v1/disruptions", headers=api.as_("acme")).status_code == 403
    bad = client.post("/v1/disruptions", json={"kind": "storm", "plan": {"priority": 1}}, headers=api.as_("sven"))
    assert bad.status_code == 422
    assert {p["location"] for p in bad.json()["problems"]} == {"kind", "plan.priority"}
    created = client.post("/v1/disruptions", json=ROTTERDAM, headers=api.as_("sven"))
    assert created.status_code == 201, created.text
    disruption_id = created.json()["disruption_id"]
    assert api.audit("disruption.declared") == 1

    essential = api.accepted("acme", filing(sea_consignment(**VACCINES), kind="pre_arrival"))
    [c] = essential["consignments"]
    assert c["continuity"] == {
        "disruption_id": disruption_id,
        "tier": 1,
        "reason": c["continuity"]["reason"],
        "expected_processing_hours": 4.0,
    }
    assert "HS 300215" in c["continuity"]["reason"]
    replay = api.submit("acme", filing(sea_consignment(**VACCINES), kind="pre_arrival"))
    assert replay.json()["filings"][0]["consignments"][0]["continuity"] == c["continuity"]  # as first given

    listed = client.get("/v1/disruptions", headers=api.as_("olga")).json()["disruptions"]
    assert [d["disruption_id"] for d in listed] == [disruption_id]
    assert client.post(f"/v1/disruptions/{disruption_id}/end", headers=api.as_("olga")).status_code == 403
    ended = client.post(f"/v1/disruptions/{disruption_id}/end", json={"note": "reopened"}, headers=api.as_("sven"))
    assert ended.status_code == 200 and ended.json()["ended_by"] == "sven"
    assert client.post(f"/v1/disruptions/{disruption_id}/end", headers=api.as_("sven")).status_code == 404
    after = api.accepted("acme", filing(sea_consignment(**VACCINES), kind="pre_arrival", document_number="AFTER-1"))
    assert "continuity" not in after["consignments"][0]
    with api.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(decision_priorities)).scalar_one() == 1

"""From the store's inspection outcomes to a registered, active model scoring inside the pipeline."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
import sqlalchemy as sa

from safelane.risk.model.dataset import from_store
from safelane.risk.model.registry import register
from safelane.risk.model.train import train
from safelane.settings import Settings
from safelane.store import models as model_store
from safelane.store.schema import consignments
from safelane.system import build
from tests.factories import filing, sea_consignment

START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def _consignment(i: int, bad: bool) -> dict:
    importer = f"Shady Imports {i % 3}" if bad else f"Honest Trading {i % 7}"
    return sea_consignment(
        master_document=f"MB{i:05d}",
        consignee={"name": importer, "country": "NL"},
        goods__0__hs_code="640299" if bad else "080390",
        goods__0__origin_country="VN" if bad else "EC",
    )


def _submit(system, i: int, bad: bool):
    system.pipeline.clock = lambda: START + timedelta(days=i)
    data = filing(_consignment(i, bad), document_number=f"DOC-{i}", filed_at=(START + timedelta(days=i)).isoformat())
    [result] = system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="test")
    return result


@pytest.fixture
def history(system):
    """60 stored consignments over 60 days, each inspected: the shady importer's are irregular."""
    for i in range(60):
        _submit(system, i, bad=i % 4 == 0)
    with system.db.write() as conn:
        rows = conn.execute(sa.select(consignments.c.row_id, consignments.c.reference)).all()
        for row_id, reference in rows:
            i = int(reference[2:])
            model_store.record_outcome(
                conn,
                row_id,
                method="physical",
                result=("seizure" if i == 0 else "irregularity") if i % 4 == 0 else "no_irregularity",
                actor="officer-1",
                at=START + timedelta(days=i, hours=5),
            )
    return system


def test_outcomes_are_recorded_and_read(history):
    with history.db.read() as conn:
        found = model_store.outcomes(conn)
        table = from_store(conn)
    assert len(found) == 60
    assert {o["result"] for o in found} == {"no_irregularity", "irregularity", "seizure"}
    assert len(table) == 60
    assert int((table.fraud == 1).sum()) == 15
    assert int((table.critical == 2).sum()) == 1
    with history.db.write() as conn, pytest.raises(model_store.RegistryError):
        model_store.record_outcome(conn, found[0]["row_id"], method="physical", result="maybe", actor="x", at=START)


def test_train_from_store_register_activate_and_score_in_the_pipeline(history, database_url, clock):
    with history.db.read() as conn:
        table = from_store(conn)
    model = train(table, seed=0, source="store")
    first = register(history.db, model, source="store", metrics={}, actor="test", at=START, activate=True)
    second = register(
        history.db,
        train(table, seed=1, source="store"),
        source="store",
        metrics={},
        actor="test",
        at=START + timedelta(hours=1),
    )
    with history.db.read() as conn:
        assert [v["status"] for v in model_store.list_versions(conn)] == ["active", "candidate"]
        assert "Model card: fraud" in model_store.find(conn, "fraud:1")["card"]

    system = build(Settings(database_url=database_url))
    system.pipeline.clock = lambda: START + timedelta(days=70)
    shady = filing(_consignment(101, bad=True), document_number="NEW-1")
    honest = filing(_consignment(102, bad=False), document_number="NEW-2")
    results = [system.pipeline.submit_message(orjson.dumps(f), filer="ACME", actor="test")[0] for f in (shady, honest)]
    findings = [next(f for f in r.consignments[0].findings if f["assessor"] == "model") for r in results]
    assert findings[0]["evidence"]["model_version"] == first["version_id"]
    assert findings[0]["evidence"]["probability"] > findings[1]["evidence"]["probability"]
    assert "learned model fraud:1" in findings[0]["explanation"]
    with system.db.read() as conn:
        stored = model_store.outcomes(conn)
        versions = conn.execute(sa.text("select versions from assessments")).all()
    assert len(stored) == 60
    assert sum("fraud:1" in str(v[0]) for v in versions) == 2  # which version scored each consignment

    with history.db.write() as conn:
        model_store.activate(conn, second["version_id"], actor="test", at=START + timedelta(days=1))
        assert model_store.active(conn)["number"] == 2
        back = model_store.rollback(conn, actor="test", at=START + timedelta(days=2))
        assert back["version_id"] == first["version_id"]
        assert model_store.active(conn)["number"] == 1
        with pytest.raises(model_store.RegistryError):
            model_store.rollback(conn, actor="test", at=START + timedelta(days=3))
    system.db.dispose()


def test_without_an_active_model_nothing_changes_and_activation_needs_no_restart(history):
    first = _submit(history, 61, bad=True)
    assert not [f for f in first.consignments[0].findings if f["assessor"] == "model"]
    with history.db.read() as conn:
        table = from_store(conn)
    register(
        history.db,
        train(table, seed=0, source="store"),
        source="store",
        metrics={},
        actor="test",
        at=START,
        activate=True,
    )
    [model_assessor] = [a for a in history.pipeline.engine.assessors if a.name == "model"]
    model_source = model_assessor._source
    model_source.refresh()  # a running server notices within a second; the test does not wait
    later = _submit(history, 62, bad=True)
    assert [f["code"] for f in later.consignments[0].findings if f["assessor"] == "model"] == ["model:fraud:1"]


def test_the_api_answers_with_the_models_finding_and_reasons(history, database_url):
    from fastapi.testclient import TestClient

    from safelane.service.app import create_app
    from safelane.store import users as user_store

    with history.db.read() as conn:
        table = from_store(conn)
    register(history.db, train(table, seed=0), source="store", metrics={}, actor="test", at=START, activate=True)
    system = build(Settings(database_url=database_url))
    with system.db.write() as conn:
        key = user_store.add(conn, "acme", "filer", at=START, filer="ACME", actor="test")
    with TestClient(create_app(system)) as client:
        response = client.post(
            "/v1/filings",
            headers={"Authorization": f"Bearer {key}"},
            content=orjson.dumps(filing(_consignment(201, bad=True), document_number="API-1")),
        )
    assert response.status_code == 201, response.text
    findings = response.json()["filings"][0]["consignments"][0]["findings"]
    model = next(f for f in findings if f["assessor"] == "model")
    assert model["explanation"].startswith("learned model fraud:1")
    assert "past inspection" in model["explanation"]
    assert model["evidence"]["reasons"]
    assert 0 < model["evidence"]["probability"] < 1
    system.db.dispose()


def test_the_workbench_shows_the_models_contributions(history, database_url):
    from fastapi.testclient import TestClient

    from safelane.service.app import create_app
    from tests.web.conftest import PASSWORD, add_users, sign_in

    with history.db.read() as conn:
        table = from_store(conn)
    register(history.db, train(table, seed=0), source="store", metrics={}, actor="test", at=START, activate=True)
    system = build(Settings(database_url=database_url))
    add_users(system, {"olga": ("officer", None, None)})
    result = system.pipeline.submit_message(
        orjson.dumps(filing(_consignment(301, bad=True), document_number="W-1")), filer="ACME", actor="test"
    )[0]
    with TestClient(create_app(system)) as client:
        sign_in(client, {"name": "olga", "password": PASSWORD})
        page = client.get(f"/consignments/{result.consignments[0].consignment_id}").text
    system.db.dispose()
    assert "What moved the model's estimate (fraud:1, probability 0.9" in page
    contributions = page[
        page.index('class="consignment-contributions"') : page.index(
            "</table>", page.index("consignment-contributions")
        )
    ]
    assert contributions.count("<tr><td>") >= 2  # one row per feature group that moved the estimate

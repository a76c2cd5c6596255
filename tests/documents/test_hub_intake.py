"""Hub intake end to end on the real store (SQLite and PostgreSQL) and a real local Hub over HTTP: certificates
pulled are stored, re-assess their consignments, and are acknowledged only once stored; a redelivery changes
nothing; an unreadable envelope is acknowledged as failed and leaves an audit event only."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.documents.hub_intake import pull
from safelane.ephyto.hub import envelope
from safelane.ephyto.hub_client import HubClient, message
from safelane.ephyto.hub_double import HubDouble
from safelane.ephyto.reader import read
from safelane.store.schema import audit_events, certificates, decisions
from tests.documents.test_reassessment import answer_now, count, file_plants
from tests.ephyto.test_reader import fixture

NUMBER = "AR-PC-2026-0001"


def good(delivery: str, name: str = "matching.xml", number: str = NUMBER) -> bytes:
    return envelope(fixture(name), sender="AR", receiver="NL", number=number, delivery=delivery)


def unreadable(delivery: str) -> bytes:
    return envelope(b"<SPSCertificate/>", sender="AR", receiver="NL", number="X", delivery=delivery)


@pytest.fixture
def hub() -> Iterator[HubDouble]:
    with HubDouble() as double:
        yield double


def test_pulled_certificates_are_stored_re_assess_and_are_acknowledged(system, clock, hub):
    result, item = file_plants(system, clock)
    assert item.requirements[0]["action"] == "documents"
    hub.deliver("HUB-1", good("HUB-1"))
    hub.deliver("HUB-2", unreadable("HUB-2"))
    clock.now += timedelta(hours=2)

    done = pull(HubClient(hub.url, timeout=5), system.pipeline)
    counts = {"pulled": 2, "stored": 1, "replayed": 0, "refused": 1, "warned": 1, "reassessed": 1, "retry": 0}
    assert done.as_dict() == counts
    assert hub.queue.pending() == []
    assert list(hub.failures) == ["HUB-2"] and "SPSExchangedDocument" in hub.failures["HUB-2"]
    # kept with its schema warnings: the exporting NPPO is told them, each located
    assert "AcknowledgeEnvelopeReceipt" not in hub.calls
    warnings = read(good("HUB-1")).warnings
    assert list(hub.warnings) == ["HUB-1"] and hub.warnings["HUB-1"] == message(warnings) and len(warnings) == 2

    shown = answer_now(system, result)  # the filer's answer: the certificate released plant health's requirement
    assert shown.decision_id != item.decision_id
    assert shown.basis.startswith(f"certificate {NUMBER} received")
    assert [(r["agency"], r["action"]) for r in shown.requirements] == [("plant_health", "release")]
    assert count(system, certificates) == 1
    assert count(system, audit_events, audit_events.c.action == "certificate.received") == 1
    assert count(system, audit_events, audit_events.c.action == "certificate.refused") == 1


def test_a_redelivery_stores_nothing_and_re_assesses_nothing(system, clock, hub):
    file_plants(system, clock)
    client = HubClient(hub.url, timeout=5)
    hub.deliver("HUB-1", good("HUB-1"))
    assert pull(client, system.pipeline).reassessed == 1
    decided = count(system, decisions)

    hub.deliver("HUB-1", good("HUB-1"))  # the Hub hands the same envelope out again
    done = pull(client, system.pipeline)
    assert (done.stored, done.replayed, done.reassessed) == (0, 1, 0)
    assert hub.queue.pending() == []
    assert count(system, decisions) == decided
    assert count(system, audit_events, audit_events.c.action == "certificate.received") == 1


def test_a_certificate_is_acknowledged_only_once_its_re_assessment_is_done(system, clock, hub, monkeypatch):
    result, _ = file_plants(system, clock)
    hub.deliver("HUB-1", good("HUB-1"))
    client = HubClient(hub.url, timeout=5)
    reassess = system.pipeline.reassess

    def failing(*args, **kwargs):  # the store is stored to; the re-assessment after it fails (injected)
        raise RuntimeError("re-assessment failed")

    monkeypatch.setattr(system.pipeline, "reassess", failing)
    done = pull(client, system.pipeline)
    assert (done.stored, done.retry, done.reassessed) == (1, 1, 0)
    assert [d.number for d in hub.queue.pending()] == ["HUB-1"]  # kept, not acknowledged: delivered again
    assert count(system, certificates) == 1

    monkeypatch.setattr(system.pipeline, "reassess", reassess)
    done = pull(client, system.pipeline)  # the redelivery is a replay, and completes the re-assessment
    assert (done.stored, done.replayed, done.reassessed, done.retry) == (0, 1, 1, 0)
    assert hub.queue.pending() == []
    assert answer_now(system, result).requirements[0]["action"] == "release"


def test_the_pull_command_prints_its_counts_and_names_a_hub_that_fails(system, clock, hub, monkeypatch):
    monkeypatch.setenv("SAFELANE_SAMPLE_KEY", "test-key")
    database = system.settings.database_url
    hub.deliver("HUB-1", good("HUB-1", "mismatching.xml", "AR-PC-2026-0002"))
    runner = CliRunner()
    ran = runner.invoke(app, ["ephyto", "pull", "--hub", hub.url, "--database", database])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout.splitlines()[-1])["stored"] == 1
    assert hub.queue.pending() == []

    ran = runner.invoke(
        app, ["ephyto", "pull", "--hub", hub.url, "--interval", "0.01", "--passes", "2", "--database", database]
    )
    assert [json.loads(line)["pulled"] for line in ran.stdout.splitlines()] == [0, 0]

    monkeypatch.setenv("SAFELANE_EPHYTO_HUB_TIMEOUT", "2")
    ran = runner.invoke(app, ["ephyto", "pull", "--hub", "http://127.0.0.1:9/hub", "--database", database])
    assert ran.exit_code == 1
    assert "could not be reached for PULLImportEnvelope" in ran.stderr

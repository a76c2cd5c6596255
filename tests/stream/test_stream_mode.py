"""Stream mode end to end on the machine's NATS JetStream and PostgreSQL: `serve --stream` answers 202 once
JetStream holds the filing, workers assess it through the one pipeline, decisions go out as CloudEvents,
and a worker killed with SIGKILL mid-batch loses nothing and decides nothing twice."""

import asyncio
import signal
from collections.abc import Iterator

import httpx
import orjson
import pytest

from safelane.settings import Settings
from safelane.store.schema import audit_events, decisions, event_outbox, filings, receipts
from safelane.system import build
from tests.conftest import POSTGRES_URL
from tests.factories import filing
from tests.stream.processes import (
    NATS_URL,
    WAIT,
    Store,
    events,
    nats_answers,
    purge,
    serving,
    start,
    stop,
    until,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="SAFELANE_TEST_POSTGRES_URL is not set"),
    pytest.mark.skipif(not nats_answers(), reason=f"no NATS server answers at {NATS_URL}"),
]


@pytest.fixture
def store() -> Iterator[Store]:
    asyncio.run(purge())
    made = Store()
    yield made
    made.drop()
    asyncio.run(purge())


@pytest.fixture
def api(store: Store) -> Iterator[str]:
    with serving(store) as base:
        yield base


def _post(base: str, key: str, document: str) -> httpx.Response:
    body = orjson.dumps(filing(document_number=document))
    return httpx.post(f"{base}/v1/filings", content=body, headers={"Authorization": f"Bearer {key}"}, timeout=WAIT)


def test_a_filing_is_acknowledged_once_jetstream_holds_it_and_assessed_by_a_worker(store, api):
    response = _post(api, store.key, "DOC-S1")
    assert response.status_code == 202
    receipt = response.headers["location"]
    headers = {"Authorization": f"Bearer {store.key}"}
    assert httpx.get(f"{api}{receipt}", headers=headers, timeout=WAIT).status_code == 202  # waits in the stream
    assert store.count(filings) == 0  # nothing is assessed without a worker
    worker = start(store, "worker", "--batch", "50")
    try:
        answer = until(
            lambda: (r := httpx.get(f"{api}{receipt}", headers=headers, timeout=WAIT)).status_code == 200 and r,
            "the worker's answer",
        )
    finally:
        stop(worker)
    [stored] = answer.json()["filings"]
    assert (stored["status"], stored["document_number"]) == ("accepted", "DOC-S1")
    [event] = asyncio.run(events())
    assert (event["type"], event["id"]) == ("org.safelane.decision.v1", stored["consignments"][0]["decision_id"])
    assert event["_subject"].startswith("safelane.decisions.")


def test_an_invalid_filing_is_refused_at_once_and_never_queued(store, api):
    body = orjson.dumps(filing(document_number="DOC-BAD", consignments__0__mode="rocket"))
    audited = store.count(audit_events)
    response = httpx.post(f"{api}/v1/filings", content=body, headers={"Authorization": f"Bearer {store.key}"})
    assert response.status_code == 422
    assert store.count(audit_events) == audited + 1  # the rejection is audited, as in the single process


def test_a_worker_killed_mid_batch_loses_nothing_and_decides_nothing_twice(store, api):
    documents = [f"DOC-K{i}" for i in range(120)]
    assert {_post(api, store.key, d).status_code for d in documents} == {202}
    worker = start(store, "worker", "--batch", "10")
    until(lambda: store.count(filings) >= 20, "the first batches are stored")
    worker.send_signal(signal.SIGKILL)  # mid-stream: some batches committed, others fetched and not acknowledged
    worker.wait(timeout=10)
    worker.stderr.close()
    survivors = [start(store, "worker", "--batch", "25") for _ in range(2)]  # two workers share the rest
    try:
        until(lambda: store.count(receipts) == len(documents), "every receipt is answered")
        until(lambda: store.count(event_outbox) == 0, "the relay has published every event")
    finally:
        for survivor in survivors:
            stop(survivor)
    assert store.count(filings) == len(documents)
    assert store.count(decisions) == len(documents)  # each consignment decided once
    published = asyncio.run(events())
    assert len({e["id"] for e in published}) == len(published) == len(documents)  # every decision out, once


def test_an_api_node_relays_the_outbox_while_no_worker_runs(store):
    system = build(Settings(database_url=store.url))
    system.db.outbox = True  # as in stream mode: the decisions' events wait in the outbox
    try:
        [result] = system.pipeline.submit_message(
            orjson.dumps(filing(document_number="DOC-R1")), filer="ACME", actor="acme"
        )
    finally:
        system.db.dispose()
    assert store.count(event_outbox) > 0
    with serving(store):  # no worker: only the API node can publish them
        until(lambda: store.count(event_outbox) == 0, "the API node's relay has published every event")
    [event] = asyncio.run(events())
    assert event["id"] == result.consignments[0].decision_id

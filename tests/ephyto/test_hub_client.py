"""The Hub client against a real local HTTP server speaking the Hub's SOAP envelope (HubDouble), and against
servers that fail: a timeout, a refused connection or an answer that is not SOAP is a HubUnavailable naming it."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from safelane.domain import Problem
from safelane.ephyto.hub import envelope
from safelane.ephyto.hub_client import ACTION, HubClient, HubUnavailable, request
from safelane.ephyto.hub_double import HubDouble
from safelane.ephyto.reader import read
from tests.ephyto.test_reader import fixture

NUMBER = "AR-PC-2026-0001"


def good(delivery: str) -> bytes:
    return envelope(fixture("matching.xml"), sender="AR", receiver="EC", number=NUMBER, delivery=delivery)


@pytest.fixture
def hub() -> Iterator[HubDouble]:
    with HubDouble() as double:
        yield double


def test_the_client_pulls_every_waiting_envelope_and_acknowledges_each(hub):
    hub.deliver("HUB-1", good("HUB-1"))
    hub.deliver("HUB-2", envelope(b"<SPSCertificate/>", sender="AR", receiver="EC", number="X", delivery="HUB-2"))
    client = HubClient(hub.url, timeout=5)

    pulled = client.pending()
    assert [d.number for d in pulled] == ["HUB-1", "HUB-2"]
    found = read(pulled[0].envelope)  # the envelope as the Hub sent it, read as any envelope is
    assert (found.certificate.certificate_id, found.certificate.hub_delivery) == (NUMBER, "HUB-1")
    assert client.pending() == pulled  # not acknowledged: handed out again

    client.acknowledge("HUB-1", problems=[])
    client.acknowledge("HUB-2", problems=[Problem("/SPSCertificate", "missing", "no SPSExchangedDocument")])
    assert client.pending() == []
    assert hub.calls == [
        "PULLImportEnvelope",
        "PULLImportEnvelope",
        "AcknowledgeEnvelopeReceipt",
        "AcknowledgeFailedEnvelopeReceipt",
        "PULLImportEnvelope",
    ]
    assert hub.failures == {"HUB-2": "/SPSCertificate: no SPSExchangedDocument"}


def test_a_certificate_kept_with_warnings_is_acknowledged_with_them_under_the_bindings_soap_action(hub):
    hub.deliver("HUB-1", good("HUB-1"))
    client = HubClient(hub.url, timeout=5)
    [delivery] = client.pending()
    warnings = read(delivery.envelope).warnings
    assert warnings  # the fixture is out of schema where real certificates are

    client.acknowledge("HUB-1", problems=[], warnings=warnings)
    assert client.pending() == []
    assert hub.calls[-2:] == ["AdvancedAcknowledgeEnvelopeReceipt", "PULLImportEnvelope"]
    assert hub.warnings["HUB-1"] == "; ".join(f"{w.location}: {w.message}" for w in warnings)
    assert hub.failures == {}
    # the WSDL binds this operation to the SOAPAction NegativeAcknowledgeEnvelopeReceipt, not to its own name
    body = request("AdvancedAcknowledgeEnvelopeReceipt", hubTrackingNumber="HUB-1", warningMessage="w")
    status, answer = hub.serve(f'"{ACTION}AdvancedAcknowledgeEnvelopeReceipt"', body)
    assert status == 500 and b"unknown SOAPAction" in answer


def test_a_fault_from_the_hub_is_an_error_naming_the_operation_and_reason(hub):
    with pytest.raises(HubUnavailable, match="refused AcknowledgeEnvelopeReceipt: no envelope 'HUB-9'"):
        HubClient(hub.url, timeout=5).acknowledge("HUB-9", problems=[])


def test_the_double_refuses_a_call_that_does_not_speak_the_hubs_envelope(hub):
    status, answer = hub.serve(f'"{ACTION}PULLImportEnvelope"', request("AcknowledgeEnvelopeReceipt"))
    assert status == 500 and b"does not hold PULLImportEnvelope" in answer
    status, answer = hub.serve('"urn:other"', request("PULLImportEnvelope"))
    assert status == 500 and b"unknown SOAPAction" in answer


@contextmanager
def server(answer: bytes | None) -> Iterator[str]:
    """A TCP server on a free port that answers every connection with `answer` (None: never answers)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            conn.recv(65536)
            if answer is not None:
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hub/DeliveryService"
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept
        listener.close()
        thread.join(timeout=5)
        for conn in held:
            conn.close()


def test_a_hub_that_never_answers_is_a_timeout_not_a_hang():
    with server(None) as url, pytest.raises(HubUnavailable, match=r"did not answer PULLImportEnvelope within 0\.3 s"):
        HubClient(url, timeout=0.3).pending()


def test_an_unreachable_hub_and_an_answer_that_is_not_soap_are_clear_errors():
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}/hub/DeliveryService"
        with pytest.raises(HubUnavailable, match="could not be reached for PULLImportEnvelope"):
            HubClient(url, timeout=2).pending()

    page = b"<html><body>Bad gateway</body></html>"
    head = b"HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page)
    with (
        server(head + page) as url,
        pytest.raises(HubUnavailable, match="to PULLImportEnvelope is not a SOAP envelope"),
    ):
        HubClient(url, timeout=2).pending()

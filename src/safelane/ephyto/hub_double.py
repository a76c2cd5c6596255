"""A local stand-in for the IPPC ePhyto Hub's delivery service: a real HTTP server on 127.0.0.1 speaking the
Hub's SOAP envelope, so tests and demos drive `HubClient` end to end without the internet.

It serves what an importing NPPO calls: `PULLImportEnvelope` answers every envelope waiting (queued with
`deliver`), `AcknowledgeEnvelopeReceipt`, `AdvancedAcknowledgeEnvelopeReceipt` (received with warnings, under
the SOAPAction the binding gives it) and `AcknowledgeFailedEnvelopeReceipt` take one off the queue by its
tracking number. Anything else (another SOAPAction, a body that does not name the operation, an unknown
tracking number) is a SOAP fault with HTTP 500, as the Hub answers, so a client that speaks it wrongly fails.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from lxml import etree

from safelane.domain import InvalidMessage, Problem
from safelane.ephyto.hub import LocalHub
from safelane.ephyto.hub_client import SERVICE, SOAP, soap_action
from safelane.formats.xml_safety import parse_xml

OPERATIONS = (
    "PULLImportEnvelope",
    "AcknowledgeEnvelopeReceipt",
    "AdvancedAcknowledgeEnvelopeReceipt",
    "AcknowledgeFailedEnvelopeReceipt",
)
BY_ACTION = {soap_action(operation): operation for operation in OPERATIONS}


def _soap(content: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    etree.SubElement(envelope, f"{{{SOAP}}}Body").append(content)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _fault(reason: str) -> bytes:
    fault = etree.Element(f"{{{SOAP}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Client"
    etree.SubElement(fault, "faultstring").text = reason
    return _soap(fault)


class HubDouble:
    """The Hub on a local port; `queue` holds the envelopes, `calls` the operations served, in order."""

    def __init__(self) -> None:
        self.queue = LocalHub()
        self.calls: list[str] = []
        self.failures: dict[str, str] = {}  # tracking number -> the message of a failed acknowledgement
        self.warnings: dict[str, str] = {}  # tracking number -> the warning message it was received with
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="hub-double", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hub/DeliveryService"

    def deliver(self, number: str, envelope_xml: bytes) -> None:
        with self._lock:
            self.queue.deliver(number, envelope_xml)

    def __enter__(self) -> "HubDouble":
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def serve(self, action: str, body: bytes) -> tuple[int, bytes]:
        """(HTTP status, SOAP answer) for one call."""
        operation = BY_ACTION.get(action.strip('"'))
        if operation is None:
            return 500, _fault(f"unknown SOAPAction {action!r}")
        try:
            root = parse_xml(body)
        except InvalidMessage as error:
            return 500, _fault(f"the request is not XML: {error.problems[0].message}")
        call = root.find(f"{{{SOAP}}}Body/{{{SERVICE}}}{operation}")
        if call is None:
            return 500, _fault(f"the SOAP body does not hold {operation}")
        with self._lock:
            self.calls.append(operation)
            if operation == "PULLImportEnvelope":
                response = etree.Element(f"{{{SERVICE}}}PULLImportEnvelopeResponse")
                result = etree.SubElement(response, f"{{{SERVICE}}}PULLImportEnvelopesResult")
                for delivery in self.queue.pending():
                    result.append(parse_xml(delivery.envelope))
                return 200, _soap(response)
            number = call.findtext(f"{{{SERVICE}}}hubTrackingNumber") or ""
            if number not in {d.number for d in self.queue.pending()}:
                return 500, _fault(f"no envelope {number!r} is waiting for this NPPO")
            message = call.findtext(f"{{{SERVICE}}}message")
            warning = call.findtext(f"{{{SERVICE}}}warningMessage")
            if operation == "AcknowledgeFailedEnvelopeReceipt":
                self.failures[number] = message or ""
            if operation == "AdvancedAcknowledgeEnvelopeReceipt":
                self.warnings[number] = warning or ""
            problems = [Problem("Hub", "failed", message)] if message else []
            warnings = [Problem("Hub", "warning", warning)] if warning else []
            self.queue.acknowledge(number, problems=problems, warnings=warnings)
            return 200, _soap(etree.Element(f"{{{SERVICE}}}{operation}Response"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, answer = double.serve(self.headers.get("SOAPAction") or "", self.rfile.read(length))
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the calls are in `calls`
                return

        return Handler

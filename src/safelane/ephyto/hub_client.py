"""The IPPC ePhyto Hub's delivery service over HTTP: the real `Hub`, a SOAP 1.1 document/literal client.

The Hub's delivery model for an importing NPPO: the envelopes addressed to it wait on the Hub until it pulls them
(`PULLImportEnvelope`, all waiting at once) and acknowledges each by its tracking number, the envelope's
`hubDeliveryNumber`: `AcknowledgeEnvelopeReceipt` when it has kept the certificate,
`AdvancedAcknowledgeEnvelopeReceipt` with a warning message when it has kept it with schema warnings (the
exporting NPPO sees them; the Hub's delivery tracking has a state `DeliveredWithWarnings`), or
`AcknowledgeFailedEnvelopeReceipt` with a message when it cannot read it. An envelope not acknowledged is
handed out again at the next pull. The NPPO authenticates with the TLS client certificate the Hub issued it.
Operation, SOAPAction and element names are the Hub's service description's (data/hub-schemas/s6.xsd, s5.xsd;
data/PROVENANCE.md). Every network wait is bounded by `timeout`: a Hub that does not answer is a `HubUnavailable`
naming the operation, never a hang.
"""

import socket
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from lxml import etree

from safelane.domain import InvalidMessage, Problem
from safelane.ephyto.hub import Delivery
from safelane.ephyto.reader import HUB
from safelane.formats.xml_safety import local, parse_xml

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE = "http://ephyto.ippc.int/"  # the delivery service's namespace (s6.xsd: elementFormDefault qualified)
ACTION = "http://ephyto.ippc.int/IDeliveryService/"  # SOAPAction = ACTION + operation, except in SOAP_ACTIONS:
# the service description's binding calls AdvancedAcknowledgeEnvelopeReceipt by another name
SOAP_ACTIONS = {"AdvancedAcknowledgeEnvelopeReceipt": "NegativeAcknowledgeEnvelopeReceipt"}
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a pull answer carries every waiting certificate with its attachments
MAX_FAILURE_MESSAGE = 2000  # characters of problems (or warnings) sent back with an acknowledgement


class HubUnavailable(Exception):
    """The Hub did not answer in time, could not be reached, or answered with a fault (the message says which)."""


def request(operation: str, **parameters: str) -> bytes:
    """The SOAP envelope calling one operation of the delivery service with these parameters (in order)."""
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP, "hub": SERVICE})
    etree.SubElement(envelope, f"{{{SOAP}}}Header")
    call = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{SERVICE}}}{operation}")
    for name, value in parameters.items():
        etree.SubElement(call, f"{{{SERVICE}}}{name}").text = value
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def soap_action(operation: str) -> str:
    """The SOAPAction header value that calls `operation` (the binding's, data/hub-schemas' WSDL)."""
    return ACTION + SOAP_ACTIONS.get(operation, operation)


def message(problems: list[Problem]) -> str:
    """Problems as the one text an acknowledgement carries: each located, at most MAX_FAILURE_MESSAGE long."""
    return "; ".join(f"{p.location}: {p.message}" for p in problems)[:MAX_FAILURE_MESSAGE]


def answer(data: bytes, operation: str) -> etree._Element:
    """The response element of a SOAP answer, or HubUnavailable with the Hub's fault or why it is unreadable."""
    try:
        root = parse_xml(data, max_bytes=MAX_ANSWER_BYTES)
    except InvalidMessage as error:
        raise HubUnavailable(f"the Hub's answer to {operation} is not XML: {error.problems[0].message}") from None
    body = root.find(f"{{{SOAP}}}Body") if root.tag == f"{{{SOAP}}}Envelope" else None
    if body is None or len(body) == 0:
        raise HubUnavailable(f"the Hub's answer to {operation} is not a SOAP envelope with a body")
    first = body[0]
    if first.tag == f"{{{SOAP}}}Fault":
        reason = " ".join((first.findtext("faultstring") or "no reason given").split())
        raise HubUnavailable(f"the Hub refused {operation}: {reason}")
    return first


def _child(element: etree._Element, name: str) -> etree._Element | None:
    """A child by local name: the Hub's answers qualify some elements and not others."""
    return next((c for c in element if isinstance(c.tag, str) and local(c) == name), None)


class HubClient:
    """`Hub` for the real service at `url` (e.g. https://uat-hub.ephytoexchange.org/hub/DeliveryService)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        client_cert: Path | None = None,
        client_key: Path | None = None,
        ca_file: Path | None = None,
    ) -> None:
        self.url, self.timeout = url, timeout
        handlers: list[urllib.request.BaseHandler] = []
        if url.startswith("https:"):
            context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            if client_cert is not None:
                context.load_cert_chain(str(client_cert), str(client_key) if client_key else None)
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def pending(self) -> list[Delivery]:
        """Every envelope waiting for this NPPO, in the Hub's order; one without a tracking number cannot be
        acknowledged and is left out (the Hub's own tracking shows it)."""
        result = _child(self._call("PULLImportEnvelope"), "PULLImportEnvelopesResult")
        found = []
        for envelope in result if result is not None else ():
            if envelope.tag != f"{{{HUB}}}Envelope":
                continue
            number = _child(envelope, "hubDeliveryNumber")
            if number is not None and (number.text or "").strip():
                found.append(Delivery(number.text.strip(), etree.tostring(envelope, encoding="UTF-8")))  # type: ignore[union-attr]
        return found

    def acknowledge(self, number: str, *, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        """Received; received with warnings; or failed with the problems: the Hub shows the exporter the text."""
        if problems:
            self._call("AcknowledgeFailedEnvelopeReceipt", hubTrackingNumber=number, message=message(problems))
        elif warnings:
            self._call("AdvancedAcknowledgeEnvelopeReceipt", hubTrackingNumber=number, warningMessage=message(warnings))
        else:
            self._call("AcknowledgeEnvelopeReceipt", hubTrackingNumber=number)

    def _call(self, operation: str, **parameters: str) -> etree._Element:
        call = urllib.request.Request(
            self.url,
            data=request(operation, **parameters),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{soap_action(operation)}"'},
            method="POST",
        )
        try:
            with self._opener.open(call, timeout=self.timeout) as response:
                data = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:  # a SOAP 1.1 fault comes with HTTP 500
            data = error.read(MAX_ANSWER_BYTES + 1)
            if not data:
                raise HubUnavailable(f"the Hub answered {operation} with HTTP {error.code}") from None
        except TimeoutError:
            raise HubUnavailable(f"the Hub did not answer {operation} within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise HubUnavailable(f"the Hub did not answer {operation} within {self.timeout:g} s") from None
            raise HubUnavailable(f"the Hub could not be reached for {operation}: {error.reason}") from None
        except OSError as error:  # reset or closed mid-answer
            raise HubUnavailable(f"the connection to the Hub failed during {operation}: {error}") from None
        return answer(data, operation)

"""The IPPC ePhyto Hub boundary: where certificates for this country wait, and how one is acknowledged.

The Hub is a SOAP service on the internet (its WSDL is the source of data/hub-schemas); safelane talks to it
through `Hub`, so the intake below is the same for the real client and for `LocalHub`, the test double that
holds Hub envelopes in memory and hands them out as the Hub does (oldest first, until acknowledged).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

from safelane.domain import InvalidMessage, Problem
from safelane.ephyto.reader import Read, read


@dataclass(frozen=True, slots=True)
class Delivery:
    number: str  # the Hub's delivery number: what an acknowledgement names
    envelope: bytes  # the Hub Envelope as XML (HUB.Entities), its certificate inside


class Hub(Protocol):
    def pending(self) -> list[Delivery]:
        """Envelopes delivered to this country and not yet acknowledged, oldest first."""
        ...

    def acknowledge(self, number: str, *, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        """Tell the Hub a delivery was read (no problems), read and kept with schema warnings (the exporting NPPO
        sees them), or could not be read (its problems)."""
        ...


def envelope(certificate_xml: bytes, *, sender: str, receiver: str, number: str, delivery: str) -> bytes:
    """A Hub Envelope carrying the certificate as text, as the Hub's GetUnreadEnvelopes returns it."""
    body = certificate_xml.decode("utf-8")
    if body.startswith("<?xml"):
        body = body.split("?>", 1)[1].lstrip()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Envelope xmlns="http://ephyto.ippc.int/HUB.Entities">'
        f"<From>{escape(sender)}</From><To>{escape(receiver)}</To><CertificateType>851</CertificateType>"
        f"<CertificateStatus>70</CertificateStatus><NPPOCertificateNumber>{escape(number)}</NPPOCertificateNumber>"
        f"<hubDeliveryNumber>{escape(delivery)}</hubDeliveryNumber><Content>{escape(body)}</Content></Envelope>"
    ).encode()


class LocalHub:
    """A Hub in memory: `deliver` queues an envelope, `acknowledged` and `warned` record what the intake answered."""

    def __init__(self) -> None:
        self._pending: list[Delivery] = []
        self.acknowledged: dict[str, list[Problem]] = {}
        self.warned: dict[str, list[Problem]] = {}

    def deliver(self, number: str, envelope_xml: bytes) -> None:
        self._pending.append(Delivery(number, envelope_xml))

    def pending(self) -> list[Delivery]:
        return list(self._pending)

    def acknowledge(self, number: str, *, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self._pending = [d for d in self._pending if d.number != number]
        self.acknowledged[number] = problems
        if warnings and not problems:
            self.warned[number] = warnings


def receive(hub: Hub, keep: Callable[[Read, bytes], None]) -> int:
    """Read every pending delivery, keep the readable ones and acknowledge each; the number kept."""
    kept = 0
    for delivery in hub.pending():
        try:
            found = read(delivery.envelope)
        except InvalidMessage as error:
            hub.acknowledge(delivery.number, problems=error.problems)
            continue
        keep(found, delivery.envelope)
        hub.acknowledge(delivery.number, problems=[], warnings=found.warnings)
        kept += 1
    return kept

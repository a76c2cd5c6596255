"""Hub intake: pull the certificates waiting on the IPPC ePhyto Hub, keep them, re-assess what they belong to.

Each envelope takes the path a certificate posted to the API takes (`arrivals`): read and validated, stored in
its own transaction, then the open consignments it belongs to are re-assessed through `Pipeline.reassess`. Only
then is it acknowledged, so the Hub hands out again what was not stored, or whose re-assessment failed; a
certificate kept with schema warnings is acknowledged with them, so the exporting NPPO learns what in it is out
of schema. A redelivery is a replay: nothing new is stored, and a re-assessment that changes nothing stores
nothing. An envelope that cannot be read is acknowledged as failed with its problems (the exporting NPPO sees
them) and leaves only an audit event `certificate.refused`."""

import logging
from dataclasses import asdict, dataclass

from safelane.documents import arrivals
from safelane.domain import InvalidMessage
from safelane.ephyto.hub import Hub
from safelane.ephyto.reader import read
from safelane.pipeline import Pipeline
from safelane.store.filings import add_audit

ACTOR = "ephyto-hub"
log = logging.getLogger(__name__)


@dataclass
class Pulled:
    """What one pull did, by envelope (`reassessed` counts consignments given a new decision)."""

    pulled: int = 0
    stored: int = 0  # new certificates, or the NPPO's update of one
    replayed: int = 0  # the same certificate again (a redelivery)
    refused: int = 0  # unreadable: acknowledged as failed
    warned: int = 0  # kept, and acknowledged with their schema warnings
    reassessed: int = 0
    retry: int = 0  # stored, but the re-assessment failed: not acknowledged, so the Hub delivers it again

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def pull(hub: Hub, pipeline: Pipeline, *, actor: str = ACTOR) -> Pulled:
    """One pass over the envelopes waiting on the Hub. A Hub that fails (`HubUnavailable`) stops the pass;
    what was stored before stays stored and is acknowledged at the next pass."""
    db = pipeline.store
    if db is None:
        raise RuntimeError("the Hub intake keeps certificates in the store; this pipeline has none")
    done = Pulled()
    for delivery in hub.pending():
        done.pulled += 1
        try:
            found = read(delivery.envelope)
        except InvalidMessage as error:
            with db.write() as conn:
                detail = {"hub_delivery": delivery.number, "problems": [p.as_dict() for p in error.problems]}
                add_audit(conn, pipeline.clock(), actor, "certificate.refused", delivery.number, detail)
            hub.acknowledge(delivery.number, problems=error.problems)
            done.refused += 1
            continue
        stored, changed = arrivals.keep_certificate(pipeline, found, delivery.envelope, actor=actor)
        done.stored += changed
        done.replayed += not changed
        try:
            done.reassessed += len(arrivals.certificate_received(pipeline, stored.certificate, actor=actor))
        except Exception:  # the certificate is stored; the Hub's redelivery retries the re-assessment
            log.exception("re-assessment after certificate %s failed", stored.certificate.certificate_id)
            done.retry += 1
            continue
        hub.acknowledge(delivery.number, problems=[], warnings=found.warnings)
        done.warned += bool(found.warnings)
    return done

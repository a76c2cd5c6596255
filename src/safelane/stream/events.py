"""Events out: CloudEvents 1.0 envelopes for decisions, referral changes and releases (docs/events.md).

Each envelope is built inside the transaction that makes the change and written to the outbox
(safelane.store.outbox); a relay publishes it to JetStream afterwards. The JSON Schema of each type is
shipped in `safelane/stream/schemas/` and versioned with the type: `org.safelane.<kind>.v1`.
"""

import re
from datetime import datetime
from typing import Any

import orjson

SCHEMA_VERSION = "1"
DECISION = f"org.safelane.decision.v{SCHEMA_VERSION}"
REFERRAL = f"org.safelane.referral.v{SCHEMA_VERSION}"
RELEASE = f"org.safelane.release.v{SCHEMA_VERSION}"
EVENT_TYPE = DECISION  # the first event type, kept for readers of the earlier name
KINDS = ("decisions", "referrals", "releases")


def subject(kind: str, office: str | None) -> str:
    """`safelane.<kind>.<office>`; an office code is letters and digits, anything else reads `unassigned`."""
    assert kind in KINDS
    return f"safelane.{kind}.{office if office and re.fullmatch(r'[A-Za-z0-9_-]+', office) else 'unassigned'}"


def _envelope(kind: str, event_id: str, at: datetime, about: str, data: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "specversion": "1.0",
            "type": kind,
            "source": "safelane",
            "id": event_id,
            "time": at.isoformat(),
            "subject": about,
            "datacontenttype": "application/json",
            "data": data,
        }
    )


def decision_event(
    decision: dict[str, Any], *, filing_id: str, document_number: str, version: int, reference: str | None
) -> bytes:
    """The event for one new decision (a `decisions` row as the store writes it)."""
    answer = decision["answer"]  # "channel" or "referral": the outcome is named after what it is
    return _envelope(
        DECISION,
        decision["decision_id"],
        decision["decided_at"],
        decision["consignment_id"],
        {
            "filing_id": filing_id,
            "document_number": document_number,
            "version": version,
            "consignment_id": decision["consignment_id"],
            "reference": reference,
            "office": decision["office"],
            answer: decision["outcome"],
            "score": decision["score"],
            "basis": decision["basis"],
            "state": decision["state"],
            "reasons": [
                {"assessor": a, "code": c} for a, c in sorted({(r["assessor"], r["code"]) for r in decision["reasons"]})
            ],
        },
    )


def referral_event(
    event_id: str, decision: dict[str, Any], *, at: datetime, action: str, outcome: str, state: str
) -> bytes:
    """The event for one change of a decision (a referral answered, screened, lifted, issued; a channel moved or
    closed): `decision` is the row before the change."""
    return _envelope(
        REFERRAL,
        event_id,
        at,
        decision["consignment_id"],
        {
            "decision_id": decision["decision_id"],
            "consignment_id": decision["consignment_id"],
            "office": decision["office"],
            "answer": decision["answer"],
            "action": action,
            "from": {"outcome": decision["outcome"], "state": decision["state"]},
            "to": {"outcome": outcome, "state": state},
        },
    )


def release_event(release: dict[str, Any], office: str | None) -> bytes:
    """The event for one agency's release (or refusal) of a consignment (a `releases` row)."""
    return _envelope(
        RELEASE,
        release["release_id"],
        release["at"],
        release["consignment_id"],
        {
            "release_id": release["release_id"],
            "consignment_id": release["consignment_id"],
            "office": office,
            "agency": release["agency"],
            "kind": release["kind"],
        },
    )

"""Decisions out: one CloudEvents 1.0 envelope per decision, on `safelane.decisions.<office>` (docs/events.md)."""

from datetime import datetime
from typing import Any

import orjson

SCHEMA_VERSION = "1"
EVENT_TYPE = f"org.safelane.decision.v{SCHEMA_VERSION}"


def decision_event(filing: dict[str, Any], consignment: dict[str, Any], office: str | None, at: datetime) -> bytes:
    """The event for one decided consignment of a stored filing (a filing result's `as_dict`)."""
    answer = "referral" if "referral" in consignment else "channel"
    return orjson.dumps(
        {
            "specversion": "1.0",
            "type": EVENT_TYPE,
            "source": "safelane",
            "id": consignment["decision_id"],
            "time": at.isoformat(),
            "subject": consignment["consignment_id"],
            "datacontenttype": "application/json",
            "data": {
                "filing_id": filing["filing_id"],
                "document_number": filing["document_number"],
                "version": filing["version"],
                "consignment_id": consignment["consignment_id"],
                "reference": consignment["reference"],
                "office": office,
                answer: consignment[answer],
                "score": consignment["score"],
                "basis": consignment["basis"],
                "state": consignment.get("state"),
                "reasons": [{"assessor": f["assessor"], "code": f["code"]} for f in consignment.get("findings", [])],
            },
        }
    )

"""The answer as JSON: what the API returns, and what every filer can ask for.

Each consignment carries customs' channel or referral, `held_by` (who still holds the goods) and, when other
border agencies have a say, `requirements` (agency, action, documents, explanation)."""

from datetime import datetime
from typing import Any

import orjson

from safelane.results import FilingResult


def render(result: FilingResult, *, at: datetime) -> bytes:
    return orjson.dumps({**result.as_dict(), "issued_at": at.isoformat()})


def read(data: bytes) -> list[dict[str, Any]]:
    """The (reference, outcome) of each consignment in a JSON answer."""
    answer = orjson.loads(data)
    return [
        {
            "document_number": answer["document_number"],
            "reference": c["reference"],
            "outcome": c.get("referral") or c.get("channel"),
            "basis": c["basis"],
            "held_by": c.get("held_by", []),
            "requirements": c.get("requirements", []),
        }
        for c in answer["consignments"]
    ]

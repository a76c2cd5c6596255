"""Answers in the filer's own standard: each decision rendered back the way the filing came in.

`render(standard, result)` gives the bytes of one answer; `answer_standard(message_type)` names the
standard that answers a message type (air: Cargo-XML XCSN-shaped or Cargo-IMP CSN-shaped; sea
cargo reports: EDIFACT CUSRES; declarations: a WCO DMS response; entry summaries: ICS CC328A/CC351A).
JSON is always available too.
Each module also reads its own rendering back (`read`), which the round-trip tests use.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from safelane.formats.outbound import csn, cusres, dms_response, ics_answer, json_answer, xcsn
from safelane.results import FilingResult

Renderer = Callable[..., bytes]

RENDERERS: dict[str, Renderer] = {
    "json": json_answer.render,
    "xcsn": xcsn.render,
    "csn": csn.render,
    "cusres": cusres.render,
    "dms-response": dms_response.render,
    "ics": ics_answer.render,
}
READERS = {
    "json": json_answer.read,
    "xcsn": xcsn.read,
    "csn": csn.read,
    "cusres": cusres.read,
    "dms-response": dms_response.read,
    "ics": ics_answer.read,
}
_BY_MESSAGE_TYPE = {
    "XFWB": "xcsn", "XFZB": "xcsn", "XFHL": "xcsn",
    "FWB": "csn", "FHL": "csn",
    "CUSCAR": "cusres",
    "DMS": "dms-response",
    "IE315": "ics", "IE313": "ics",
}


def answer_standard(message_type: str) -> str:
    """The standard that answers a filing of this message type (JSON for safelane's own formats)."""
    return _BY_MESSAGE_TYPE.get(message_type, "json")


def render(standard: str, result: FilingResult, *, at: datetime | None = None) -> bytes:
    """One filing's answer in `standard`; `at` is the issue time (now, when not given)."""
    renderer = RENDERERS.get(standard)
    if renderer is None:
        raise ValueError(f"unknown answer standard {standard!r}; known: {', '.join(sorted(RENDERERS))}")
    return renderer(result, at=at or datetime.now(UTC))

"""Message formats: one module per standard turns bytes into filings, or raises InvalidMessage with locations.

Every entry point (API upload, CLI, stream worker) calls `parse`; a new standard is one record in
`formats.registry` (see `formats.standard`). Answers go back through `render`, in the standard the
filer used (see `formats.outbound`).
"""

import re
from datetime import UTC, datetime

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats import encoding
from safelane.formats.outbound import ANSWERS, BY_NAME
from safelane.formats.registry import by_name, standards
from safelane.formats.standard import Answer, Standard, not_a_filing
from safelane.results import FilingResult

__all__ = [
    "ANSWERS",
    "Answer",
    "Standard",
    "answer",
    "answer_standard",
    "by_name",
    "detect",
    "parse",
    "render",
    "standard",
    "standards",
]

HEAD = 64 * 1024  # enough of a message to recognise it (JSON lines need their first two lines)
_XML_NAME = re.compile(rb"<(?![?!/])(?:[\w.-]+:)?([\w.-]+)")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_ENVELOPE = {"Envelope", "Header", "Body"}  # SOAP: the message is the body's first element
_DELIVERY = {"outcomeResponse", "notificationResponse", "response"}  # customs APIs' wrappers around an answer


def _head(data: bytes) -> bytes:
    """The start of the message as UTF-8, without byte-order mark or leading whitespace."""
    head = data[:HEAD]
    if wide := encoding.wide(head):
        head = encoding.to_utf8(head, wide, strict=False)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")


def _xml_names(head: bytes) -> list[str]:
    """The first element names of an XML message, in document order, SOAP envelope elements left out."""
    names = []
    for match in _XML_NAME.finditer(_COMMENT.sub(b"", head)):
        name = match.group(1).decode("ascii", "replace")
        if name not in _ENVELOPE:
            names.append(name)
        if len(names) == 3:
            break
    return names


def _detect_xml(head: bytes) -> Standard:
    names = _xml_names(head)
    for known in standards():
        if names and names[0] in known.xml_roots:
            return known
    for name in [n for n in names if n not in _DELIVERY][:1]:
        for known in standards():
            if name in known.answers_received:
                raise not_a_filing("/", f"{known.answers_received[name]}, {name}")
    raise InvalidMessage([Problem("/", "unknown_format", "an XML message of no standard safelane reads")])


def standard(data: bytes) -> Standard:
    """Recognise the standard by content, so filers need not say what they send."""
    head = _head(data)
    if head.startswith(b"<"):
        return _detect_xml(head)
    for known in standards():
        if known.detect is not None and known.detect(head):
            return known
    raise InvalidMessage([Problem("$", "unknown_format", "the message is in no format safelane reads")])


def detect(data: bytes) -> str:
    """The name of the message's standard (see `standard`)."""
    return standard(data).name


def parse(data: bytes, *, format: str | None = None, filer: str | None = None) -> list[Filing]:
    if format is None:
        chosen = standard(data)
    elif (found := by_name().get(format)) is not None:
        chosen = found
    else:
        known = ", ".join(sorted(by_name()))
        raise InvalidMessage([Problem("$", "unknown_format", f"unknown format {format!r}; known: {known}")])
    if wide := encoding.wide(data):
        if chosen.wide_text == "refuse":
            raise InvalidMessage(
                [
                    Problem(
                        "byte 0",
                        "unsupported_encoding",
                        f"the message is in {wide} (it opens with that byte-order mark); "
                        f"{chosen.title} are sent in {chosen.charset}",
                    )
                ]
            )
        if chosen.wide_text == "transcode":
            data = encoding.to_utf8(data, wide)
    return chosen.parse(data, filer=filer)


def answer_standard(message_type: str) -> str:
    """The answer standard for a filing of this message type (JSON for any type no standard claims)."""
    for known in standards():
        if message_type in known.message_types:
            return known.answer
    return "json"


def answer(name: str) -> Answer:
    """The answer standard of this name; ValueError names the known ones."""
    found = BY_NAME.get(name)
    if found is None:
        raise ValueError(f"unknown answer standard {name!r}; known: {', '.join(sorted(BY_NAME))}")
    return found


def render(name: str, result: FilingResult, *, at: datetime | None = None) -> bytes:
    """One filing's answer in the answer standard `name`; `at` is the issue time (now, when not given)."""
    return answer(name).render(result, at=at or datetime.now(UTC))

"""The record of one message standard: how it is recognised, read, received and answered.

A standard safelane reads is one `Standard` (plus the module that parses it) and an answer it sends
is one `Answer` (plus its renderer); `formats.registry` lists them once, in detection order, and every
entry point (API, CLI, pipeline, answers) reads them from there.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.results import FilingResult


class Parser(Protocol):
    def __call__(self, data: bytes, *, filer: str | None = None) -> list[Filing]: ...


class Renderer(Protocol):
    def __call__(self, result: FilingResult, *, at: datetime) -> bytes: ...


#: What a standard does with a message in UTF-16 or UTF-32 (announced by its byte-order mark):
#: "read" (its parser reads byte-order marks itself: XML), "transcode" (it is read as the same text in
#: UTF-8: JSON, whose RFC 7159 allowed them, and CSV), "refuse" (an 8-bit standard: EDIFACT, Cargo-IMP).
WideText = Literal["read", "transcode", "refuse"]


@dataclass(frozen=True)
class Answer:
    """An answer standard: what safelane sends back to a filer."""

    name: str  # as the API's `standard` parameter takes it: "xcsn"
    title: str  # as filers know it: "Cargo-XML customs status notification (XCSN-shaped)"
    media_type: str
    render: Renderer
    read: Callable[[bytes], list[dict[str, Any]]]  # reads our own rendering back (round-trip tests)


@dataclass(frozen=True)
class Standard:
    """A standard filers send in. It is recognised by its XML root element, or else by `detect`."""

    name: str  # as `--format` and the API's `format` parameter take it: "cargo-xml"
    title: str  # "IATA Cargo-XML waybills (XFWB, XFZB, XFHL)"
    parse: Parser  # parse(data, *, filer) -> filings, or InvalidMessage with located problems
    media_type: str  # of the message as received
    answer: str  # the Answer that answers its filings
    message_types: tuple[str, ...] = ()  # the message types its filings carry: "XFWB", ...
    xml_roots: frozenset[str] = frozenset()  # root element local names (an XML standard)
    detect: Callable[[bytes], bool] | None = None  # head of the message -> is it this standard (not XML)
    answers_received: Mapping[str, str] = field(default_factory=dict)  # XML roots of customs answers -> name
    wide_text: WideText = "read"
    charset: str = "UTF-8"  # what the standard is sent in, named when a message is refused for its encoding


def not_a_filing(location: str, what: str) -> InvalidMessage:
    """A customs answer sent where filings go: say what it is rather than that it is unknown."""
    return InvalidMessage(
        [
            Problem(
                location,
                "not_a_filing",
                f"this is an answer ({what}), not a filing: customs sends it; safelane reads the filings it answers",
            )
        ]
    )

"""Message formats: one module per standard turns bytes into filings, or raises InvalidMessage with locations.

Every entry point (API upload, CLI, stream worker) calls `parse`; a new standard registers here.
Answers go back through `render`, in the standard the filer used (see `formats.outbound`).
"""

import re
from collections.abc import Callable

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats import cargo_imp, cargo_xml, cuscar, ics_ens, native, wco_dms
from safelane.formats.outbound import RENDERERS, answer_standard, render

__all__ = ["PARSERS", "RENDERERS", "answer_standard", "detect", "parse", "render"]

Parser = Callable[..., list[Filing]]

PARSERS: dict[str, Parser] = {
    "json": native.parse_json,
    "jsonl": native.parse_jsonl,
    "csv": native.parse_csv,
    "cargo-xml": cargo_xml.parse,
    "ics-ens": ics_ens.parse,
    "wco-dms": wco_dms.parse,
    "cuscar": cuscar.parse,
    "cargo-imp": cargo_imp.parse,
}

# The root element's local name decides among the XML standards.
_XML_ROOTS = {
    **dict.fromkeys(cargo_xml.ROOTS, "cargo-xml"),
    **dict.fromkeys(ics_ens.ROOTS, "ics-ens"),
    **dict.fromkeys(wco_dms.ROOTS, "wco-dms"),
}
_CARGO_IMP = re.compile(rb"^(?:FWB|FHL)/\d+\s*$", re.M)
_XML_ROOT = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


def _detect_xml(head: bytes) -> str | None:
    """The standard of an XML message by its root (or, in a SOAP envelope, its body's first element)."""
    for match in _XML_ROOT.finditer(head):
        name = match.group(1).decode("ascii", "replace")
        if name in ("Envelope", "Header", "Body"):
            continue
        return _XML_ROOTS.get(name)
    return None


def detect(data: bytes) -> str:
    """Recognise the format by content, so filers need not say what they send."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        found = _detect_xml(re.sub(rb"<!--.*?-->", b"", head, flags=re.S))
        if found:
            return found
        raise InvalidMessage([Problem("/", "unknown_format", "an XML message of no standard safelane reads")])
    if head.startswith((b"UNA", b"UNB")):
        return "cuscar"  # EDIFACT: the reader checks the envelope and refuses other message types
    if _CARGO_IMP.search(head):
        return "cargo-imp"
    if head.startswith((b"{", b"[")):
        lines = [line for line in data.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines[:2]) and head.startswith(b"{"):
            first = lines[0].strip()
            if first.endswith(b"}"):
                return "jsonl"
        return "json"
    if b"," in head.split(b"\n", 1)[0]:
        return "csv"
    raise InvalidMessage([Problem("$", "unknown_format", "the message is in no format safelane reads")])


def parse(data: bytes, *, format: str | None = None, filer: str | None = None) -> list[Filing]:
    name = format or detect(data)
    parser = PARSERS.get(name)
    if parser is None:
        known = ", ".join(sorted(PARSERS))
        raise InvalidMessage([Problem("$", "unknown_format", f"unknown format {name!r}; known: {known}")])
    return parser(data, filer=filer)

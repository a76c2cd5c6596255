"""Message formats: one module per standard turns bytes into filings, or raises InvalidMessage with locations.

Every entry point (API upload, CLI, stream worker) calls `parse`; a new standard registers here.
"""

from collections.abc import Callable

from safelane.domain import Filing, InvalidMessage, Problem
from safelane.formats import native

Parser = Callable[..., list[Filing]]

PARSERS: dict[str, Parser] = {
    "json": native.parse_json,
    "jsonl": native.parse_jsonl,
    "csv": native.parse_csv,
}


def detect(data: bytes) -> str:
    """Recognise the format by content, so filers need not say what they send."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
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

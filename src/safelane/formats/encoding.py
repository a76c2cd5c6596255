"""Byte-order marks: which Unicode encoding a message announces, and the same text in UTF-8.

Filers' tools (spreadsheets, Windows editors, some Java and .NET serialisers) write UTF-16 with a
byte-order mark; a standard that allows it is read in it, others refuse it naming what was received.
"""

import codecs

from safelane.domain import InvalidMessage, Problem

# UTF-32 first: its little-endian mark begins with UTF-16's.
_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "UTF-32BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "UTF-16BE"),
)


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start announces, and the mark's length; None without one."""
    for mark, name in _MARKS:
        if data.startswith(mark):
            return name, len(mark)
    return None


def wide(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding the message announces (UTF-8 and unmarked bytes are not wide)."""
    found = byte_order_mark(data)
    return found[0] if found and found[0] != "UTF-8" else None


def to_utf8(data: bytes, encoding: str, *, strict: bool = True) -> bytes:
    """The message (without its byte-order mark) re-encoded as UTF-8; undecodable bytes are a located problem,
    unless `strict` is off (for sniffing a message's head, which may end inside a character)."""
    _, skip = byte_order_mark(data) or ("", 0)
    try:
        return data[skip:].decode(encoding, "strict" if strict else "ignore").encode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidMessage(
            [
                Problem(
                    f"byte {skip + error.start}",
                    "malformed_text",
                    f"the message announces {encoding} (byte-order mark) but is not valid "
                    f"{encoding} here: {error.reason}",
                )
            ]
        ) from None

"""Strings safelane accepts: no control characters.

A control character in an identifier can make two different filings look alike to whatever joins
fields (ids, exports, outbound messages), and PostgreSQL refuses NUL outright where SQLite stores
it. Identifiers and codes refuse every control character (C0, DEL, C1); prose (names, addresses,
descriptions) keeps tab and line breaks, which messages legitimately carry. The checks are
patterns, so pydantic runs them in its core, with no Python call per field.
"""

from typing import Annotated

from pydantic import StringConstraints

NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"
PROSE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

Clean = Annotated[str, StringConstraints(pattern=NO_CONTROL)]  # identifiers, codes, references
CleanText = Annotated[str, StringConstraints(pattern=PROSE)]  # free text: tab, CR and LF allowed


def control_character(pattern: str, value: object) -> str | None:
    """The message for a value refused by one of these patterns; None for any other pattern."""
    if pattern not in (NO_CONTROL, PROSE) or not isinstance(value, str):
        return None
    allowed = "\t\r\n" if pattern == PROSE else ""
    position, char = next(
        (i, c) for i, c in enumerate(value) if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in allowed
    )
    return f"control character U+{ord(char):04X} at position {position} is not allowed"

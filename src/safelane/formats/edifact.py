"""UN/EDIFACT envelopes: interchanges (UNA, UNB...UNZ) and their messages (UNH...UNT), with positions.

pydifact does the syntax (separators from UNA, release characters, composites). This module adds
what a receiving customs system needs on top: several interchanges in one input (each may bring
its own UNA), envelope checks (UNT segment counts, UNZ message counts, matching references), and
a position for every segment, so each error can say "segment 12 (GID), element 2".
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydifact.control import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.exceptions import ValidationError as PydifactValidationError
from pydifact.parser import Parser, TokenIterator
from pydifact.tokenizer import Tokenizer

from safelane.domain import InvalidMessage, Problem

MAX_EDIFACT_BYTES = 10 * 1024 * 1024

# An interchange starts with UNA (six service characters follow) or UNB at the input's start or after a
# segment terminator; a later UNA/UNB preceded by a terminator begins the next interchange.
_START = re.compile(r"(?:^|(?<=['\n\r~]))[\r\n ]*(?=UNA.{6}|UNB[^A-Za-z0-9])", re.S)


@dataclass(frozen=True, slots=True)
class Segment:
    tag: str
    elements: tuple  # each element a str or a list of components (pydifact's shape)
    position: int  # 1-based, counted over the whole input (UNA is not a segment)

    def element(self, index: int, component: int = 0) -> str:
        """Element `index` (1-based, as directories number them), component `component` (0-based); '' if absent."""
        if index > len(self.elements):
            return ""
        value = self.elements[index - 1]
        if isinstance(value, list):
            return value[component] if component < len(value) and value[component] is not None else ""
        return value if component == 0 else ""

    def where(self, index: int | None = None) -> str:
        base = f"segment {self.position} ({self.tag})"
        return f"{base}, element {index}" if index else base


@dataclass
class Message:
    reference: str
    type: str  # CUSCAR
    version: str  # D:95B
    segments: list[Segment] = field(default_factory=list)  # UNH...UNT inclusive

    @property
    def header(self) -> Segment:
        return self.segments[0]


def _chunks(text: str) -> list[str]:
    starts = [m.start() for m in _START.finditer(text)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts[1:], len(text)]
    return [text[a:b] for a, b in zip(starts, bounds, strict=True) if text[a:b].strip()]


def _syntax(chunk: str) -> tuple[Characters, str]:
    """The service characters (UNA's, else the defaults) and the text after UNA."""
    if chunk.startswith("UNA"):
        if len(chunk) < 9:
            raise EDISyntaxError("UNA needs six service characters")
        return Characters.from_str(chunk[:9]), chunk[9:].lstrip("\r\n")
    return Characters(), chunk


def _element(text: str, component: str) -> str | list[str]:
    parts = text.split(component)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts[0] if len(parts) == 1 else parts


def _fast(body: str, chars: Characters) -> Iterator[list]:
    """Split an interchange with no release character in it: then plain splitting is exactly the syntax.

    pydifact's tokenizer reads one character at a time; this path gives the same segments about
    twenty times faster, and a property test holds the two to the same result."""
    pieces = body.split(chars.segment_terminator)
    if pieces[-1].strip():
        raise EDISyntaxError("Unexpected end of EDI messages.")
    for piece in pieces[:-1]:
        piece = piece.lstrip("\r\n")
        if not piece:
            continue
        component = chars.component_separator
        yield [e if component not in e else _element(e, component) for e in piece.split(chars.data_separator)]


def _pydifact(body: str, chars: Characters) -> Iterator[list]:
    tokens = TokenIterator(Tokenizer().get_tokens(body, chars))
    yield from Parser().convert_tokens_to_raw_segments(tokens)


def raw_segments(chunk: str) -> Iterator[list]:
    """One interchange's segments as pydifact shapes them: [tag, element, ...], composites as lists."""
    chars, body = _syntax(chunk)
    if chars.escape_character in body:
        return _pydifact(body, chars)
    return _fast(body, chars)


def segments(data: bytes, *, max_bytes: int = MAX_EDIFACT_BYTES) -> Iterator[Segment]:
    """Every segment of every interchange, in order, with its position."""
    if len(data) > max_bytes:
        raise InvalidMessage(
            [Problem("$", "too_large", f"the message has {len(data):,} bytes; the limit for EDIFACT is {max_bytes:,}")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # UNOA-UNOC are ISO 8859 repertoires
    position = 0
    for chunk in _chunks(text.lstrip("\ufeff")):
        try:
            for raw in raw_segments(chunk.strip()):
                position += 1
                tag = raw[0]
                if not isinstance(tag, str) or not re.fullmatch(r"[A-Z0-9]{3}", tag.strip()):
                    raise EDISyntaxError(f"{tag!r} is not a segment tag")
                yield Segment(tag.strip(), tuple(raw[1:]), position)
        except (EDISyntaxError, PydifactValidationError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise InvalidMessage([Problem(f"segment {position + 1}", "malformed_edifact", str(error))]) from None


def messages(data: bytes) -> list[Message]:
    """The messages of all interchanges, after checking their envelopes."""
    found: list[Message] = []
    problems: list[Problem] = []
    current: Message | None = None
    interchange: Segment | None = None
    in_interchange = 0
    for segment in segments(data):
        tag = segment.tag
        if tag == "UNB":
            if interchange is not None:
                problems.append(Problem(segment.where(), "envelope", "UNB before the previous interchange's UNZ"))
            interchange, in_interchange = segment, 0
        elif tag == "UNZ":
            if interchange is None:
                problems.append(Problem(segment.where(), "envelope", "UNZ without UNB"))
            else:
                if segment.element(1) != str(in_interchange):
                    problems.append(
                        Problem(
                            segment.where(1),
                            "envelope",
                            f"UNZ counts {segment.element(1)} messages, the interchange has {in_interchange}",
                        )
                    )
                if segment.element(2) != interchange.element(5):
                    problems.append(Problem(segment.where(2), "envelope", "UNZ reference differs from UNB's"))
            interchange = None
        elif tag == "UNH":
            if current is not None:
                problems.append(Problem(segment.where(), "envelope", "UNH before the previous message's UNT"))
            current = Message(
                segment.element(1), segment.element(2, 0), f"{segment.element(2, 1)}:{segment.element(2, 2)}", [segment]
            )
        elif current is None:
            if tag not in ("UNG", "UNE"):
                problems.append(Problem(segment.where(), "envelope", f"{tag} outside a message (UNH...UNT)"))
        else:
            current.segments.append(segment)
            if tag == "UNT":
                if segment.element(1) != str(len(current.segments)):
                    problems.append(
                        Problem(
                            segment.where(1),
                            "envelope",
                            f"UNT counts {segment.element(1)} segments, the message has {len(current.segments)}",
                        )
                    )
                if segment.element(2) != current.reference:
                    problems.append(Problem(segment.where(2), "envelope", "UNT reference differs from UNH's"))
                found.append(current)
                in_interchange += 1
                current = None
    if current is not None:
        problems.append(Problem(current.header.where(), "envelope", "message without UNT"))
    if interchange is not None:
        problems.append(Problem(interchange.where(), "envelope", "interchange without UNZ"))
    if problems:
        raise InvalidMessage(problems)
    if not found:
        raise InvalidMessage([Problem("segment 1", "empty", "no EDIFACT message (UNH...UNT) in the input")])
    return found

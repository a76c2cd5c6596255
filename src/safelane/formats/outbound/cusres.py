"""An EDIFACT CUSRES (customs response, D.95B) answering a CUSCAR cargo report.

One interchange, one message: BGM with the report's number, DTM+137 issue time, then per
consignment RFF+BM (its transport document), GIS with the outcome (the channel: GREEN, BLUE,
YELLOW, RED; or REJ with ERC/FTX per problem when the report was refused) and FTX+ACB with the
basis, then FTX+AAO with each finding's explanation, then FTX+REG (UNTDID 4451 "regulatory
information") with who still holds the goods and each border agency's requirement (Single Window,
`single_window` statements). Text is escaped with the release character, so any filer text round-trips.
"""

from datetime import datetime
from typing import Any

from safelane.formats.edifact import messages
from safelane.formats.outbound import single_window
from safelane.results import FilingResult

_SPECIAL = "?'+:"


def escape(text: str) -> str:
    return "".join(f"?{c}" if c in _SPECIAL else c for c in " ".join(text.split()))


def _chunks(text: str, size: int = 70) -> list[str]:
    """FTX text in pieces of up to `size` characters (element 4 repeats up to five times; longer is cut)."""
    words = " ".join(text.split())
    return [words[i : i + size] for i in range(0, min(len(words), size * 5), size)] or [""]


def render(result: FilingResult, *, at: datetime) -> bytes:
    reference = at.strftime("%y%m%d%H%M%S")
    body = [
        "UNH+1+CUSRES:D:95B:UN",
        f"BGM+962+{escape(result.document_number)}+9",
        f"DTM+137:{at:%Y%m%d%H%M}:203",
    ]
    for problem in result.problems:
        body.append("GIS+REJ")
        body.append(f"ERC+{escape(problem.code[:8])}")
        body.append("FTX+AAO+++" + ":".join(escape(c) for c in _chunks(f"{problem.location}: {problem.message}")))
    for consignment in result.consignments:
        body.append(f"RFF+BM:{escape(consignment.reference)}")
        body.append(f"GIS+{consignment.outcome.upper()}")
        body.append("FTX+ACB+++" + ":".join(escape(c) for c in _chunks(consignment.basis)))
        for finding in consignment.findings:
            body.append("FTX+AAO+++" + ":".join(escape(c) for c in _chunks(str(finding["explanation"]))))
        for line in single_window.lines(consignment.held_by, consignment.requirements):
            body.append("FTX+REG+++" + ":".join(escape(c) for c in _chunks(line)))
    body.append(f"UNT+{len(body) + 1}+1")
    segments = ["UNA:+.? ", f"UNB+UNOC:3+SAFELANE+FILER+{at:%y%m%d:%H%M}+{reference}", *body, f"UNZ+1+{reference}"]
    return ("'\n".join(segments) + "'\n").encode("utf-8")


def read(data: bytes) -> list[dict[str, Any]]:
    """The (reference, outcome, basis, held_by, requirements) of each consignment in a CUSRES."""
    found: list[dict[str, Any]] = []
    for message in messages(data):
        number = next((s.element(2) for s in message.segments if s.tag == "BGM"), "")
        for segment in message.segments:
            if segment.tag == "RFF" and segment.element(1, 0) == "BM":
                found.append(
                    {
                        "document_number": number,
                        "reference": segment.element(1, 1),
                        "outcome": None,
                        "basis": "",
                        "regulatory": [],
                    }
                )
            elif segment.tag == "GIS" and found and found[-1]["outcome"] is None:
                found[-1]["outcome"] = segment.element(1).lower()
            elif segment.tag == "FTX" and segment.element(1) in ("ACB", "REG") and found:
                value = segment.elements[3] if len(segment.elements) > 3 else ""
                text = "".join(value) if isinstance(value, list) else value
                if segment.element(1) == "ACB":
                    found[-1]["basis"] = text
                else:
                    found[-1]["regulatory"].append(text)
    for item in found:
        item |= single_window.read(item.pop("regulatory"))
    return found

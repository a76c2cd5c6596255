"""A Cargo-IMP customs status notification (CSN-shaped) for FWB and FHL filers.

Lines, as Cargo-IMP writes them: `CSN/1`, the waybill number, then per house an `HBS/` line, a
`CSN/` status line with the referral and the issue time (ddMMMyyHHmm), and `TXT/` lines with the
basis and each finding's explanation (what to complete, for an RFI), at most 65 characters each
(Cargo-IMP's free-text width; "/" becomes "-"). Then an `OSI/` line (other service information)
with who still holds the goods and one per border agency's requirement (`single_window` statements),
each continued on lines that start with "/". It is shaped after IATA's CSN but not checked against
the (non-public) Cargo-IMP manual.
"""

import textwrap
from datetime import datetime
from typing import Any

from safelane.formats.outbound import single_window
from safelane.results import FilingResult

WIDTH = 65


def _clean(text: str) -> str:
    return " ".join(text.replace("/", "-").upper().split())


def render(result: FilingResult, *, at: datetime) -> bytes:
    lines = ["CSN/1", _clean(result.document_number)]
    stamp = at.strftime("%d%b%y%H%M").upper()
    for problem in result.problems:
        lines += [
            f"CSN/REJ/{stamp}",
            *(f"TXT/{t}" for t in textwrap.wrap(_clean(f"{problem.location}: {problem.message}"), WIDTH)),
        ]
    for consignment in result.consignments:
        lines.append(f"HBS/{_clean(consignment.reference)}")
        lines.append(f"CSN/{consignment.outcome}/{stamp}")
        for text in [consignment.basis, *(str(f["explanation"]) for f in consignment.findings)]:
            lines += [f"TXT/{t}" for t in textwrap.wrap(_clean(text), WIDTH)]
        for text in single_window.lines(consignment.held_by, consignment.requirements):
            first, *rest = textwrap.wrap(_clean(text), WIDTH)
            lines += [f"OSI/{first}", *(f"/{t}" for t in rest)]
    return ("\r\n".join(lines) + "\r\n").encode("ascii", "replace")


def read(data: bytes) -> list[dict[str, Any]]:
    """The (reference, outcome, basis, held_by, requirements) of each house in a CSN-shaped answer."""
    lines = data.decode("ascii").splitlines()
    number = lines[1] if len(lines) > 1 else ""
    found: list[dict[str, Any]] = []
    for line in lines[2:]:
        tag, _, rest = line.partition("/")
        if tag == "HBS":
            found.append({"document_number": number, "reference": rest, "outcome": None, "basis": "", "osi": []})
        elif tag == "CSN" and found:
            found[-1]["outcome"] = rest.split("/")[0]
        elif tag == "TXT" and found:
            found[-1]["basis"] = f"{found[-1]['basis']} {rest}".strip()
        elif tag == "OSI" and found:
            found[-1]["osi"].append(rest)
        elif not tag and found and found[-1]["osi"]:
            found[-1]["osi"][-1] += f" {rest}"
    for item in found:
        item |= single_window.read(item.pop("osi"))
    return found

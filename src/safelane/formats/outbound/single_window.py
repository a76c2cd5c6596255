"""Every border agency's word in one answer (Single Window): who still holds the goods, and each requirement.

Each answer standard has its own place for regulatory free text (EDIFACT FTX+REG, Cargo-XML customs notes,
DMS AdditionalInformation, ICS interventions, Cargo-IMP OSI lines); what goes there is the same short
statement everywhere, so a filer's software and our own round-trip tests read it one way:

    held by: customs plant_health          (or "held by: none")
    plant_health documents N851: a phytosanitary certificate is required for plants from ...
"""

import re
from collections.abc import Iterable
from typing import Any

from safelane.domain.assessment import REQUIREMENT_ACTIONS

HELD = "held by:"
_STATEMENT = re.compile(rf"^([a-z0-9_]+) ({'|'.join(REQUIREMENT_ACTIONS)})((?: [A-Z0-9_-]+)*): ?(.*)$", re.S)


def held_line(held_by: Iterable[str]) -> str:
    return f"{HELD} {' '.join(held_by) or 'none'}"


def statement(requirement: dict[str, Any]) -> str:
    """One requirement as `agency action [documents]: explanation`."""
    head = " ".join([requirement["agency"], requirement["action"], *requirement.get("documents", ())])
    return f"{head}: {' '.join(str(requirement['explanation']).split())}"


def lines(held_by: Iterable[str], requirements: Iterable[dict[str, Any]]) -> list[str]:
    return [held_line(held_by), *(statement(r) for r in requirements)]


def read(texts: Iterable[str]) -> dict[str, Any]:
    """`held_by` and `requirements` (agency, action, documents, explanation) from statements; other text is
    skipped. Agency and action are read case-insensitively (Cargo-IMP writes upper case)."""
    held: list[str] | None = None
    found: list[dict[str, Any]] = []
    for text in texts:
        text = " ".join(text.split())
        if text.lower().startswith(HELD):
            named = text[len(HELD) :].lower().split()
            held = [] if named == ["none"] else named
            continue
        head, colon, explanation = text.partition(":")
        words = head.split()
        match = _STATEMENT.match(f"{' '.join([w.lower() for w in words[:2]] + words[2:])}{colon}{explanation}")
        if match:
            agency, action, documents, explanation = match.groups()
            found.append(
                {"agency": agency, "action": action, "documents": documents.split(), "explanation": explanation}
            )
    return {"held_by": held, "requirements": found}

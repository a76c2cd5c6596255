"""What the pipeline answers: per filing, per consignment, the decision and the findings behind it."""

from dataclasses import dataclass, field
from typing import Any

from safelane.domain import Problem
from safelane.domain.assessment import CUSTOMS

CUSTOMS_HOLDS = ("yellow", "red")  # customs' controls: the goods wait for its release (cases.outcomes)


@dataclass(frozen=True)
class ConsignmentResult:
    consignment_id: str  # safelane's id, stable across versions (the reference when nothing is stored)
    reference: str  # the filer's own reference (house, else master document)
    answer: str  # referral | channel
    outcome: str
    score: float
    basis: str
    findings: list[dict[str, Any]]
    decision_id: str | None = None
    state: str | None = None
    priority: dict[str, Any] | None = None  # the continuity tier and expected processing time, in a disruption
    requirements: list[dict[str, Any]] = field(default_factory=list)  # other border agencies' (Single Window)
    held_by: list[str] = field(default_factory=list)  # who still holds the goods (customs and agencies)

    def as_dict(self) -> dict[str, Any]:
        data = {
            "consignment_id": self.consignment_id,
            "reference": self.reference,
            self.answer: self.outcome,
            "score": self.score,
            "basis": self.basis,
            "findings": self.findings,
            "held_by": self.held_by,
        }
        if self.decision_id:
            data["decision_id"] = self.decision_id
            data["state"] = self.state
        if self.priority:
            data["continuity"] = self.priority
        if self.requirements:
            data["requirements"] = self.requirements
        return data


def holders(
    answer: str, outcome: str, requirements: list[dict[str, Any]], released: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Who holds the goods on a decision: customs for a yellow or red channel, each agency whose requirement is
    not a release; less those that have released them since."""
    held = {r["agency"] for r in requirements if r["action"] != "release"}
    if answer == "channel" and outcome in CUSTOMS_HOLDS:
        held.add(CUSTOMS)
    return sorted(held - released)


@dataclass(frozen=True)
class FilingResult:
    status: str  # accepted | duplicate | rejected | conflict
    document_number: str
    version: int
    filing_id: str | None = None
    consignments: list[ConsignmentResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "filing_id": self.filing_id,
            "document_number": self.document_number,
            "version": self.version,
            "consignments": [c.as_dict() for c in self.consignments],
        }
        if self.problems:
            data["problems"] = [p.as_dict() for p in self.problems]
        return data

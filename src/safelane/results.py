"""What the pipeline answers: per filing, per consignment, the decision and the findings behind it."""

from dataclasses import dataclass, field
from typing import Any

from safelane.domain import Problem


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

    def as_dict(self) -> dict[str, Any]:
        data = {
            "consignment_id": self.consignment_id,
            "reference": self.reference,
            self.answer: self.outcome,
            "score": self.score,
            "basis": self.basis,
            "findings": self.findings,
        }
        if self.decision_id:
            data["decision_id"] = self.decision_id
            data["state"] = self.state
        if self.priority:
            data["continuity"] = self.priority
        if self.requirements:
            data["requirements"] = self.requirements
        return data


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

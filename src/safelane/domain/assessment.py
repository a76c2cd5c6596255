"""Findings, assessments and decisions: every score and every decision explains itself."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safelane.domain.codes import Channel, Referral


@dataclass(frozen=True, slots=True)
class Finding:
    assessor: str  # profiles, screening, model, ...
    code: str  # e.g. the profile id
    score: float  # contribution on a 0-100 scale; negative for facilitation
    explanation: str  # a sentence a customs officer understands
    evidence: Mapping[str, Any] = field(default_factory=dict)
    referral: Referral | None = None  # the least referral this finding demands
    channel: Channel | None = None  # the least channel this finding demands
    agency: str | None = None  # the border agency whose rule this is (docs/agencies.md); None: customs

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "assessor": self.assessor,
            "code": self.code,
            "score": round(self.score, 2),
            "explanation": self.explanation,
            "evidence": dict(self.evidence),
        }
        if self.referral:
            data["referral"] = self.referral.value
        if self.channel:
            data["channel"] = self.channel.value
        if self.agency:
            data["agency"] = self.agency
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Finding":
        return cls(
            assessor=data["assessor"],
            code=data["code"],
            score=float(data["score"]),
            explanation=data["explanation"],
            evidence=data.get("evidence", {}),
            referral=Referral(data["referral"]) if data.get("referral") else None,
            channel=Channel(data["channel"]) if data.get("channel") else None,
            agency=data.get("agency") or None,
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float  # 0-100
    findings: tuple[Finding, ...]
    versions: Mapping[str, str] = field(default_factory=dict)  # knowledge used: profile set, list, model


#: The agency code of customs itself; other border agencies have their own codes (plant_health, veterinary, ...).
CUSTOMS = "customs"

#: What another border agency requires of one consignment, on the one answer the filer gets (Single Window).
REQUIREMENT_ACTIONS = ("hold", "documents", "release", "refuse")


@dataclass(frozen=True, slots=True)
class AgencyRequirement:
    """One agency's requirement on a consignment beside customs' channel or referral, with its reasons."""

    agency: str  # the agency's code
    action: str  # one of REQUIREMENT_ACTIONS: hold for inspection, documents required, release, refuse entry
    explanation: str  # a sentence the filer and the agency's officer understand
    documents: tuple[str, ...] = ()  # document codes required (e.g. WCO DM "N851" phytosanitary certificate)
    reasons: tuple[str, ...] = ()  # codes of the findings that caused it

    def __post_init__(self) -> None:
        if self.action not in REQUIREMENT_ACTIONS:
            raise ValueError(f"agency requirement action {self.action!r} is not one of {REQUIREMENT_ACTIONS}")

    @property
    def holds(self) -> bool:
        """Whether the goods wait for this agency (hold, documents still missing, or refused)."""
        return self.action != "release"

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "action": self.action,
            "explanation": self.explanation,
            "documents": list(self.documents),
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AgencyRequirement":
        return cls(
            agency=data["agency"],
            action=data["action"],
            explanation=data["explanation"],
            documents=tuple(data.get("documents", ())),
            reasons=tuple(data.get("reasons", ())),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    answer: str  # "referral" or "channel"
    outcome: Referral | Channel
    basis: str  # why this outcome: a floor set by a finding, or the score against a threshold
    reasons: tuple[Finding, ...]  # the findings that caused it
    # Why it was selected for control: "mandatory" (a finding's floor), "risk" (the score, within capacity),
    # "random" (the compliance sample, the honest baseline), "exploration" (for the model); None: not selected.
    selection: str | None = None
    inspection: str | None = None  # the capacity it uses: documentary | nii | physical | referral
    requirements: tuple[AgencyRequirement, ...] = ()  # other border agencies' requirements on the same filing

    @property
    def random(self) -> bool:
        return self.selection == "random"

"""Facilitation for trusted traders in selection: what an AEO's benefits change, and what they never change.

The facilitation assessor (`safelane.traders.facilitation`) puts the benefits an authorisation earned at the
filing time in its applied finding's evidence; this module reads them:

* a lower random-sample rate and a lower exploration weight (trusted traders stay in the random sample, at
  their rate, so their compliance is measured, not assumed);
* a physical inspection becomes a documentary check where the benefit allows it, unless any finding demanding
  the red channel is a screening hit, another agency's or plugin's floor, or a profile marked
  `applies_to_trusted: true`. Referrals (RFI, RFS, DNL) are never touched.

Pure: no I/O; the decision's basis says what facilitation changed.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from safelane.domain import Assessment, Channel, Decision, Lodgement
from safelane.selection.policy import Policy

TRADERS = "traders"  # the facilitation assessor's name
PROFILES = "profiles"
SCREENING = "screening"


def benefits_of(assessment: Assessment) -> Mapping[str, Any] | None:
    """The benefits of the one applied facilitation finding, if the consignment has one."""
    for finding in assessment.findings:
        if finding.assessor == TRADERS and finding.evidence.get("applied"):
            benefits = finding.evidence.get("benefits")
            return benefits if isinstance(benefits, Mapping) else None
    return None


def random_rate(rate: float, assessment: Assessment) -> float:
    """The random-sample rate for this consignment: the office's, times the trusted trader's factor."""
    benefits = benefits_of(assessment)
    return rate * float(benefits.get("random_rate_factor", 1.0)) if benefits else rate


def explore_factor(assessment: Assessment) -> float:
    benefits = benefits_of(assessment)
    return float(benefits.get("explore_factor", 1.0)) if benefits else 1.0


def queue_priority(assessment: Assessment, decision: Decision) -> int:
    """The trusted trader's place in the officers' queue (higher is worked first; 0: none). A DNL or a decision a
    screening hit caused gets none: those are worked first in their continuity tier, by risk
    (`safelane.cases.queue`), so a benefit never puts a trader's case above them."""
    benefits = benefits_of(assessment)
    if not benefits or decision.outcome.value == "DNL" or any(f.assessor == SCREENING for f in decision.reasons):
        return 0
    return int(benefits.get("queue_priority", 0))


def _eases(finding: Any, policy: Policy) -> bool:
    """Whether a finding's red floor may become a documentary check for a trusted trader."""
    return finding.assessor == PROFILES and not finding.evidence.get("applies_to_trusted")


def documentary_instead(lodgement: Lodgement, assessment: Assessment, decision: Decision, policy: Policy) -> Decision:
    """A red decision for a trusted trader whose benefits allow it becomes yellow (documentary check), unless a
    floor that must hold for trusted traders demands red."""
    if decision.answer != "channel" or decision.outcome is not Channel.RED:
        return decision
    benefits = benefits_of(assessment)
    if not benefits or not benefits.get("documentary_instead_of_physical"):
        return decision
    holding = [
        f
        for f in assessment.findings
        if f.channel is Channel.RED and policy.honours_floor_of(f.assessor) and not _eases(f, policy)
    ]
    if holding:
        return decision
    trusted = next(f for f in assessment.findings if f.assessor == TRADERS and f.evidence.get("applied"))
    return replace(
        decision,
        outcome=Channel.YELLOW,
        basis=f"{decision.basis}; documentary check instead of physical inspection for trusted trader {trusted.code}",
        inspection="documentary" if decision.inspection else None,
    )

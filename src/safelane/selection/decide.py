"""decide(): the least intrusive outcome that every finding and the score allow, as if capacity were unlimited.

Each decision also says why it would be controlled (selection: "mandatory" for a finding's floor, "risk" for
the score) and by what (inspection: physical for red, documentary for yellow, referral for RFI/RFS/DNL);
`capacity.allocate` then fits the batch to what each office can control today.
"""

from collections.abc import Sequence

from safelane.domain import Assessment, Channel, Decision, Finding, Lodgement, Referral
from safelane.selection.facilitation import documentary_instead
from safelane.selection.policy import Policy

NO_CONTROL = frozenset({Referral.ASSESSMENT_COMPLETE, Channel.GREEN, Channel.BLUE})
Outcome = Referral | Channel


def inspection_of(outcome: Referral | Channel) -> str | None:
    """The capacity an outcome uses; None for outcomes that need no control."""
    if outcome in NO_CONTROL:
        return None
    if isinstance(outcome, Referral):
        return "referral"
    return "physical" if outcome is Channel.RED else "documentary"


def _by_score(score: float, thresholds: Sequence[tuple[float, Outcome]]) -> tuple[Outcome | None, float | None]:
    for threshold, outcome in thresholds:
        if score >= threshold:
            return outcome, threshold
    return None, None


def demands(finding: Finding, answer: str, policy: Policy) -> Referral | Channel | None:
    """The least outcome a finding demands of this kind of answer (a referral or a channel), if its assessor
    may demand one."""
    if not policy.honours_floor_of(finding.assessor):
        return None
    return finding.referral if answer == "referral" else finding.channel


def floor_of(lodgement: Lodgement, assessment: Assessment, policy: Policy) -> Referral | Channel | None:
    """The most severe outcome a finding demands for this kind of filing, if any."""
    floors = [d for f in assessment.findings if (d := demands(f, lodgement.kind.answer, policy))]
    return max(floors, key=lambda o: o.severity, default=None)


def floor_reasons(
    lodgement: Lodgement, assessment: Assessment, floor: Referral | Channel, policy: Policy
) -> tuple[Finding, ...]:
    return tuple(f for f in assessment.findings if demands(f, lodgement.kind.answer, policy) == floor)


def named(reasons: Sequence[Finding]) -> str:
    """'profiles AIR-TONER-YE, screening demo-nk-falcon-star': the findings a basis cites."""
    return ", ".join(f"{f.assessor} {f.code}" for f in reasons)


def _decide_one(lodgement: Lodgement, assessment: Assessment, policy: Policy) -> Decision:
    thresholds: list[tuple[float, Outcome]]
    if lodgement.kind.answer == "referral":
        thresholds = [(policy.rfs_score, Referral.RFS), (policy.rfi_score, Referral.RFI)]
        least: Referral | Channel = Referral.ASSESSMENT_COMPLETE
    else:
        thresholds = [
            (policy.red_score, Channel.RED),
            (policy.yellow_score, Channel.YELLOW),
            (policy.blue_score, Channel.BLUE),
        ]
        least = Channel.GREEN
    by_score, threshold = _by_score(assessment.score, thresholds)
    floor = floor_of(lodgement, assessment, policy)
    if floor is not None and (by_score is None or floor.severity >= by_score.severity):
        reasons = floor_reasons(lodgement, assessment, floor, policy)
        inspection = inspection_of(floor)
        return Decision(
            lodgement.kind.answer,
            floor,
            f"{floor.value} required by {named(reasons)}",
            reasons,
            "mandatory" if inspection else None,
            inspection,
        )
    if by_score is not None:
        reasons = tuple(f for f in assessment.findings if f.score > 0)
        basis = f"score {assessment.score:g} reaches the {by_score.value} threshold {threshold:g}"
        inspection = inspection_of(by_score)
        return Decision(lodgement.kind.answer, by_score, basis, reasons, "risk" if inspection else None, inspection)
    return Decision(lodgement.kind.answer, least, f"score {assessment.score:g} is below every threshold", ())


def decide(items: Sequence[tuple[Lodgement, Assessment]], policy: Policy) -> list[Decision]:
    """Batch in, as `capacity.allocate` (which needs the whole batch) takes it next."""
    return [
        documentary_instead(lodgement, assessment, _decide_one(lodgement, assessment, policy), policy)
        for lodgement, assessment in items
    ]

"""decide(): the least intrusive outcome that every finding and the score allow."""

from collections.abc import Sequence

from safelane.domain import Assessment, Channel, Decision, Finding, Lodgement, Referral
from safelane.selection.policy import Policy


def _by_score(score: float, thresholds: Sequence[tuple[float, Referral | Channel]]):
    for threshold, outcome in thresholds:
        if score >= threshold:
            return outcome, threshold
    return None, None


def _decide_one(lodgement: Lodgement, assessment: Assessment, policy: Policy) -> Decision:
    if lodgement.kind.answer == "referral":
        floors = [(f.referral, f) for f in assessment.findings if f.referral]
        thresholds = [(policy.rfs_score, Referral.RFS), (policy.rfi_score, Referral.RFI)]
        least: Referral | Channel = Referral.ASSESSMENT_COMPLETE
    else:
        floors = [(f.channel, f) for f in assessment.findings if f.channel]
        thresholds = [(policy.red_score, Channel.RED), (policy.yellow_score, Channel.YELLOW),
                      (policy.blue_score, Channel.BLUE)]
        least = Channel.GREEN
    by_score, threshold = _by_score(assessment.score, thresholds)
    floor = max((outcome for outcome, _ in floors), key=lambda o: o.severity, default=None)
    if floor is not None and (by_score is None or floor.severity >= by_score.severity):
        reasons: tuple[Finding, ...] = tuple(f for outcome, f in floors if outcome == floor)
        names = ", ".join(f"{f.assessor} {f.code}" for f in reasons)
        return Decision(lodgement.kind.answer, floor, f"{floor.value} required by {names}", reasons)
    if by_score is not None:
        reasons = tuple(f for f in assessment.findings if f.score > 0)
        basis = f"score {assessment.score:g} reaches the {by_score.value} threshold {threshold:g}"
        return Decision(lodgement.kind.answer, by_score, basis, reasons)
    return Decision(lodgement.kind.answer, least, f"score {assessment.score:g} is below every threshold", ())


def decide(items: Sequence[tuple[Lodgement, Assessment]], policy: Policy) -> list[Decision]:
    """Batch in, so that capacity and random sampling (which need the whole batch) fit here later."""
    return [_decide_one(lodgement, assessment, policy) for lodgement, assessment in items]

"""Late lodgement: advance cargo information filed so close to when the goods move that customs can hardly act.

Pre-loading air cargo should reach customs well before departure, a cargo report or declaration well before
arrival; one filed within `SAFELANE_LATE_FILING_HOURS` (24 by default) of that moment raises the risk score
a little, so late filers rank higher in the queue. It demands no referral or channel of its own.
"""

from collections.abc import Mapping, Sequence

from safelane.domain import FilingKind, Finding, Lodgement
from safelane.risk.registry import AssessorContext, AssessorSpec

NAME = "late_filing"
HOURS = "SAFELANE_LATE_FILING_HOURS"
DEFAULT_HOURS = 24.0
SCORE = 20.0


class LateFilingAssessor:
    name = NAME

    def __init__(self, hours: float):
        self.hours = hours

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        return [self._one(lodgement) for lodgement in lodgements]

    def _one(self, lodgement: Lodgement) -> list[Finding]:
        deadline = lodgement.deadline
        if deadline is None:
            return []
        hours = (deadline - lodgement.filed_at).total_seconds() / 3600
        if hours >= self.hours:
            return []
        moves = "departure" if lodgement.kind is FilingKind.PRE_LOADING else "arrival"
        when = f"{hours:.1f} h before" if hours >= 0 else f"{-hours:.1f} h after"
        explanation = f"Filed {when} {moves}; advance information is due {self.hours:g} h before {moves}."
        evidence = {
            "filed_at": lodgement.filed_at.isoformat(),
            moves: deadline.isoformat(),
            "hours_before": round(hours, 1),
            "hours_due": self.hours,
        }
        return [Finding(NAME, "LATE", SCORE, explanation, evidence)]

    def versions(self) -> Mapping[str, str]:
        return {NAME: f"{self.hours:g} h"}


def build(context: AssessorContext) -> LateFilingAssessor:
    return LateFilingAssessor(float(context.settings.options.get(HOURS, DEFAULT_HOURS)))


SPEC = AssessorSpec(
    NAME, "Late lodgement", build, order=50, settings=(HOURS,), evidence="safelane_late_filing:evidence.html"
)

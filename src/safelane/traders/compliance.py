"""Is the trust deserved? Irregularity rates of trusted traders in the random compliance sample, against the rest.

Only random-sample inspections count: targeted ones are chosen because they look risky, and trusted traders are
targeted less, so comparing targeted hit rates would flatter them. Each inspected consignment is credited to the
authorisation its assessment applied (programme and type, and the operator), or to the peers (no trusted trader
facilitated). Rates come with 95 % Wilson intervals; an operator whose interval lies wholly above the peers' rate
(at least `MIN_INSPECTIONS` inspections) is flagged for a supervisor's review, which may lead to a suspension.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safelane.cases.dashboard import wilson
from safelane.cases.outcomes import HIT_RESULTS

MIN_INSPECTIONS = 5
PEERS = "no trusted trader"


@dataclass
class Measure:
    kind: str  # programme | operator | peers
    group: str  # "EU-AEO AEOF", the operator's name, or PEERS
    operator_id: str | None = None
    inspections: int = 0
    irregular: int = 0
    flagged: bool = False

    @property
    def rate(self) -> float | None:
        return self.irregular / self.inspections if self.inspections else None

    def as_dict(self) -> dict[str, Any]:
        low, high = wilson(self.irregular, self.inspections) or (None, None)
        return {
            "kind": self.kind,
            "group": self.group,
            "operator_id": self.operator_id,
            "inspections": self.inspections,
            "irregular": self.irregular,
            "rate": self.rate,
            "low": low,
            "high": high,
            "flagged": self.flagged,
        }


def _applied(findings: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for finding in findings:
        evidence = finding.get("evidence")
        if finding.get("assessor") == "traders" and isinstance(evidence, Mapping) and evidence.get("applied"):
            return evidence
    return None


def measure(inspected: Iterable[tuple[Sequence[Mapping[str, Any]], str]]) -> list[Measure]:
    """(the assessment's findings, the outcome's result) per random-sample inspection -> the measures, peers
    first, then programmes, then operators (flagged ones first)."""
    peers = Measure("peers", PEERS)
    programmes: dict[str, Measure] = {}
    operators: dict[str, Measure] = {}
    for findings, result in inspected:
        irregular = result in HIT_RESULTS
        evidence = _applied(findings)
        if evidence is None:
            targets = [peers]
        else:
            label = f"{evidence.get('programme', '')} {evidence.get('type', '')}".strip()
            operator_id = str(evidence.get("operator_id", ""))
            targets = [
                programmes.setdefault(label, Measure("programme", label)),
                operators.setdefault(
                    operator_id, Measure("operator", str(evidence.get("operator", operator_id)), operator_id)
                ),
            ]
        for target in targets:
            target.inspections += 1
            target.irregular += irregular
    baseline = peers.rate
    for operator in operators.values():
        interval = wilson(operator.irregular, operator.inspections)
        operator.flagged = bool(
            baseline is not None and interval and operator.inspections >= MIN_INSPECTIONS and interval[0] > baseline
        )
    ordered = sorted(operators.values(), key=lambda m: (not m.flagged, -(m.rate or 0.0), m.group))
    return [peers, *sorted(programmes.values(), key=lambda m: m.group), *ordered]

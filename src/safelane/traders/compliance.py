"""Is the trust deserved? Irregularity rates of trusted traders in the random compliance sample, against non-AEOs
of the same goods and routes.

Only random-sample inspections count: targeted ones are chosen because they look risky, and trusted traders are
targeted less, so comparing targeted hit rates would flatter them. Each inspected consignment is credited to the
authorisation its assessment applied (programme and type, and the operator), or to the peers (no trusted trader
facilitated). A consignment's goods and routes are its cells, HS chapter by country of origin (`61 CN`); a
trusted group is compared with the peers' inspections that share at least one of its cells, since an importer of
Chinese garments should be measured against Chinese garments, not against the whole office.

Rates come with 95 % Wilson intervals. An operator is flagged for a supervisor's review when, with at least
`MIN_INSPECTIONS` inspections, its interval's lower bound lies above the upper bound of its peers' interval:
non-overlapping intervals are a conservative test (at the 95 % level each, a false flag needs both intervals
to miss), which suits a flag that may lead to a suspension.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from safelane.cases.dashboard import wilson
from safelane.cases.outcomes import HIT_RESULTS

MIN_INSPECTIONS = 5
PEERS = "no trusted trader"


@dataclass(frozen=True)
class Inspected:
    """One random-sample inspection: the assessment's findings, the outcome's result, the goods and routes."""

    findings: Sequence[Mapping[str, Any]]
    result: str
    cells: frozenset[str] = frozenset()


def cells_of(data: Mapping[str, Any]) -> frozenset[str]:
    """A stored consignment's goods and routes: 'HS chapter origin' per goods item ('?' for what is not given;
    the consignor's country stands in for a missing origin)."""
    consignor = data.get("consignor") or {}
    fallback = ((consignor.get("address") or {}).get("country")) or "?"
    cells = set()
    for goods in data.get("goods") or []:
        hs = str(goods.get("hs_code") or "")
        cells.add(f"{hs[:2] if len(hs) >= 2 else '?'} {goods.get('origin_country') or fallback}")
    return frozenset(cells or {f"? {fallback}"})


@dataclass
class Measure:
    kind: str  # programme | operator | peers
    group: str  # "EU-AEO AEOF", the operator's name, or PEERS
    operator_id: str | None = None
    inspections: int = 0
    irregular: int = 0
    flagged: bool = False
    cells: set[str] = field(default_factory=set)
    authorisations: set[str] = field(default_factory=set)
    peer_inspections: int = 0
    peer_irregular: int = 0
    alike: bool = True  # the peers are of the same goods and routes (else all peers: none of them was inspected)

    @property
    def rate(self) -> float | None:
        return self.irregular / self.inspections if self.inspections else None

    @property
    def peer_rate(self) -> float | None:
        return self.peer_irregular / self.peer_inspections if self.peer_inspections else None

    def as_dict(self) -> dict[str, Any]:
        low, high = wilson(self.irregular, self.inspections) or (None, None)
        peer_low, peer_high = wilson(self.peer_irregular, self.peer_inspections) or (None, None)
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
            "goods_routes": "; ".join(sorted(self.cells)),
            "peers": "same goods and routes" if self.alike else "all (none of the same goods and routes)",
            "peer_inspections": self.peer_inspections,
            "peer_irregular": self.peer_irregular,
            "peer_rate": self.peer_rate,
            "peer_low": peer_low,
            "peer_high": peer_high,
            "authorisation_ids": sorted(self.authorisations),
        }


def _applied(findings: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for finding in findings:
        evidence = finding.get("evidence")
        if finding.get("assessor") == "traders" and isinstance(evidence, Mapping) and evidence.get("applied"):
            return evidence
    return None


def _compare(group: Measure, peers: Sequence[tuple[frozenset[str], bool]]) -> None:
    """The peers' inspections sharing a cell with the group (all peers when none does), and whether the group is
    credibly worse."""
    alike = [irregular for cells, irregular in peers if cells & group.cells]
    group.alike = bool(alike)
    if not alike:
        alike = [irregular for _, irregular in peers]
    group.peer_inspections, group.peer_irregular = len(alike), sum(alike)
    mine, theirs = wilson(group.irregular, group.inspections), wilson(group.peer_irregular, group.peer_inspections)
    group.flagged = bool(
        group.kind == "operator" and mine and theirs and group.inspections >= MIN_INSPECTIONS and mine[0] > theirs[1]
    )


def measure(inspected: Iterable[Inspected]) -> list[Measure]:
    """The random sample's inspections -> the measures: all peers first, then programmes, then operators (flagged
    ones first), each trusted group beside its peers of the same goods and routes."""
    peers = Measure("peers", PEERS)
    peer_cells: list[tuple[frozenset[str], bool]] = []
    programmes: dict[str, Measure] = {}
    operators: dict[str, Measure] = {}
    for item in inspected:
        irregular = item.result in HIT_RESULTS
        evidence = _applied(item.findings)
        if evidence is None:
            targets = [peers]
            peer_cells.append((item.cells, irregular))
        else:
            label = f"{evidence.get('programme', '')} {evidence.get('type', '')}".strip()
            operator_id = str(evidence.get("operator_id", ""))
            operator = operators.setdefault(
                operator_id, Measure("operator", str(evidence.get("operator", operator_id)), operator_id)
            )
            if evidence.get("authorisation_id"):
                operator.authorisations.add(str(evidence["authorisation_id"]))
            targets = [programmes.setdefault(label, Measure("programme", label)), operator]
        for target in targets:
            target.inspections += 1
            target.irregular += irregular
            if target is not peers:
                target.cells |= item.cells
    peers.peer_inspections, peers.peer_irregular = peers.inspections, peers.irregular
    for group in [*programmes.values(), *operators.values()]:
        _compare(group, peer_cells)
    ordered = sorted(operators.values(), key=lambda m: (not m.flagged, -(m.rate or 0.0), m.group))
    return [peers, *sorted(programmes.values(), key=lambda m: m.group), *ordered]

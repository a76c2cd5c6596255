"""Continuity priority: during a declared disruption, selection goes tier by tier, then by risk.

A continuity plan sorts consignments into tiers (1 essential goods, 2 trusted traders and MRA partners, 3 the
rest; see `safelane.resilience.tiers`). This module is the whole of what that changes in selection:

- `relieve`: the plan's temporary measure "documentary instead of physical" for the tiers it names. Only a
  *risk* selection is relieved: a finding's floor (a strong screening hit, a DNL, a profile that forces red)
  stands in every tier, because security is not suspended by a disruption;
- `with_extra`: the plan's temporary capacity, added to the offices' daily limits;
- `allocate`: capacity is given tier 1 first, then 2, then 3 (within a tier, highest score first, as always);
- `queue_key`: the order of the officers' queue and of clearance in the simulator: tier, then risk.

Without a disruption every tier is None and `allocate` is exactly `capacity.allocate`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from safelane.domain import Assessment, Channel, Decision, Lodgement
from safelane.selection.capacity import OfficeSettings, Usage
from safelane.selection.capacity import allocate as allocate_capacity
from safelane.selection.policy import Policy

UNTIERED = 3  # a consignment no disruption covers queues with the rest


@dataclass(frozen=True, slots=True)
class Priority:
    """A consignment's place under a continuity plan: what the filer's answer and the queue carry."""

    disruption_id: str
    tier: int  # 1 essential goods, 2 trusted traders, 3 the rest
    reason: str  # why this tier: "essential goods (medical): HS 300215", "trusted trader", ...
    expected_hours: float  # the plan's expected processing time for the tier
    documentary: bool = False  # the plan replaces a risk-driven physical inspection by a documentary check

    def as_dict(self) -> dict[str, object]:
        return {
            "disruption_id": self.disruption_id,
            "tier": self.tier,
            "reason": self.reason,
            "expected_processing_hours": self.expected_hours,
        }


def relieve(decisions: Sequence[Decision], priorities: Sequence[Priority | None]) -> list[Decision]:
    """Risk-driven physical inspections become documentary checks where the plan says so; floors stand."""
    out = []
    for decision, priority in zip(decisions, priorities, strict=True):
        if (
            priority is not None
            and priority.documentary
            and decision.selection == "risk"
            and decision.outcome is Channel.RED
        ):
            basis = (
                f"{decision.basis}; continuity plan of {priority.disruption_id}: documentary check instead of "
                f"physical inspection for tier {priority.tier}"
            )
            decision = replace(decision, outcome=Channel.YELLOW, basis=basis, inspection="documentary")
        out.append(decision)
    return out


def with_extra(
    settings_for: Callable[[str | None], OfficeSettings], extra: Mapping[str, Mapping[str, int]]
) -> Callable[[str | None], OfficeSettings]:
    """Office settings with the plan's temporary capacity added (an unlimited kind stays unlimited)."""
    if not extra:
        return settings_for

    def settings(office: str | None) -> OfficeSettings:
        base = settings_for(office)
        added = extra.get(office or "") or {}
        if not added:
            return base
        capacity = {k: v + added.get(k, 0) for k, v in base.capacity.items()}
        return replace(base, capacity=capacity)

    return settings


def allocate(
    items: Sequence[tuple[Lodgement, Assessment]],
    decisions: Sequence[Decision],
    tiers: Sequence[int | None],
    settings_for: Callable[[str | None], OfficeSettings],
    used: Usage,
    policy: Policy,
    key: bytes,
) -> list[Decision]:
    """`capacity.allocate`, tier by tier: what tier 1 takes is used before tier 2 is allocated."""
    groups = sorted({UNTIERED if t is None else t for t in tiers})
    if len(groups) <= 1:
        return allocate_capacity(items, decisions, settings_for, used, policy, key)
    out: list[Decision | None] = [None] * len(items)
    books = used.copy()
    for tier in groups:
        index = [i for i, t in enumerate(tiers) if (UNTIERED if t is None else t) == tier]
        part = allocate_capacity(
            [items[i] for i in index], [decisions[i] for i in index], settings_for, books, policy, key
        )
        for i, decision in zip(index, part, strict=True):
            if decision.selection and decision.inspection:
                books.add(items[i][0].consignment.entry_office, decision.inspection, decision.selection)
            out[i] = decision
    return [d for d in out if d is not None]


def queue_key(tier: int | None, score: float) -> tuple[int, float]:
    """Tier first (untiered with the rest), then the riskiest first."""
    return (UNTIERED if tier is None else tier, -score)

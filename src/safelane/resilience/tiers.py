"""Priority tiers of a continuity plan: 1 essential goods, 2 trusted traders and MRA partners, 3 the rest.

Whether a filer is a trusted trader is the trader registry's knowledge (`safelane.traders`, built alongside):
it plugs in as a `TrustedTraders`, asked "as of" the decision time like every other piece of knowledge.
Until it is wired in, `NoTrustedTraders` says no to everyone, so tier 2 stays empty rather than guessed.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from safelane.domain import Lodgement
from safelane.resilience.disruption import Disruption
from safelane.resilience.essential import essential_goods
from safelane.selection.continuity import Priority


class TrustedTraders(Protocol):
    def is_trusted(self, lodgement: Lodgement, at: datetime) -> bool:
        """Whether the lodgement's trader held an AEO (or MRA-recognised) authorisation at `at`."""
        ...


class NoTrustedTraders:
    """The default until the trader registry is wired in: nobody is trusted."""

    def is_trusted(self, lodgement: Lodgement, at: datetime) -> bool:
        return False


class NamedTrustedTraders:
    """Trusted traders by filer name: the simulator's stand-in for the registry, and a test double."""

    def __init__(self, filers: frozenset[str] | set[str]):
        self.filers = frozenset(filers)

    def is_trusted(self, lodgement: Lodgement, at: datetime) -> bool:
        return lodgement.filer in self.filers


def tier_of(lodgement: Lodgement, at: datetime, trusted: TrustedTraders) -> tuple[int, str]:
    """The tier and the reason a filer or an officer reads."""
    if found := essential_goods(lodgement, at.date()):
        hs_code, entry = found
        return 1, f"essential goods ({entry.category}): HS {hs_code} under {entry.hs_prefix}, {entry.description}"
    if trusted.is_trusted(lodgement, at):
        return 2, "trusted trader (AEO or MRA partner)"
    return 3, "other consignments"


def priorities(
    lodgements: Sequence[Lodgement], at: datetime, disruptions: Sequence[Disruption], trusted: TrustedTraders
) -> list[Priority | None]:
    """Each lodgement's priority under the first disruption in force that covers it (None: none does)."""
    active = [d for d in disruptions if d.in_force(at)]
    if not active:
        return [None] * len(lodgements)
    out: list[Priority | None] = []
    for lodgement in lodgements:
        disruption = next((d for d in active if d.scope.covers(lodgement)), None)
        if disruption is None:
            out.append(None)
            continue
        plan = disruption.plan
        if plan.priority == "fifo":
            tier, reason = 3, "first in, first out (the plan sets no tiers)"
        else:
            tier, reason = tier_of(lodgement, at, trusted)
        out.append(
            Priority(
                disruption.disruption_id,
                tier,
                reason,
                plan.expected_hours.get(tier, plan.expected_hours.get(3, 48.0)),
                plan.priority == "tiered" and tier in plan.documentary_tiers,
            )
        )
    return out


class Continuity:
    """What the pipeline asks per batch: the disruptions in force (from the store, refreshed) and the trusted
    traders; `extra_capacity` merges the temporary capacity of the plans in force."""

    def __init__(self, disruptions: Callable[[], Sequence[Disruption]], trusted: TrustedTraders | None = None):
        self.disruptions = disruptions
        self.trusted: TrustedTraders = trusted or NoTrustedTraders()

    def __call__(self, lodgements: Sequence[Lodgement], at: datetime) -> list[Priority | None]:
        return priorities(lodgements, at, self.disruptions(), self.trusted)

    def extra_capacity(self, at: datetime) -> dict[str, dict[str, int]]:
        extra: dict[str, dict[str, int]] = {}
        for disruption in self.disruptions():
            if disruption.in_force(at):
                for office, kinds in disruption.plan.extra_capacity.items():
                    for kind, places in kinds.items():
                        extra.setdefault(office, {})
                        extra[office][kind] = extra[office].get(kind, 0) + places
        return extra

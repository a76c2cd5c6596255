"""What an agency's profile achieves, in the agency's terms (issue 14, point 7): customs' measures (selections,
inspections, irregularities) read zero for a profile whose hits are an agency's requirements.

Per profile, over current decisions: `hits` (requirements of the agency naming the profile among their reasons),
`holds` (of those, holds for inspection), `results` (the agency's own inspection results on those held
consignments, by its outcome code) and `hit_rate`: the share of recorded results whose code does not release
(its effect in the register is `hold` or `refuse`: something was found), None before any result.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from safelane.agencies.register import register
from safelane.store.schema import agency_requirements, decisions, inspection_participants, inspections


@dataclass
class AgencyEffectiveness:
    profile_id: str
    hits: int = 0
    holds: int = 0
    results: dict[str, int] = field(default_factory=dict)  # outcome code -> how many
    found: int = 0  # results whose code does not release

    @property
    def hit_rate(self) -> float | None:
        recorded = sum(self.results.values())
        return self.found / recorded if recorded else None

    def as_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "holds": self.holds, "results": dict(sorted(self.results.items()))}


def by_profile(conn: sa.Connection, agency: str, profile_ids: Iterable[str]) -> dict[str, AgencyEffectiveness]:
    """The figures of `agency`'s profiles (by id); a profile without hits gets zeros."""
    out = {p: AgencyEffectiveness(p) for p in profile_ids}
    effects = {code: effect for code, _, effect in (register()[agency].outcomes if agency in register() else ())}
    held = (
        sa.select(agency_requirements.c.consignment_id, agency_requirements.c.action, agency_requirements.c.reasons)
        .join(decisions, decisions.c.decision_id == agency_requirements.c.decision_id)
        .where(agency_requirements.c.agency == agency, decisions.c.current.is_(True))
    )
    holds_of: dict[str, set[str]] = {}  # profile -> consignments it held
    for row in conn.execute(held):
        for code in set(row.reasons or ()) & set(out):
            out[code].hits += 1
            if row.action == "hold":
                out[code].holds += 1
                holds_of.setdefault(code, set()).add(row.consignment_id)
    if not holds_of:
        return out
    recorded = (
        sa.select(inspections.c.consignment_id, inspection_participants.c.outcome)
        .join(inspection_participants, inspection_participants.c.inspection_id == inspections.c.inspection_id)
        .where(inspection_participants.c.agency == agency, inspection_participants.c.outcome.is_not(None))
    )
    outcome_of = {r.consignment_id: r.outcome for r in conn.execute(recorded)}
    for code, consignments in holds_of.items():
        for cid in consignments & set(outcome_of):
            outcome = outcome_of[cid]
            out[code].results[outcome] = out[code].results.get(outcome, 0) + 1
            if effects.get(outcome) != "release":
                out[code].found += 1
    return out

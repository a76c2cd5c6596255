"""Profile effectiveness: how often the consignments a profile selected turned out irregular when inspected.

Counted per profile id (all versions together) over current decisions, from the `decision_reasons` rows the
pipeline writes for every finding that caused a decision:

- selections: decisions the profile caused that were selected for control (a selection was recorded, or the
  outcome is more than green / ASSESSMENT_COMPLETE);
- inspections: those selections with an inspection outcome (recorded against the decision, or against the
  consignment when the outcome names no decision or a decision an amendment replaced);
- hits: inspections where any recorded outcome found an irregularity or made a seizure;
- hit rate: hits / inspections (None before the first inspection).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from safelane.cases.outcomes import HIT_RESULTS
from safelane.risk.profiles.match import PROFILES
from safelane.store.schema import decision_reasons, decisions, inspection_outcomes

NOT_SELECTED = ("green", "ASSESSMENT_COMPLETE")


@dataclass(frozen=True)
class Effectiveness:
    profile_id: str
    selections: int = 0
    inspections: int = 0
    hits: int = 0

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.inspections if self.inspections else None

    def as_dict(self) -> dict[str, object]:
        return {
            "profile_id": self.profile_id,
            "selections": self.selections,
            "inspections": self.inspections,
            "hits": self.hits,
            "hit_rate": self.hit_rate,
        }


def _outcomes_by_decision() -> sa.Subquery:
    """Per current decision: whether an outcome was recorded for it and whether one of them was a hit.

    An outcome counts for the decision it names; one that names no decision, or a decision an amendment has
    since replaced (an RFS, DNL or selection carries over to the new version), counts for the consignment's
    current decision. Two arms, so each can use an index.
    """
    hit = sa.case((inspection_outcomes.c.result.in_(HIT_RESULTS), 1), else_=0)
    named = decisions.alias("named")
    by_decision = (
        sa.select(named.c.decision_id.label("decision_id"), hit.label("hit"))
        .join(named, named.c.decision_id == inspection_outcomes.c.decision_id)
        .where(named.c.current.is_(True))
    )
    current = decisions.alias("current")
    by_consignment = (
        sa.select(current.c.decision_id.label("decision_id"), hit.label("hit"))
        .select_from(inspection_outcomes)
        .join(
            current,
            sa.and_(current.c.consignment_id == inspection_outcomes.c.consignment_id, current.c.current.is_(True)),
        )
        .outerjoin(named, named.c.decision_id == inspection_outcomes.c.decision_id)
        .where(sa.or_(inspection_outcomes.c.decision_id.is_(None), named.c.current.is_(False)))
    )
    both = sa.union_all(by_decision, by_consignment).subquery()
    return sa.select(both.c.decision_id, sa.func.max(both.c.hit).label("hit")).group_by(both.c.decision_id).subquery()


def by_profile(
    conn: sa.Connection, profile_ids: Iterable[str] | None = None, *, since: datetime | None = None
) -> dict[str, Effectiveness]:
    """Selections, inspections and hits of each profile (only the given ids, if any; decided since `since`)."""
    selected = sa.or_(decisions.c.selection.is_not(None), decisions.c.outcome.not_in(NOT_SELECTED))
    found = _outcomes_by_decision()
    query = (
        sa.select(
            decision_reasons.c.code,
            sa.func.count().label("selections"),
            sa.func.count(found.c.decision_id).label("inspections"),
            sa.func.coalesce(sa.func.sum(found.c.hit), 0).label("hits"),
        )
        .select_from(decision_reasons)
        .join(decisions, decisions.c.decision_id == decision_reasons.c.decision_id)
        .outerjoin(found, found.c.decision_id == decisions.c.decision_id)
        .where(decision_reasons.c.assessor == PROFILES, decisions.c.current.is_(True), selected)
        .group_by(decision_reasons.c.code)
    )
    if profile_ids is not None:
        query = query.where(decision_reasons.c.code.in_(list(profile_ids)))
    if since is not None:
        query = query.where(decisions.c.decided_at >= since)
    return {
        r.code: Effectiveness(r.code, int(r.selections), int(r.inspections), int(r.hits)) for r in conn.execute(query)
    }


def of_profile(conn: sa.Connection, profile_id: str) -> Effectiveness:
    return by_profile(conn, [profile_id]).get(profile_id, Effectiveness(profile_id))

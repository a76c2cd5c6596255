"""Time Release Study time stamps per consignment, with the intervals computed by the database.

A consignment is released when customs and every agency holding it have released it: its release is the last
release recorded, and none while an agency's hold on its current decision is not released yet.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain.codes import Referral
from safelane.scope import Scope
from safelane.selection.facilitation import TRADERS
from safelane.store.schema import (
    agency_requirements,
    assessments,
    consignments,
    decision_events,
    decision_priorities,
    decisions,
    inspection_outcomes,
    releases,
    seconds_between,
    trs_stamps,
)


def timestamps(conn: sa.Connection, *, scope: Scope, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """One row per current decision of a consignment lodged in [since, until): mode, office, channel, filer, the
    time stamps (lodgement, arrival, decision, control start and end, release) and the seconds between them.

    The arrival is the actual one where it was reported (`trs_stamps`), else the declared one; `arrival_source`
    says which ("actual", "declared", or None for pre-loading filings with no arrival reported)."""
    released = (
        sa.select(releases.c.consignment_id, sa.func.max(releases.c.at).label("released_at"))
        .where(releases.c.kind == "released")
        .group_by(releases.c.consignment_id)
        .subquery()
    )
    controlled = (
        sa.select(inspection_outcomes.c.consignment_id, sa.func.min(inspection_outcomes.c.recorded_at).label("at"))
        .group_by(inspection_outcomes.c.consignment_id)
        .subquery()
    )
    held = sa.exists(
        sa.select(agency_requirements.c.agency).where(
            agency_requirements.c.decision_id == decisions.c.decision_id,
            agency_requirements.c.action != "release",
            ~sa.exists(
                sa.select(releases.c.release_id).where(
                    releases.c.consignment_id == agency_requirements.c.consignment_id,
                    releases.c.agency == agency_requirements.c.agency,
                )
            ),
        )
    )
    actual = sa.alias(trs_stamps, "actual")
    started = sa.alias(trs_stamps, "started")
    declared = sa.case((consignments.c.kind != "pre_loading", decisions.c.deadline), else_=None)
    arrival = sa.func.coalesce(actual.c.at, declared)
    source = sa.case((actual.c.at.is_not(None), "actual"), (declared.is_not(None), "declared"), else_=None)
    release = sa.case((held, None), else_=released.c.released_at)
    query = (
        sa.select(
            decisions.c.consignment_id,
            consignments.c.mode,
            decisions.c.office,
            decisions.c.outcome.label("channel"),
            decisions.c.filer,
            consignments.c.kind,
            consignments.c.filed_at.label("lodged_at"),
            arrival.label("arrival_at"),
            source.label("arrival_source"),
            decisions.c.decided_at,
            started.c.at.label("control_start_at"),
            controlled.c.at.label("control_end_at"),
            release.label("released_at"),
            seconds_between(conn, release, arrival).label("arrival_to_release"),
            seconds_between(conn, release, consignments.c.filed_at).label("lodgement_to_release"),
            seconds_between(conn, decisions.c.decided_at, consignments.c.filed_at).label("lodgement_to_decision"),
            seconds_between(conn, started.c.at, arrival).label("arrival_to_control_start"),
            seconds_between(conn, controlled.c.at, started.c.at).label("control_start_to_end"),
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .outerjoin(released, released.c.consignment_id == decisions.c.consignment_id)
        .outerjoin(controlled, controlled.c.consignment_id == decisions.c.consignment_id)
        .outerjoin(actual, sa.and_(actual.c.consignment_id == decisions.c.consignment_id, actual.c.kind == "arrival"))
        .outerjoin(
            started, sa.and_(started.c.consignment_id == decisions.c.consignment_id, started.c.kind == "control_start")
        )
        .where(
            decisions.c.current.is_(True),
            decisions.c.answer == "channel",
            consignments.c.filed_at >= since,
            consignments.c.filed_at < until,
            scope.clause(decisions.c.filer, decisions.c.office),
        )
        .order_by(consignments.c.filed_at, decisions.c.consignment_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


def _referrals_had(conn: sa.Connection, decision_ids: list[str]) -> dict[str, set[str]]:
    """Every referral each decision has stood at (at the decision, issued later, or an RFS turned DNL)."""
    had: dict[str, set[str]] = {}
    for start in range(0, len(decision_ids), 400):
        chunk = decision_ids[start : start + 400]
        query = (
            sa.select(decision_events.c.decision_id, decision_events.c.to_outcome)
            .where(decision_events.c.decision_id.in_(chunk))
            .distinct()
        )
        for decision_id, outcome in conn.execute(query):
            had.setdefault(decision_id, set()).add(outcome)
    return had


def pre_loading(conn: sa.Connection, *, scope: Scope, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """One row per current referral decision (pre-loading air cargo) lodged in [since, until): the most severe
    referral it stood at (`referral`: ASSESSMENT_COMPLETE, RFI, RFS or DNL), the departure (the study's start
    for pre-loading filings) and arrival, each the actual one where reported, else the declared one
    (`departure_source`, `arrival_source`: "actual", "declared" or None), and `resolved_at`: when the referral
    was closed or lifted (the decision itself for ASSESSMENT_COMPLETE), None while it stands."""
    actual = sa.alias(trs_stamps, "actual")
    departed = sa.alias(trs_stamps, "departed")
    itinerary = consignments.c.data["itinerary"]
    query = (
        sa.select(
            decisions.c.consignment_id,
            consignments.c.mode,
            decisions.c.office,
            decisions.c.decision_id,
            decisions.c.outcome,
            decisions.c.filer,
            consignments.c.kind,
            consignments.c.filed_at.label("lodged_at"),
            itinerary["departure_at"].as_string().label("declared_departure"),
            itinerary["arrival_at"].as_string().label("declared_arrival"),
            actual.c.at.label("actual_arrival"),
            departed.c.at.label("actual_departure"),
            decisions.c.decided_at,
            sa.case((decisions.c.state == "closed", decisions.c.updated_at), else_=None).label("resolved_at"),
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .outerjoin(actual, sa.and_(actual.c.consignment_id == decisions.c.consignment_id, actual.c.kind == "arrival"))
        .outerjoin(
            departed, sa.and_(departed.c.consignment_id == decisions.c.consignment_id, departed.c.kind == "departure")
        )
        .where(
            decisions.c.current.is_(True),
            decisions.c.answer == "referral",
            consignments.c.filed_at >= since,
            consignments.c.filed_at < until,
            scope.clause(decisions.c.filer, decisions.c.office),
        )
        .order_by(consignments.c.filed_at, decisions.c.consignment_id)
    )
    found = [dict(r) for r in conn.execute(query).mappings()]
    had = _referrals_had(conn, [r["decision_id"] for r in found])
    out = []
    for row in found:
        outcomes = had.get(row.pop("decision_id"), set()) | {row.pop("outcome")}
        row["referral"] = max(outcomes, key=lambda o: Referral(o).severity)
        for stamp in ("departure", "arrival"):
            declared = _when(row.pop(f"declared_{stamp}"))
            actual_at = row.pop(f"actual_{stamp}")
            row[f"{stamp}_at"] = actual_at or declared
            row[f"{stamp}_source"] = "actual" if actual_at else ("declared" if declared else None)
        out.append(row)
    return out


def _chunks(ids: list[str], size: int = 400) -> Iterator[list[str]]:
    """Ids in slices small enough for one IN (...) list on every database."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def aeo_consignments(conn: sa.Connection, consignment_ids: list[str]) -> set[str]:
    """Consignments whose current assessment has a trusted-traders finding (the filer's party certified as of
    filing, `safelane.traders.facilitation`)."""
    found: set[str] = set()
    for chunk in _chunks(consignment_ids):
        query = (
            sa.select(decisions.c.consignment_id, assessments.c.findings)
            .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
            .where(decisions.c.consignment_id.in_(chunk), decisions.c.current.is_(True))
        )
        for cid, findings in conn.execute(query):
            if any(f.get("assessor") == TRADERS for f in findings or ()):
                found.add(cid)
    return found


def tiers(conn: sa.Connection, consignment_ids: list[str]) -> dict[str, int]:
    """The continuity tier of each consignment whose current decision was taken under a disruption's plan."""
    found: dict[str, int] = {}
    for chunk in _chunks(consignment_ids):
        query = (
            sa.select(decisions.c.consignment_id, decision_priorities.c.tier)
            .join(decision_priorities, decision_priorities.c.decision_id == decisions.c.decision_id)
            .where(
                decisions.c.consignment_id.in_(chunk),
                decisions.c.current.is_(True),
                decision_priorities.c.tier.is_not(None),  # a trusted trader's priority alone has no tier
            )
        )
        found |= {cid: tier for cid, tier in conn.execute(query)}
    return found


def _applied_label(findings: Any) -> str | None:
    for f in findings or ():
        evidence = f.get("evidence")
        if f.get("assessor") == TRADERS and isinstance(evidence, dict) and evidence.get("applied"):
            return f"{evidence.get('programme', '')} {evidence.get('type', '')}".strip()
    return None


def release_stamps(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every channel decision's time stamps (`timestamps`, customs-wide) with `group`: the programme and type of
    the authorisation its assessment applied, or None (no trusted trader facilitated), for
    `traders.release.release_times`."""
    everyone = Scope.of("traders.release", "admin")
    stamped = timestamps(
        conn, scope=everyone, since=datetime(1970, 1, 1, tzinfo=UTC), until=datetime(9999, 1, 1, tzinfo=UTC)
    )
    ids = [r["consignment_id"] for r in stamped]
    groups: dict[str, str | None] = {}
    for start in range(0, len(ids), 400):
        query = (
            sa.select(decisions.c.consignment_id, assessments.c.findings)
            .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
            .where(decisions.c.consignment_id.in_(ids[start : start + 400]), decisions.c.current.is_(True))
        )
        groups.update((cid, _applied_label(findings)) for cid, findings in conn.execute(query))
    return [{**row, "group": groups.get(row["consignment_id"])} for row in stamped]

"""The officers' queue: current decisions that still need an officer, riskiest first, with the time left.

A decision needs an officer while it is a referral (RFI, RFS, DNL) or a control channel (yellow, red) that
is not closed. The deadline is when the goods move (`Lodgement.deadline`: departure for pre-loading air
cargo, arrival otherwise), stored with the decision so the queue can also be sorted by it.

The party filter is a case-insensitive substring on the names of consignor, consignee, notify party and
carrier, read from the consignment's JSON (json_extract on SQLite, #>> on PostgreSQL): a scan of the open
decisions' rows, not an index lookup, which stays well under a second for ~100k open rows. A trigram index
or a party table would make it an index lookup if queues grow beyond that.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.risk.profiles.match import PROFILES
from safelane.scope import Scope
from safelane.selection.facilitation import SCREENING
from safelane.store.schema import (
    agency_requirements,
    consignments,
    decision_priorities,
    decision_reasons,
    decisions,
    disruptions,
    releases,
)

NEEDS_OFFICER = ("RFI", "RFS", "DNL", "yellow", "red")
AGENCY_WAITS = ("hold", "documents")  # an agency's requirements that wait for its officer
ASSIGNED = ("me", "unassigned")
SORTS = {
    "score": "continuity tier during a disruption, DNL and screening hits, trusted-trader priority, risk score",
    "deadline": "least time left first",
    "filed": "oldest filing first",
    "decided": "newest decision first",
}
PARTY_ROLES = ("consignor", "consignee", "notify_party", "carrier")
DUE_SOON = timedelta(hours=2)
OVERDUE_HORIZON = timedelta(days=2)  # a deadline passed longer ago reads as its date, not "overdue 2110 d"
PER_PAGE = 50
EXPORT_LIMIT = 20_000


@dataclass(frozen=True)
class Filters:
    """What an officer narrows the queue to; None (or empty) means no restriction."""

    mode: str | None = None
    office: str | None = None
    outcome: str | None = None  # RFI, RFS, DNL, yellow or red
    profile: str | None = None  # a profile id among the decision's reasons
    party: str | None = None  # substring of a party's name
    filed_from: date | None = None
    filed_to: date | None = None  # inclusive
    selection: str | None = None  # mandatory, risk, random, exploration
    assigned: str | None = None  # me | unassigned
    sort: str = "score"


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // self.per_page))


def _open(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """What waits for this officer: for customs a referral or a yellow or red channel still open; for an agency
    officer its agency's hold or documents requirement on the current decision, until the agency released or
    refused the goods."""
    if scope.agency is None:
        return [decisions.c.state != "closed", decisions.c.outcome.in_(NEEDS_OFFICER)]
    waiting = sa.exists().where(
        agency_requirements.c.decision_id == decisions.c.decision_id,
        agency_requirements.c.agency == scope.agency,
        agency_requirements.c.action.in_(AGENCY_WAITS),
    )
    done = sa.exists().where(releases.c.consignment_id == decisions.c.consignment_id, releases.c.agency == scope.agency)
    return [waiting, ~done]


def _party_names() -> list[sa.ColumnElement[str]]:
    return [consignments.c.data[(role, "name")].as_string() for role in PARTY_ROLES]


def _where(filters: Filters, scope: Scope) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [decisions.c.current.is_(True), *_open(scope)]
    clauses.append(scope.clause(decisions.c.filer, decisions.c.office))
    if filters.office:
        clauses.append(decisions.c.office == filters.office)
    if filters.mode:
        clauses.append(consignments.c.mode == filters.mode)
    if filters.outcome:
        clauses.append(decisions.c.outcome == filters.outcome)
    if filters.selection:
        clauses.append(decisions.c.selection == filters.selection)
    if filters.assigned == "me":
        clauses.append(decisions.c.assigned_to == scope.actor)
    elif filters.assigned == "unassigned":
        clauses.append(decisions.c.assigned_to.is_(None))
    if filters.filed_from:
        clauses.append(consignments.c.filed_at >= datetime.combine(filters.filed_from, time(), UTC))
    if filters.filed_to:
        clauses.append(consignments.c.filed_at < datetime.combine(filters.filed_to + timedelta(days=1), time(), UTC))
    if filters.profile:
        clauses.append(
            sa.exists().where(
                decision_reasons.c.decision_id == decisions.c.decision_id,
                decision_reasons.c.assessor == PROFILES,
                decision_reasons.c.code == filters.profile,
            )
        )
    if filters.party and filters.party.strip():
        clauses.append(sa.or_(*(name.icontains(filters.party.strip(), autoescape=True) for name in _party_names())))
    return clauses


def _order(sort: str) -> list[sa.ColumnElement[Any]]:
    if sort == "filed":
        return [consignments.c.filed_at.asc(), decisions.c.decision_id]
    if sort == "deadline":  # no deadline filed: last
        return [decisions.c.deadline.is_(None), decisions.c.deadline.asc(), decisions.c.decision_id]
    if sort == "decided":
        return [decisions.c.decided_at.desc(), decisions.c.decision_id.desc()]
    return [
        _tier(),
        _held().desc(),
        sa.func.coalesce(decision_priorities.c.trusted, 0).desc(),
        sa.func.coalesce(decisions.c.score, 0.0).desc(),
        consignments.c.filed_at.asc(),
        decisions.c.decision_id,
    ]


def _tier() -> sa.ColumnElement[int]:
    """The decision's continuity tier while its disruption lasts; 3 (with the rest) otherwise (also when its
    priority row only carries a trusted trader's priority: no disruption, tier None)."""
    return sa.func.coalesce(sa.case((disruptions.c.ended_at.is_(None), decision_priorities.c.tier), else_=None), 3)


def _held() -> sa.ColumnElement[bool]:
    """A DNL or a decision a screening hit caused: first in its tier, by risk, so no trusted trader's queue
    priority ever puts a case above it (`selection.facilitation.queue_priority` gives those cases none)."""
    screened = sa.exists().where(
        decision_reasons.c.decision_id == decisions.c.decision_id, decision_reasons.c.assessor == SCREENING
    )
    return sa.or_(decisions.c.outcome == "DNL", screened)


def _select(filters: Filters, scope: Scope) -> sa.Select:
    return (
        sa.select(
            decisions.c.decision_id,
            decisions.c.consignment_id,
            decisions.c.filer,
            decisions.c.answer,
            decisions.c.outcome,
            decisions.c.state,
            decisions.c.basis,
            decisions.c.selection,
            decisions.c.inspection,
            decisions.c.office,
            decisions.c.score,
            decisions.c.assigned_to,
            decisions.c.decided_at,
            decisions.c.deadline,
            consignments.c.reference,
            consignments.c.mode,
            consignments.c.kind,
            consignments.c.filed_at,
            _tier().label("tier"),
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .outerjoin(decision_priorities, decision_priorities.c.decision_id == decisions.c.decision_id)
        .outerjoin(disruptions, disruptions.c.disruption_id == decision_priorities.c.disruption_id)
        .where(*_where(filters, scope))
    )


def urgency(time_left: timedelta | None) -> str:
    """The CSS class of the time left: passed (beyond the horizon), overdue, due-soon (under two hours) or nothing."""
    if time_left is None:
        return ""
    if time_left < -OVERDUE_HORIZON:
        return "passed"
    if time_left < timedelta(0):
        return "overdue"
    return "due-soon" if time_left < DUE_SOON else ""


def _with_deadline(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    due = row["deadline"]
    row["time_left"] = due - now if due else None
    row["urgency"] = urgency(row["time_left"])
    return row


def open_cases(
    conn: sa.Connection, filters: Filters, scope: Scope, *, now: datetime, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of the queue, with the number of matching decisions for paging."""
    query = _select(filters, scope)
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, page)
    rows = conn.execute(query.order_by(*_order(filters.sort)).limit(per_page).offset((page - 1) * per_page))
    return Page([_with_deadline(dict(r), now) for r in rows.mappings()], total, page, per_page)


def export(
    conn: sa.Connection, filters: Filters, scope: Scope, *, now: datetime, limit: int = EXPORT_LIMIT
) -> list[dict[str, Any]]:
    """Every matching decision (up to `limit`), in queue order, for a CSV file."""
    rows = conn.execute(_select(filters, scope).order_by(*_order(filters.sort)).limit(limit))
    return [_with_deadline(dict(r), now) for r in rows.mappings()]


def offices(conn: sa.Connection) -> list[str]:
    """Offices any decision was made for: what an office filter may name (the choices of the office field)."""
    query = sa.select(decisions.c.office).where(decisions.c.office.is_not(None)).distinct().order_by(decisions.c.office)
    return list(conn.execute(query).scalars())


def profiles_in_queue(conn: sa.Connection, scope: Scope) -> Sequence[str]:
    """Profile ids behind open decisions the officer may see: the choices of the profile filter."""
    query = (
        sa.select(decision_reasons.c.code)
        .distinct()
        .join(decisions, decisions.c.decision_id == decision_reasons.c.decision_id)
        .where(
            decision_reasons.c.assessor == PROFILES,
            decisions.c.current.is_(True),
            *_open(scope),
        )
        .order_by(decision_reasons.c.code)
    )
    return list(conn.execute(query.where(scope.clause(decisions.c.filer, decisions.c.office))).scalars())

"""Filings repository: look up what a batch refers to in one query, write an accepted batch in one transaction."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from safelane.agencies.competence import agencies_of
from safelane.domain import Assessment, Consignment, Decision, Filing, FilingKind, Lodgement
from safelane.ids import new_id
from safelane.results import ConsignmentResult, holders
from safelane.scope import Scope
from safelane.selection.continuity import Priority
from safelane.store import agency_scope as scope_store
from safelane.store import audit_chain, bulk, outbox
from safelane.store import certificate_lookup as lookup_store
from safelane.store import filing_rows as rows_of
from safelane.store import releases as release_store
from safelane.store import requirements as requirement_store
from safelane.store.schema import (
    agency_requirements,
    agency_scope,
    assessments,
    audit_events,
    certificate_lookup,
    consignments,
    decision_events,
    decision_priorities,
    decision_reasons,
    decisions,
    filing_versions,
    filings,
    releases,
    utc_period,
)
from safelane.stream import events as events_out

_CHUNK = 400


@dataclass(frozen=True)
class KnownFiling:
    filing_id: str
    status: str
    current_version: int
    hashes: dict[int, str]  # version -> content hash


@dataclass(frozen=True, slots=True)
class Assessed:
    """One consignment assessed and decided."""

    lodgement: Lodgement
    assessment: Assessment
    decision: Decision
    findings: list[dict[str, Any]]  # the assessment's findings as data, made once: stored and answered
    priority: Priority | None = None  # its continuity tier while a disruption covers it
    trusted: int = 0  # its trusted trader's queue priority (selection.facilitation.queue_priority)


@dataclass(frozen=True)
class NewVersion:
    """A filing version the batch adds (a new filing or an amendment), as compared with the store."""

    filing: Filing
    document: dict[str, Any]  # the filing as canonical JSON data
    filing_id: str
    is_new: bool
    received_at: datetime
    filed_at: datetime
    content_hash: str
    raw: bytes | None
    actor: str


@dataclass(frozen=True)
class Accepted:
    version: NewVersion
    items: tuple[Assessed, ...]


@dataclass(frozen=True, slots=True)
class Saved:
    """What the store made of one consignment's decision."""

    decision_id: str
    state: str


def known_filings(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], KnownFiling]:
    """(filer, document number) -> what is stored, for a whole batch in a few indexed queries."""
    by_filer: dict[str, list[str]] = {}
    for filer, number in set(keys):
        by_filer.setdefault(filer, []).append(number)
    found: dict[tuple[str, str], KnownFiling] = {}
    for filer, numbers in by_filer.items():
        for start in range(0, len(numbers), _CHUNK):
            rows = conn.execute(
                sa.select(
                    filings.c.filing_id,
                    filings.c.document_number,
                    filings.c.status,
                    filings.c.current_version,
                    filing_versions.c.version,
                    filing_versions.c.content_hash,
                )
                .join(filing_versions, filing_versions.c.filing_id == filings.c.filing_id)
                .where(filings.c.filer == filer, filings.c.document_number.in_(numbers[start : start + _CHUNK]))
            )
            for row in rows:
                key = (filer, row.document_number)
                known = found.setdefault(key, KnownFiling(row.filing_id, row.status, row.current_version, {}))
                known.hashes[row.version] = row.content_hash
    return found


def amendment_targets(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(filer, filing id or document number) -> the document number of that filer's filing."""
    found: dict[tuple[str, str], str] = {}
    for filer, reference in set(keys):
        row = conn.execute(
            sa.select(filings.c.filing_id, filings.c.document_number).where(
                filings.c.filer == filer,
                sa.or_(filings.c.filing_id == reference, filings.c.document_number == reference),
            )
        ).first()
        if row is not None:
            found[(filer, reference)] = row.document_number
    return found


def open_decisions(conn: sa.Connection, filing_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Open decisions on the current versions of these filings (an amendment must not escape a DNL)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(filing_ids), _CHUNK):
        rows = conn.execute(
            sa.select(decisions, consignments.c.version, consignments.c.filing_id)
            .join(consignments, consignments.c.row_id == decisions.c.row_id)
            .where(
                consignments.c.filing_id.in_(filing_ids[start : start + _CHUNK]),
                decisions.c.current.is_(True),
                decisions.c.state != "closed",
            )
        )
        found += [dict(row) for row in rows.mappings()]
    return found


def save(conn: sa.Connection, batch: Sequence[Accepted], superseded: Sequence[dict[str, Any]]) -> list[list[Saved]]:
    """Write filings, versions, consignments, assessments, decisions and their events with bulk inserts;
    returns, per accepted version and consignment, the decision's id and state.

    `superseded` lists open decisions of earlier versions to close, with the event that closes them.
    """
    rows: dict[sa.Table, list[rows_of.Row]] = {
        t: []
        for t in (
            filings,
            filing_versions,
            consignments,
            certificate_lookup,
            assessments,
            decisions,
            decision_reasons,
            agency_requirements,
            decision_priorities,
            decision_events,
            audit_events,
        )
    }
    saved: list[list[Saved]] = []
    amended: list[str] = []
    scoped: dict[str, dict[str, str]] = {}  # consignment id -> the agencies whose need-to-know it falls under
    for accepted in batch:
        version, filing = accepted.version, accepted.version.filing
        at = version.received_at
        if version.is_new:
            rows[filings].append(rows_of.filing_row(version.filing_id, filing, at))
        else:
            amended.append(version.filing_id)
            conn.execute(
                filings.update()
                .where(filings.c.filing_id == version.filing_id)
                .values(current_version=filing.version, updated_at=at)
            )
        version_id = new_id("V")
        header = {k: v for k, v in version.document.items() if k != "consignments"}
        rows[filing_versions].append(
            rows_of.version_row(
                version_id, version.filing_id, filing, header, version.content_hash, at, version.filed_at, version.raw
            )
        )
        saved.append([])
        for position, item in enumerate(accepted.items):
            row_id, assessment_id, decision_id = new_id("R"), new_id("A"), new_id("D")
            state = rows_of.initial_state(item.decision)
            saved[-1].append(Saved(decision_id, state))
            data = version.document["consignments"][position]
            rows[consignments].append(
                rows_of.consignment_row(row_id, version_id, version.filing_id, position, item.lodgement, data)
            )
            if lookup_store.worth_indexing(state, item.decision.requirements):
                rows[certificate_lookup] += lookup_store.rows(row_id, data)
            rows[assessments].append(rows_of.assessment_row(assessment_id, row_id, item.assessment, item.findings, at))
            rows[decisions].append(
                rows_of.decision_row(
                    decision_id, row_id, assessment_id, item.lodgement, item.decision, item.assessment.score, state, at
                )
            )
            decision_children(rows, decision_id, item, state, at)
            if agencies := agencies_of(data.get("goods") or (), item.findings, item.decision.requirements):
                scoped.setdefault(item.lodgement.consignment_id, {}).update(agencies)
        rows[audit_events].append(
            rows_of.audit_row(
                new_id("U"),
                at,
                version.actor,
                "filing.accepted" if version.is_new else "filing.amended",
                version.filing_id,
                {
                    "document_number": filing.document_number,
                    "version": filing.version,
                    "message_type": filing.message_type,
                    "consignments": len(accepted.items),
                },
            )
        )
    if amended:
        for start in range(0, len(amended), _CHUNK):
            chunk = amended[start : start + _CHUNK]
            conn.execute(consignments.update().where(consignments.c.filing_id.in_(chunk)).values(current=False))
            conn.execute(
                decisions.update()
                .where(
                    decisions.c.row_id.in_(sa.select(consignments.c.row_id).where(consignments.c.filing_id.in_(chunk)))
                )
                .values(current=False)
            )
    for old in superseded:
        conn.execute(
            decisions.update()
            .where(decisions.c.decision_id == old["decision_id"])
            .values(state="closed", updated_at=old["at"])
        )
        rows[decision_events].append(
            rows_of.decision_event_row(
                new_id("E"),
                old["decision_id"],
                old["at"],
                old["actor"],
                old["action"],
                old["outcome"],
                old["outcome"],
                old["state"],
                "closed",
                old["note"],
            )
        )
    decided = [
        (item.lodgement.consignment_id, item.decision.outcome.value, accepted.version.received_at)
        for accepted in batch
        for item in accepted.items
        if item.decision.answer == "channel"
    ]
    release_rows = release_store.at_decision(conn, decided)
    scope_rows = scope_store.new_rows(conn, scoped, amended=bool(amended))
    for table, table_rows in [*rows.items(), (releases, release_rows), (agency_scope, scope_rows)]:
        if table in (decision_events, audit_events):
            audit_chain.append(conn, table, table_rows)
        else:
            bulk.insert(conn, table, table_rows)
    if outbox.enabled(conn):
        _events_out(conn, rows, release_rows)
    return saved


def decision_children(
    rows: dict[sa.Table, list[rows_of.Row]], decision_id: str, item: Assessed, state: str, at: datetime
) -> None:
    """A new decision's reasons, agency requirements, continuity priority and its "decided" event, added to
    `rows` (a filing's first decision and a re-assessment's new version alike)."""
    rows[decision_reasons] += rows_of.reason_rows(decision_id, item.decision)
    rows[agency_requirements] += requirement_store.rows(
        decision_id, item.lodgement.consignment_id, item.decision.requirements
    )
    if item.priority is not None or item.trusted:
        rows[decision_priorities].append(rows_of.priority_row(decision_id, item.priority, item.trusted))
    rows[decision_events].append(
        rows_of.decision_event_row(
            new_id("E"),
            decision_id,
            at,
            "safelane",
            "decided",
            None,
            item.decision.outcome.value,
            None,
            state,
            item.decision.basis,
        )
    )


def _events_out(conn: sa.Connection, rows: dict[sa.Table, list[rows_of.Row]], release_rows: list[rows_of.Row]) -> None:
    """A decision event per new decision and a release event per release at decision, in this transaction."""
    of_row = {c["row_id"]: c for c in rows[consignments]}
    numbers = {f["filing_id"]: f["document_number"] for f in rows[filings]}
    missing = sorted({c["filing_id"] for c in of_row.values()} - numbers.keys())  # amendments: filed before
    for start in range(0, len(missing), _CHUNK):
        found = conn.execute(
            sa.select(filings.c.filing_id, filings.c.document_number).where(
                filings.c.filing_id.in_(missing[start : start + _CHUNK])
            )
        )
        numbers.update({r.filing_id: r.document_number for r in found})
    out: list[tuple[str, str, bytes]] = []
    offices: dict[str, str | None] = {}
    for decision in rows[decisions]:
        consignment = of_row[decision["row_id"]]
        offices[decision["consignment_id"]] = decision["office"]
        event = events_out.decision_event(
            decision,
            filing_id=consignment["filing_id"],
            document_number=numbers[consignment["filing_id"]],
            version=consignment["version"],
            reference=consignment["reference"],
        )
        out.append((decision["decision_id"], events_out.subject("decisions", decision["office"]), event))
    for release in release_rows:
        office = offices.get(release["consignment_id"])
        out.append(
            (release["release_id"], events_out.subject("releases", office), events_out.release_event(release, office))
        )
    if out:
        outbox.add(conn, min(d["decided_at"] for d in rows[decisions]), out)


def latest_on_row() -> sa.ColumnElement[bool]:
    """The decision no re-assessment replaced: one per consignment row (Pipeline.reassess adds the others)."""
    newer = decisions.alias("newer")
    return ~sa.exists().where(newer.c.replaces == decisions.c.decision_id)


def results_of(
    conn: sa.Connection,
    filing_id: str,
    version: int,
    *,
    as_first_given: bool = True,
    only: frozenset[str] | None = None,
) -> list[ConsignmentResult]:
    """The stored answer to one filing version (`only`: these consignment ids, a caller's part of it).

    A resubmission gets the answer as first given (idempotence: the same message, the same answer);
    readers that want the decision as it stands now pass as_first_given=False.
    """
    first = decision_events.alias("first")
    outcome = first.c.to_outcome if as_first_given else decisions.c.outcome
    state = first.c.to_state if as_first_given else decisions.c.state
    rows = conn.execute(
        sa.select(
            consignments.c.consignment_id,
            consignments.c.reference,
            decisions.c.decision_id,
            decisions.c.answer,
            outcome.label("outcome"),
            state.label("state"),
            decisions.c.basis,
            assessments.c.score,
            assessments.c.findings,
            decision_priorities.c.disruption_id,
            decision_priorities.c.tier,
            decision_priorities.c.reason.label("tier_reason"),
            decision_priorities.c.expected_hours,
        )
        .join(decisions, decisions.c.row_id == consignments.c.row_id)
        .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
        .join(first, sa.and_(first.c.decision_id == decisions.c.decision_id, first.c.action == "decided"))
        .outerjoin(decision_priorities, decision_priorities.c.decision_id == decisions.c.decision_id)
        .where(consignments.c.filing_id == filing_id, consignments.c.version == version)
        .where(decisions.c.replaces.is_(None) if as_first_given else latest_on_row())
        .order_by(consignments.c.position)
    )
    found = [r for r in rows if only is None or r.consignment_id in only]
    required = {
        d: [q.as_dict() for q in qs]
        for d, qs in requirement_store.of_decisions(conn, [r.decision_id for r in found]).items()
    }
    done = release_store.released(conn, [r.consignment_id for r in found])
    return [
        ConsignmentResult(
            r.consignment_id,
            r.reference,
            r.answer,
            r.outcome,
            r.score,
            r.basis,
            list(r.findings),
            r.decision_id,
            r.state,
            Priority(r.disruption_id, r.tier, r.tier_reason, r.expected_hours).as_dict() if r.tier else None,
            required.get(r.decision_id, []),
            holders(r.answer, r.outcome, required.get(r.decision_id, []), done[r.consignment_id]),
        )
        for r in found
    ]


def add_audit(
    conn: sa.Connection, at: datetime, actor: str, action: str, subject: str | None, detail: dict[str, Any] | None
) -> None:
    audit_chain.append(conn, audit_events, [rows_of.audit_row(new_id("U"), at, actor, action, subject, detail)])


def get_filing(conn: sa.Connection, filing_id: str) -> dict[str, Any] | None:
    """The filing as the system sees it (no scope: for the pipeline, not for a caller's read)."""
    row = conn.execute(sa.select(filings).where(filings.c.filing_id == filing_id)).mappings().first()
    return dict(row) if row else None


def _in_scope(scope: Scope) -> sa.ColumnElement[bool]:
    """A consignment row in scope: its filing's current version, at the scope's office (see safelane.scope)."""
    return sa.and_(consignments.c.current.is_(True), scope.clause(consignments.c.filer, consignments.c.office))


def part_of(conn: sa.Connection, filing_id: str, scope: Scope) -> frozenset[str] | None:
    """The consignment ids of the filing's current version that `scope` sees; None when it sees them all."""
    if not scope.is_partial:
        return None
    query = sa.select(consignments.c.consignment_id).where(consignments.c.filing_id == filing_id, _in_scope(scope))
    return frozenset(conn.execute(query).scalars())


def current_consignments(conn: sa.Connection, filing_id: str) -> frozenset[str]:
    """The consignment ids of the filing's current version."""
    query = sa.select(consignments.c.consignment_id).where(
        consignments.c.filing_id == filing_id, consignments.c.current.is_(True)
    )
    return frozenset(conn.execute(query).scalars())


def visible_filing(
    conn: sa.Connection, filing_id: str, scope: Scope
) -> tuple[dict[str, Any], frozenset[str] | None] | None:
    """(the filing, the part `scope` sees: None for all of it), or None when none of it is in scope: another
    filer's filing and one with no consignment at the officer's office are answered as if they did not exist."""
    row = get_filing(conn, filing_id)
    if row is None or (scope.filer is not None and row["filer"] != scope.filer):
        return None
    part = part_of(conn, filing_id, scope)
    if part is not None and not part:
        return None
    return row, part


def list_filings(conn: sa.Connection, *, scope: Scope, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Filings with at least one consignment in scope, most recently changed first."""
    query = sa.select(filings).order_by(filings.c.updated_at.desc(), filings.c.filing_id.desc())
    if scope.filer is not None:
        query = query.where(filings.c.filer == scope.filer)
    if scope.is_partial:
        query = query.where(sa.exists().where(consignments.c.filing_id == filings.c.filing_id, _in_scope(scope)))
    return [dict(r) for r in conn.execute(query.limit(limit).offset(offset)).mappings()]


def message_type_of(conn: sa.Connection, filing_id: str, version: int) -> str:
    """The standard one version was filed in (it decides the standard of the answer)."""
    return conn.execute(
        sa.select(filing_versions.c.message_type).where(
            filing_versions.c.filing_id == filing_id, filing_versions.c.version == version
        )
    ).scalar_one()


def versions_of(conn: sa.Connection, filing_id: str, *, only: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Every version as received: the header, its consignments as validated, and the raw message if kept.

    With `only` (a caller's part of the filing), versions hold those consignments alone and no raw message,
    which would carry the others."""
    rows = conn.execute(
        sa.select(
            filing_versions.c.version,
            filing_versions.c.message_type,
            filing_versions.c.received_at,
            filing_versions.c.filed_at,
            filing_versions.c.content_hash,
            filing_versions.c.filing,
            filing_versions.c.raw,
        )
        .where(filing_versions.c.filing_id == filing_id)
        .order_by(filing_versions.c.version)
    )
    versions = [dict(r) for r in rows.mappings()]
    held = conn.execute(
        sa.select(consignments.c.version, consignments.c.consignment_id, consignments.c.data)
        .where(consignments.c.filing_id == filing_id)
        .order_by(consignments.c.version, consignments.c.position)
    )
    by_version: dict[int, list[dict[str, Any]]] = {}
    for row in held:
        if only is None or row.consignment_id in only:
            by_version.setdefault(row.version, []).append({"consignment_id": row.consignment_id, **row.data})
    for version in versions:
        version["consignments"] = by_version.get(version["version"], [])
        if only is not None:
            version["raw"] = None
    return versions


def consignment_history(
    conn: sa.Connection, consignment_id: str, *, scope: Scope | None = None
) -> list[dict[str, Any]]:
    """Every version of one consignment with its assessment and decision; none when `scope` does not see it (its
    current version is another filer's or at another office)."""

    rows = conn.execute(
        sa.select(
            consignments,
            assessments.c.score,
            assessments.c.findings,
            assessments.c.versions,
            decisions.c.decision_id,
            decisions.c.answer,
            decisions.c.outcome,
            decisions.c.state,
            decisions.c.basis,
        )
        .join(decisions, decisions.c.row_id == consignments.c.row_id)
        .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
        .where(consignments.c.consignment_id == consignment_id, latest_on_row())
        .order_by(consignments.c.version)
    )
    found = [dict(r) for r in rows.mappings()]
    if scope is not None and scope.agency is not None:  # need-to-know: the agencies whose scope it is in
        return found if sees_consignment(scope, found, scope_store.of(conn, consignment_id)) else []
    return found if scope is None or sees_consignment(scope, found) else []


def sees_consignment(scope: Scope, history: Sequence[dict[str, Any]], agencies: frozenset[str] | None = None) -> bool:
    """Whether `scope` sees a consignment, given its stored versions: a filer its own; an officer posted to an
    office the consignment whose current version is at that office (with its earlier versions, wherever they
    were filed for; one left out of the filing's current version is no office's)."""
    if not history:
        return False
    if scope.is_partial:
        return any(r["current"] and scope.sees(r["filer"], r["office"], agencies=agencies) for r in history)
    return scope.sees(history[0]["filer"], None)


def withdraw(conn: sa.Connection, filing_id: str, *, at: datetime, actor: str) -> int:
    """Mark the filing withdrawn and close its open decisions; returns how many were closed."""
    conn.execute(filings.update().where(filings.c.filing_id == filing_id).values(status="withdrawn", updated_at=at))
    open_rows = open_decisions(conn, [filing_id])
    for row in open_rows:
        conn.execute(
            decisions.update()
            .where(decisions.c.decision_id == row["decision_id"])
            .values(state="closed", updated_at=at)
        )
    if open_rows:
        audit_chain.append(
            conn,
            decision_events,
            [
                rows_of.decision_event_row(
                    new_id("E"),
                    row["decision_id"],
                    at,
                    actor,
                    "withdrawn",
                    row["outcome"],
                    row["outcome"],
                    row["state"],
                    "closed",
                    "the filer withdrew the filing",
                )
                for row in open_rows
            ],
        )
    add_audit(conn, at, actor, "filing.withdrawn", filing_id, {"closed_decisions": len(open_rows)})
    return len(open_rows)


# What a stored consignment is rebuilt from (the filing and version joined in): `lodgement_of` reads these.
LODGEMENT_COLUMNS = (
    consignments.c.consignment_id,
    consignments.c.data,
    consignments.c.kind,
    consignments.c.filer,
    consignments.c.filed_at,
    consignments.c.version,
    filings.c.document_number,
    filing_versions.c.message_type,
)


def lodgement_of(row: Any) -> Lodgement:
    """A stored consignment as the pipeline handed it to the assessors (a row of LODGEMENT_COLUMNS)."""
    return Lodgement(
        row["consignment_id"],
        Consignment.model_validate(row["data"]),
        FilingKind(row["kind"]),
        row["filer"],
        row["filed_at"],
        row["document_number"],
        row["version"],
        row["message_type"],
    )


def _stored(query: sa.Select, *, since: datetime | None, until: datetime | None) -> sa.Select:
    query = query.join(filings, filings.c.filing_id == consignments.c.filing_id).where(
        consignments.c.current.is_(True), filings.c.status == "active"
    )
    if since is not None:
        query = query.where(consignments.c.filed_at >= since)
    if until is not None:
        query = query.where(consignments.c.filed_at < until)
    return query


def stored_lodgements(
    conn: sa.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    modes: Iterable[str] = (),
    kinds: Iterable[str] = (),
    batch_size: int = 2000,
):
    """Current versions of stored consignments, oldest first, in batches (backtests, re-screening, training).

    `modes` and `kinds`, when given, leave out the others in the query: rebuilding a stored consignment is
    what a backtest spends its time on, so a profile for sea cargo should not rebuild the air waybills.
    """
    query = _stored(
        sa.select(*LODGEMENT_COLUMNS),
        since=since,
        until=until,
    ).join(filing_versions, filing_versions.c.version_id == consignments.c.version_id)
    query = query.order_by(consignments.c.filed_at)
    if modes := [str(m) for m in modes]:
        query = query.where(consignments.c.mode.in_(modes))
    if kinds := [str(k) for k in kinds]:
        query = query.where(consignments.c.kind.in_(kinds))
    if conn.dialect.name == "postgresql":  # plan the cursor for all its rows, as for a plain query: optimising for
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")  # the first 10 % chose a quadratic join
    with conn.execute(query, execution_options={"yield_per": batch_size}) as result:  # a walk that stops early
        for chunk in result.mappings().partitions(batch_size):  # or fails leaves no server-side cursor open
            yield [lodgement_of(r) for r in chunk]


def stored_per_day(
    conn: sa.Connection, *, since: datetime | None = None, until: datetime | None = None
) -> dict[date, int]:
    """Current stored consignments per UTC filing day (grouped by the database): what a backtest's hits are a
    share of."""
    day = utc_period(conn, consignments.c.filed_at)
    query = _stored(sa.select(day, sa.func.count()), since=since, until=until).group_by(day)
    return {date.fromisoformat(text): count for text, count in conn.execute(query)}


def newest_filed_at(conn: sa.Connection) -> datetime | None:
    """When the newest stored consignment was filed: the end of the window a backtest looks back over."""
    newest = conn.execute(
        sa.select(sa.func.max(consignments.c.filed_at)).where(consignments.c.current.is_(True))
    ).scalar()
    if isinstance(newest, str):  # SQLite aggregate bypasses the column type
        newest = datetime.fromisoformat(newest)
    return newest.replace(tzinfo=UTC) if newest is not None and newest.tzinfo is None else newest


def filed_waybills(conn: sa.Connection, numbers: Iterable[str]) -> set[str]:
    """Which of these air waybill numbers have an active pre-loading filing (FWB, XFWB or the house
    manifests that name them), whoever filed it: the check a flight manifest's lines get."""
    wanted = set(numbers)
    if not wanted:
        return set()
    query = sa.select(filings.c.document_number).where(
        filings.c.document_number.in_(sorted(wanted)), filings.c.kind == "pre_loading", filings.c.status == "active"
    )
    return set(conn.execute(query).scalars())

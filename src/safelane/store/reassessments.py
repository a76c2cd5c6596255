"""Re-assessment in the store: what a late certificate or document re-assesses, and its new decision version.

A re-assessment adds an assessment and a decision to the consignment's current row (its filing version is
unchanged: nothing the filer sent changed); the new decision names the one it replaces, which becomes not
current and closed with a `reassessed` event. Both events and the audit event go through the audit chain.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.agencies.competence import agencies_of
from safelane.domain import Lodgement
from safelane.ids import new_id
from safelane.store import agency_scope as scope_store
from safelane.store import audit_chain, bulk, outbox
from safelane.store import certificate_lookup as lookup_store
from safelane.store import filing_rows as rows_of
from safelane.store import requirements as requirement_store
from safelane.store.filings import LODGEMENT_COLUMNS, Assessed, add_audit, decision_children, lodgement_of
from safelane.store.schema import (
    agency_requirements,
    assessments,
    certificate_lookup,
    consignments,
    decision_events,
    decision_priorities,
    decision_reasons,
    decisions,
    filing_versions,
    filings,
)
from safelane.stream import events as events_out

_CHUNK = 400


@dataclass(frozen=True)
class Current:
    """A consignment as stored now: what the assessors see, its current decision and that decision's findings."""

    lodgement: Lodgement
    row_id: str
    decision: dict[str, Any]
    findings: list[dict[str, Any]]
    requirements: list[dict[str, Any]]


def _query() -> sa.Select:
    return (
        sa.select(
            *LODGEMENT_COLUMNS,
            consignments.c.row_id,
            decisions.c.decision_id,
            assessments.c.findings.label("assessed_findings"),
        )
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .join(filing_versions, filing_versions.c.version_id == consignments.c.version_id)
        .join(decisions, sa.and_(decisions.c.row_id == consignments.c.row_id, decisions.c.current.is_(True)))
        .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
        .where(consignments.c.current.is_(True), filings.c.status == "active")
    )


def current(conn: sa.Connection, consignment_ids: Iterable[str], *, for_update: bool = False) -> list[Current]:
    """The current versions of these consignments (active filings only) with their current decisions."""
    ids = sorted(set(consignment_ids))
    found: list[Current] = []
    for start in range(0, len(ids), _CHUNK):
        query = _query().where(consignments.c.consignment_id.in_(ids[start : start + _CHUNK]))
        if for_update and conn.dialect.name == "postgresql":
            query = query.with_for_update(of=decisions)
        rows = list(conn.execute(query).mappings())
        decided = [r["decision_id"] for r in rows]
        required = requirement_store.of_decisions(conn, decided)
        by_id = {
            d["decision_id"]: dict(d)
            for d in conn.execute(
                sa.select(decisions, consignments.c.version, consignments.c.filing_id)
                .join(consignments, consignments.c.row_id == decisions.c.row_id)
                .where(decisions.c.decision_id.in_(decided))
            ).mappings()
        }
        found += [
            Current(
                lodgement_of(row),
                row["row_id"],
                by_id[row["decision_id"]],
                list(row["assessed_findings"]),
                [r.as_dict() for r in required.get(row["decision_id"], ())],
            )
            for row in rows
        ]
    return sorted(found, key=lambda c: c.lodgement.consignment_id)


def open_with_certificate(
    conn: sa.Connection, number: str, consignor: str | None, consignee: str | None, *, since: datetime
) -> list[str]:
    """Consignments filed since `since` whose decision still matters (not closed, or an agency holds them) and
    that may travel with this certificate: a document reference that compacts to its number, or its parties.

    Found through the lookup index (a few index entries, whatever the number of open consignments); the
    certificate check itself is the ePhyto assessor's, so the caller re-assesses only those
    `certificates_for` really links."""
    held = (
        sa.select(agency_requirements.c.decision_id)
        .where(agency_requirements.c.decision_id == decisions.c.decision_id, agency_requirements.c.action != "release")
        .exists()
    )
    query = (
        sa.select(consignments.c.consignment_id)
        .distinct()
        .join(certificate_lookup, certificate_lookup.c.row_id == consignments.c.row_id)
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .join(decisions, sa.and_(decisions.c.row_id == consignments.c.row_id, decisions.c.current.is_(True)))
        .where(lookup_store.wanted(number, consignor, consignee))
        .where(consignments.c.current.is_(True), filings.c.status == "active", consignments.c.filed_at >= since)
        .where(sa.or_(decisions.c.state != "closed", held))
    )
    return sorted(conn.execute(query).scalars())


def window(at: datetime, days: int = 30) -> datetime:
    """How far back a late certificate is looked for its consignment: cargo still before release (30 days)."""
    return at - timedelta(days=days)


def save(
    conn: sa.Connection,
    items: Sequence[tuple[Current, Assessed, str]],
    *,
    at: datetime,
    actor: str,
    reason: str,
) -> list[str]:
    """Store each (consignment as it stood, its new assessment and decision, the new decision's state); returns
    the new decision ids. The replaced decisions close in the same transaction."""
    rows: dict[sa.Table, list[rows_of.Row]] = {
        t: []
        for t in (assessments, decisions, decision_reasons, agency_requirements, decision_priorities, decision_events)
    }
    events: list[rows_of.Row] = []
    made: list[str] = []
    for was, item, state in items:
        old = was.decision
        assessment_id, decision_id = new_id("A"), new_id("D")
        made.append(decision_id)
        rows[assessments].append(rows_of.assessment_row(assessment_id, was.row_id, item.assessment, item.findings, at))
        row = rows_of.decision_row(
            decision_id,
            was.row_id,
            assessment_id,
            item.lodgement,
            item.decision,
            item.assessment.score,
            state,
            at,
            replaces=old["decision_id"],
        )
        rows[decisions].append({**row, "assigned_to": old["assigned_to"]})
        decision_children(rows, decision_id, item, state, at)
        if agencies := agencies_of((), item.findings, item.decision.requirements):  # its goods are unchanged
            scope_store.add(conn, item.lodgement.consignment_id, agencies)
        conn.execute(
            decisions.update()
            .where(decisions.c.decision_id == old["decision_id"])
            .values(current=False, state="closed", updated_at=at)
        )
        events.append(
            rows_of.decision_event_row(
                new_id("E"),
                old["decision_id"],
                at,
                actor,
                "reassessed",
                old["outcome"],
                old["outcome"],
                old["state"],
                "closed",
                f"{reason}: replaced by {decision_id}",
            )
        )
    events += rows.pop(decision_events)
    for table, table_rows in rows.items():
        bulk.insert(conn, table, table_rows)
    audit_chain.append(conn, decision_events, events)
    out = [
        (
            row["decision_id"],
            events_out.subject("decisions", row["office"]),
            events_out.decision_event(
                row,
                filing_id=was.decision["filing_id"],
                document_number=was.lodgement.document_number,
                version=was.lodgement.version,
                reference=was.lodgement.consignment.reference,
            ),
        )
        for (was, _, _), row in zip(items, rows[decisions], strict=True)
    ]
    outbox.add(conn, at, out)  # the new decision goes out as any decision does (when the outbox is on)
    for (was, item, _), decision_id in zip(items, made, strict=True):
        detail = {
            "reason": reason,
            "replaces": was.decision["decision_id"],
            "decision_id": decision_id,
            "outcome": item.decision.outcome.value,
            "requirements": [r.as_dict() for r in item.decision.requirements],
        }
        add_audit(conn, at, actor, "consignment.reassessed", item.lodgement.consignment_id, detail)
    return made

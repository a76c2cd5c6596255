"""consignment ids from a length-prefixed encoding (issue 12: a separator typed into a field merged two ids)

Revision ID: 0006_consignment_ids
Revises: 0005
Create Date: 2026-12-01 22:00:00

A consignment id was the hash of filer, document number and reference joined by U+001F, so a field
holding U+001F could give two consignments one id. Every stored id is recomputed from the row it
names (filer, its filing's document number, reference) and rewritten wherever it is held. Rows that
point at a consignment row (decisions, outcomes, seizures, notes on a decision) follow that row, so a
history that had merged splits back into its consignments; the rest follow the old id.
"""

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

revision = "0006_consignment_ids"
down_revision = "0005"
branch_labels = None
depends_on = None


def _consignment_id(filer: str, document_number: str, reference: str) -> str:
    # Frozen here as safelane.ids.consignment_id computes it today: a migration must not change with the code.
    encoded = b"".join(
        len(raw).to_bytes(4, "big") + raw for raw in (part.encode() for part in (filer, document_number, reference))
    )
    return f"C{hashlib.blake2b(encoded, digest_size=10).hexdigest()}"


def _update(
    conn: sa.Connection, table: str, key: str, pairs: Iterable[tuple[str, str]], column: str = "consignment_id"
) -> None:
    rows = [{"k": k, "new": new} for k, new in pairs]
    if rows:
        conn.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {key} = :k"), rows)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT c.row_id, c.consignment_id, c.version, c.filer, f.document_number, c.reference"
            " FROM consignments c JOIN filings f ON f.filing_id = c.filing_id"
        )
    ).all()
    by_row = {r.row_id: _consignment_id(r.filer, r.document_number, r.reference) for r in rows}
    by_old: dict[str, str] = {}
    by_old_version: dict[tuple[str, int], str] = {}
    for r in rows:
        by_old.setdefault(r.consignment_id, by_row[r.row_id])
        by_old_version.setdefault((r.consignment_id, r.version), by_row[r.row_id])
    decisions = conn.execute(sa.text("SELECT decision_id, row_id FROM decisions")).all()
    by_decision = {d.decision_id: by_row[d.row_id] for d in decisions}
    outcomes = conn.execute(sa.text("SELECT outcome_id, row_id FROM inspection_outcomes")).all()
    by_outcome = {o.outcome_id: by_row[o.row_id] for o in outcomes}

    notes = conn.execute(sa.text("SELECT note_id, consignment_id, decision_id FROM case_notes")).all()
    _update(
        conn,
        "case_notes",
        "note_id",
        [
            (n.note_id, by_decision.get(n.decision_id) or by_old[n.consignment_id])
            for n in notes
            if n.decision_id in by_decision or n.consignment_id in by_old
        ],
    )
    hits = conn.execute(sa.text("SELECT hit_id, consignment_id, consignment_version FROM screening_hits")).all()
    _update(
        conn,
        "screening_hits",
        "hit_id",
        [
            (h.hit_id, by_old_version.get((h.consignment_id, h.consignment_version)) or by_old[h.consignment_id])
            for h in hits
            if h.consignment_id in by_old
        ],
    )
    seizures = conn.execute(sa.text("SELECT seizure_id, outcome_id FROM seizures")).all()
    _update(conn, "seizures", "seizure_id", [(s.seizure_id, by_outcome[s.outcome_id]) for s in seizures])
    _update(conn, "inspection_outcomes", "outcome_id", by_outcome.items())
    _update(conn, "decisions", "decision_id", by_decision.items())
    _update(conn, "consignments", "row_id", by_row.items())
    subjects = conn.execute(sa.text("SELECT event_id, subject FROM audit_events WHERE subject LIKE 'C%'")).all()
    _update(
        conn,
        "audit_events",
        "event_id",
        [(e.event_id, by_old[e.subject]) for e in subjects if e.subject in by_old],
        column="subject",
    )


def downgrade() -> None:
    raise NotImplementedError("the old ids cannot be told apart where they collided; restore a backup instead")

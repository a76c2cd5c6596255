"""officer workbench: selection under capacity, cases, seizures, sign-in sessions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("selection", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("inspection", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("office", sa.String(length=17), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=70), nullable=True))
        batch_op.add_column(sa.Column("deadline", UTC, nullable=True))
        batch_op.create_index(batch_op.f("ix_decisions_decided_at"), ["decided_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_office"), ["office"], unique=False)
    op.execute("UPDATE decisions SET selection = 'random' WHERE random")
    op.execute(
        "UPDATE decisions SET score = (SELECT score FROM assessments"
        " WHERE assessments.assessment_id = decisions.assessment_id)"
    )
    op.execute(
        "UPDATE decisions SET office = (SELECT office FROM consignments WHERE consignments.row_id = decisions.row_id)"
    )

    _backfill_deadlines()

    op.create_table(
        "decision_reasons",
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("assessor", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.decision_id"], name=op.f("fk_decision_reasons_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("decision_id", "assessor", "code", name=op.f("pk_decision_reasons")),
    )
    op.create_index("ix_decision_reasons_assessor_code", "decision_reasons", ["assessor", "code"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.create_index("ix_audit_events_action_subject", "audit_events", ["action", "subject"], unique=False)

    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=70), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_table(
        "office_settings",
        sa.Column("office", sa.String(length=17), nullable=False),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.Column("changed_by", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("office", name=op.f("pk_office_settings")),
    )

    with op.batch_alter_table("inspection_outcomes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("selection", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_inspection_outcomes_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "seizures",
        sa.Column("seizure_id", sa.String(length=32), nullable=False),
        sa.Column("outcome_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("office", sa.String(length=17), nullable=True),
        sa.Column("commodity", sa.String(length=64), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("concealment", sa.String(length=64), nullable=False),
        sa.Column("detection", sa.String(length=64), nullable=False),
        sa.Column("offence", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("recorded_by", sa.String(length=70), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["inspection_outcomes.outcome_id"], name=op.f("fk_seizures_outcome_id_inspection_outcomes")
        ),
        sa.PrimaryKeyConstraint("seizure_id", name=op.f("pk_seizures")),
    )
    op.create_index(op.f("ix_seizures_outcome_id"), "seizures", ["outcome_id"], unique=False)
    op.create_index(op.f("ix_seizures_consignment_id"), "seizures", ["consignment_id"], unique=False)
    op.create_index(op.f("ix_seizures_recorded_at"), "seizures", ["recorded_at"], unique=False)

    op.create_table(
        "case_notes",
        sa.Column("note_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_consignment_id"), "case_notes", ["consignment_id"], unique=False)


def _backfill_deadlines() -> None:
    """Departure (pre-loading) or arrival of each stored consignment, read from its JSON in Python, so both
    engines parse the filers' time zones the same way."""
    from datetime import UTC as utc
    from datetime import datetime

    conn = op.get_bind()
    data = sa.table("consignments", sa.column("row_id"), sa.column("kind"), sa.column("data", sa.JSON))
    decisions = sa.table("decisions", sa.column("row_id"), sa.column("deadline", UTC))
    updates = []
    for row_id, kind, document in conn.execute(sa.select(data.c.row_id, data.c.kind, data.c.data)):
        itinerary = (document or {}).get("itinerary") or {}
        text = itinerary.get("departure_at" if kind == "pre_loading" else "arrival_at")
        if text:
            moment = datetime.fromisoformat(text)
            updates.append({"r": row_id, "d": moment if moment.tzinfo else moment.replace(tzinfo=utc)})
    if updates:
        conn.execute(
            decisions.update().where(decisions.c.row_id == sa.bindparam("r")).values(deadline=sa.bindparam("d")),
            updates,
        )


def downgrade() -> None:
    op.drop_table("case_notes")
    op.drop_table("seizures")
    with op.batch_alter_table("inspection_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_outcomes_decision_id"))
        batch_op.drop_column("selection")
        batch_op.drop_column("decision_id")
    op.drop_table("office_settings")
    op.drop_table("web_sessions")
    op.drop_index("ix_audit_events_action_subject", table_name="audit_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
    op.drop_table("decision_reasons")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_office"))
        batch_op.drop_index(batch_op.f("ix_decisions_decided_at"))
        for column in ("deadline", "assigned_to", "score", "office", "inspection", "selection"):
            batch_op.drop_column(column)

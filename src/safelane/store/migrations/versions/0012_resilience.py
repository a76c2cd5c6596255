"""resilience: declared disruptions with their continuity plans, and each decision's priority tier (issue 15)

Revision ID: 0012_resilience
Revises: 0006_consignment_ids
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0012_resilience"
down_revision = "0006_consignment_ids"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "disruptions",
        sa.Column("disruption_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("scope", JSON, nullable=False),
        sa.Column("plan", JSON, nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("expected_end", UTC, nullable=True),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("declared_at", UTC, nullable=False),
        sa.Column("declared_by", sa.String(length=70), nullable=False),
        sa.Column("ended_by", sa.String(length=70), nullable=True),
        sa.PrimaryKeyConstraint("disruption_id", name=op.f("pk_disruptions")),
    )
    op.create_index(op.f("ix_disruptions_ended_at"), "disruptions", ["ended_at"], unique=False)
    op.create_table(
        "decision_priorities",
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("disruption_id", sa.String(length=32), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("expected_hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.decision_id"], name=op.f("fk_decision_priorities_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_decision_priorities")),
    )
    op.create_index(
        op.f("ix_decision_priorities_disruption_id"), "decision_priorities", ["disruption_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_priorities_disruption_id"), table_name="decision_priorities")
    op.drop_table("decision_priorities")
    op.drop_index(op.f("ix_disruptions_ended_at"), table_name="disruptions")
    op.drop_table("disruptions")

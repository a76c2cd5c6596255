"""joint inspections: inspection slots per office and agency, inspections, participants and their results

Revision ID: 0016_inspections
Revises: 0020_trader_data
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0016_inspections"
down_revision = "0020_trader_data"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspection_slots",
        sa.Column("office", sa.String(length=17), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("day_start", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("teams", sa.Integer(), nullable=False),
        sa.Column("daily", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.Column("changed_by", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("office", "agency", name=op.f("pk_inspection_slots")),
    )
    op.create_table(
        "inspections",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("office", sa.String(length=17), nullable=True),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("scheduled_at", UTC, nullable=False),
        sa.Column("scheduled_by", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("consignment_id", name=op.f("uq_inspections_consignment_id")),
    )
    op.create_index(op.f("ix_inspections_office"), "inspections", ["office"], unique=False)
    op.create_index(op.f("ix_inspections_starts_at"), "inspections", ["starts_at"], unique=False)
    op.create_table(
        "inspection_participants",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC, nullable=True),
        sa.Column("recorded_by", sa.String(length=70), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.inspection_id"],
            name=op.f("fk_inspection_participants_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("inspection_id", "agency", name=op.f("pk_inspection_participants")),
    )


def downgrade() -> None:
    op.drop_table("inspection_participants")
    op.drop_index(op.f("ix_inspections_starts_at"), table_name="inspections")
    op.drop_index(op.f("ix_inspections_office"), table_name="inspections")
    op.drop_table("inspections")
    op.drop_table("inspection_slots")

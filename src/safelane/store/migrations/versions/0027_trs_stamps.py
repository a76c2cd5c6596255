"""TRS stamps: the actual arrival and the control start of a consignment, once each

Revision ID: 0027_trs_stamps
Revises: 0016_inspections
Create Date: 2026-12-02 14:20:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0027_trs_stamps"
down_revision = "0016_inspections"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trs_stamps",
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("consignment_id", "kind", name=op.f("pk_trs_stamps")),
    )


def downgrade() -> None:
    op.drop_table("trs_stamps")

"""capacity reservations across workers; the event outbox (referral changes and releases out)

Revision ID: 0021_capacity_reservations
Revises: 0023_value_checkpoints
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0021_capacity_reservations"
down_revision = "0023_value_checkpoints"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "capacity_reservations",
        sa.Column("office", sa.String(length=17), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("office", "day", name=op.f("pk_capacity_reservations")),
    )


def downgrade() -> None:
    op.drop_table("capacity_reservations")

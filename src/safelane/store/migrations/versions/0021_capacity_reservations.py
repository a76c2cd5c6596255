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
    op.create_table(
        "event_outbox",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_outbox")),
    )
    op.create_index(op.f("ix_event_outbox_published_at"), "event_outbox", ["published_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_event_outbox_published_at"), table_name="event_outbox")
    op.drop_table("event_outbox")
    op.drop_table("capacity_reservations")

"""the event outbox: decisions, referral changes and releases waiting to be relayed to JetStream

Revision ID: 0029_event_outbox
Revises: 0016_inspections
Create Date: 2026-12-02 14:30:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0029_event_outbox"
down_revision = "0025_certificates"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_event_outbox")),
    )


def downgrade() -> None:
    op.drop_table("event_outbox")

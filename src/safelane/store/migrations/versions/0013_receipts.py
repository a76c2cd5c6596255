"""receipts of filings spooled while the store was down (store-and-forward, issue 15)

Revision ID: 0013_receipts
Revises: 0012_resilience
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0013_receipts"
down_revision = "0012_resilience"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("receipt_id", sa.String(length=32), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("forwarded_at", UTC, nullable=False),
        sa.Column("answer", JSON, nullable=False),
        sa.PrimaryKeyConstraint("receipt_id", name=op.f("pk_receipts")),
    )


def downgrade() -> None:
    op.drop_table("receipts")

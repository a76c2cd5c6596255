"""licences table: licences and permits for strategic goods (issue 16)

Revision ID: 0009_licences
Revises: 0013_receipts
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0009_licences"
down_revision = "0013_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "licences",
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("list", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=512), nullable=False),
        sa.Column("holder_identifier", sa.String(length=64), nullable=True),
        sa.Column("hs_prefix", sa.String(length=10), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("loaded_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_licences")),
    )


def downgrade() -> None:
    op.drop_table("licences")

"""e-commerce splitting index: low-value parcels by normalised consignee key

Revision ID: 0010_ecommerce
Revises: 0007_audit_chain
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0010_ecommerce"
down_revision = "0007_audit_chain"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ecommerce_parcels",
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("match_key", sa.String(length=32), nullable=False),
        sa.Column("key_kind", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=8), nullable=False),
        sa.Column("filed_at", UTC, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("consignment_id", "match_key", name=op.f("pk_ecommerce_parcels")),
    )
    op.create_index("ix_ecommerce_parcels_match_key_filed_at", "ecommerce_parcels", ["match_key", "filed_at"])


def downgrade() -> None:
    op.drop_index("ix_ecommerce_parcels_match_key_filed_at", table_name="ecommerce_parcels")
    op.drop_table("ecommerce_parcels")

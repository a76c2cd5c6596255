"""valuation checkpoints: the declared-value distributions saved, so a new process starts from them

Revision ID: 0023_value_checkpoints
Revises: 0014_cbm_core
Create Date: 2026-12-02 08:30:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0023_value_checkpoints"
down_revision = "0014_cbm_core"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "value_checkpoints",
        sa.Column("checkpoint_id", sa.String(length=32), nullable=False),
        sa.Column("high", sa.String(length=32), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("made_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("checkpoint_id", name=op.f("pk_value_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("value_checkpoints")

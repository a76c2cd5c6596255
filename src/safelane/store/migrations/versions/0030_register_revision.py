"""trusted-trader register change counter: one row bumped by every register write (a one-row change check)

Revision ID: 0030_register_revision
Revises: 0016_inspections
Create Date: 2026-12-02 15:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_register_revision"
down_revision = "0029_event_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "trader_register_revision",
        sa.Column("register", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register", name=op.f("pk_trader_register_revision")),
    )
    op.bulk_insert(table, [{"register": 1, "revision": 1}])


def downgrade() -> None:
    op.drop_table("trader_register_revision")

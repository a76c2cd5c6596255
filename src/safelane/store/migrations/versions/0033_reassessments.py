"""re-assessment: a decision may replace the earlier decision on the same consignment row

Revision ID: 0033_reassessments
Revises: 0024_agency_users
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_reassessments"
down_revision = "0024_agency_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("replaces", sa.String(32), nullable=True))
        batch.create_index(op.f("ix_decisions_replaces"), ["replaces"])


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index(op.f("ix_decisions_replaces"))
        batch.drop_column("replaces")

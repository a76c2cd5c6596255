"""re-assessment: a decision may replace the earlier decision on the same consignment row

Revision ID: 0033_reassessments
Revises: 0024_agency_users
Create Date: 2026-12-02 17:30:00

Plain ALTER TABLE (no batch copy): `decisions` is referenced by other tables, and a nullable column without
a default is added and dropped in place by SQLite (3.35+) and PostgreSQL alike.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_reassessments"
down_revision = "0024_agency_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("replaces", sa.String(32), nullable=True))
    op.create_index(op.f("ix_decisions_replaces"), "decisions", ["replaces"])


def downgrade() -> None:
    op.drop_index(op.f("ix_decisions_replaces"), table_name="decisions")
    op.drop_column("decisions", "replaces")

"""agency users: an agency officer belongs to one border agency of the register (issue 14, need-to-know)

Revision ID: 0024_agency_users
Revises: 0016_inspections
Create Date: 2026-12-02 14:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_agency_users"
down_revision = "0026_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("agency", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("agency")

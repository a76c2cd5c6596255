"""trusted-trader queue priority on the decision's priority row (issue 13)

Revision ID: 0037_trusted_priority
Revises: 0034_certificate_lookup
Create Date: 2026-12-03 17:35:00

A decision's priority row now also carries the `queue_priority` benefit of the trusted trader it facilitated,
so a row may exist without a disruption: its continuity columns become nullable.
"""

import sqlalchemy as sa
from alembic import op

revision = "0037_trusted_priority"
down_revision = "0034_certificate_lookup"
branch_labels = None
depends_on = None

CONTINUITY = (
    ("disruption_id", sa.String(length=32)),
    ("tier", sa.SmallInteger()),
    ("reason", sa.String(length=300)),
    ("expected_hours", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("decision_priorities") as batch:
        for name, kind in CONTINUITY:
            batch.alter_column(name, existing_type=kind, nullable=True)
        batch.add_column(sa.Column("trusted", sa.SmallInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("DELETE FROM decision_priorities WHERE disruption_id IS NULL")
    with op.batch_alter_table("decision_priorities") as batch:
        batch.drop_column("trusted")
        for name, kind in CONTINUITY:
            batch.alter_column(name, existing_type=kind, nullable=False)

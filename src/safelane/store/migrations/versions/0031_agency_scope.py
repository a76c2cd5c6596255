"""agency scope: the agencies whose need-to-know each consignment falls under, written with its assessment

Revision ID: 0031_agency_scope
Revises: 0024_agency_users
Create Date: 2026-12-02 17:10:00

Existing consignments are indexed from the agencies' requirements and findings already stored and from their
goods as the register in force at upgrade time describes them (`safelane agencies reindex` does it again after the register changed).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_agency_scope"
down_revision = "0024_agency_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_scope",
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("consignment_id", "agency", name=op.f("pk_agency_scope")),
    )
    op.create_index(op.f("ix_agency_scope_agency"), "agency_scope", ["agency"])
    from safelane.store import agency_scope

    agency_scope.reindex(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_agency_scope_agency"), table_name="agency_scope")
    op.drop_table("agency_scope")

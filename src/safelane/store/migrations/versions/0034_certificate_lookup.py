"""late-certificate lookup index: the document numbers and parties a consignment version may be matched by

Revision ID: 0034_certificate_lookup
Revises: 0033_reassessments
Create Date: 2026-12-03 09:10:00

Current consignment versions are indexed at upgrade from their stored data; new ones as they are filed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_certificate_lookup"
down_revision = "0033_reassessments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_lookup",
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["row_id"], ["consignments.row_id"], name=op.f("fk_certificate_lookup_row_id_consignments")
        ),
        sa.PrimaryKeyConstraint("row_id", "kind", "key", name=op.f("pk_certificate_lookup")),
    )
    op.create_index("ix_certificate_lookup_key", "certificate_lookup", ["key", "kind"])
    from safelane.store import certificate_lookup

    certificate_lookup.reindex(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_certificate_lookup_key", table_name="certificate_lookup")
    op.drop_table("certificate_lookup")

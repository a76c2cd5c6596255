"""ePhyto certificates: one row per NPPO certificate number, its status and the XML as received

Revision ID: 0025_certificates
Revises: 0016_inspections
Create Date: 2026-12-02 15:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import safelane.store.schema

revision = "0025_certificates"
down_revision = "0027_trs_stamps"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("certificate_id", sa.String(length=70), nullable=False),
        sa.Column("number_key", sa.String(length=70), nullable=False),
        sa.Column("issuing_country", sa.String(length=3), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("replaces", sa.String(length=70), nullable=True),
        sa.Column("replaced_by", sa.String(length=70), nullable=True),
        sa.Column("parties_key", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("warnings", JSON, nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("received_by", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificates")),
    )
    op.create_index(op.f("ix_certificates_number_key"), "certificates", ["number_key"], unique=False)
    op.create_index(op.f("ix_certificates_parties_key"), "certificates", ["parties_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_certificates_parties_key"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_number_key"), table_name="certificates")
    op.drop_table("certificates")

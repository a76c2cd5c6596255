"""coordinated border management core: agencies' requirements on a decision, every agency's release

Revision ID: 0014_cbm_core
Revises: 0010_ecommerce
Create Date: 2026-12-02 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import safelane.store.schema

revision = "0014_cbm_core"
down_revision = "0010_ecommerce"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agency_requirements",
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("documents", JSON, nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.decision_id"], name=op.f("fk_agency_requirements_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("decision_id", "agency", name=op.f("pk_agency_requirements")),
    )
    op.create_index(
        op.f("ix_agency_requirements_consignment_id"), "agency_requirements", ["consignment_id"], unique=False
    )
    op.create_table(
        "releases",
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("release_id", name=op.f("pk_releases")),
        sa.UniqueConstraint("consignment_id", "agency", name=op.f("uq_releases_consignment_id_agency")),
    )
    op.create_index(op.f("ix_releases_consignment_id"), "releases", ["consignment_id"], unique=False)
    op.create_index(op.f("ix_releases_at"), "releases", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_releases_at"), table_name="releases")
    op.drop_index(op.f("ix_releases_consignment_id"), table_name="releases")
    op.drop_table("releases")
    op.drop_index(op.f("ix_agency_requirements_consignment_id"), table_name="agency_requirements")
    op.drop_table("agency_requirements")

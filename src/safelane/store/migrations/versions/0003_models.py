"""learned risk model: model registry and inspection outcomes

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 08:25:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=70), nullable=False),
        sa.Column("activated_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("previous_id", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("window_from", sa.Date(), nullable=False),
        sa.Column("window_to", sa.Date(), nullable=False),
        sa.Column("features", JSON, nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("artefact", sa.LargeBinary(), nullable=False),
        sa.Column("artefact_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("name", "number", name=op.f("uq_model_versions_name_number")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_versions_status"), ["status"], unique=False)

    op.create_table(
        "inspection_outcomes",
        sa.Column("outcome_id", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=70), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["row_id"], ["consignments.row_id"], name=op.f("fk_inspection_outcomes_row_id_consignments")
        ),
        sa.PrimaryKeyConstraint("outcome_id", name=op.f("pk_inspection_outcomes")),
    )
    with op.batch_alter_table("inspection_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_outcomes_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_outcomes_row_id"), ["row_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inspection_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_outcomes_row_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_outcomes_consignment_id"))
    op.drop_table("inspection_outcomes")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_versions_status"))
    op.drop_table("model_versions")

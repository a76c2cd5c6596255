"""watch-list screening: list versions, entries, changes and re-screening hits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:15:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "list_versions",
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("list_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=70), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_list_versions")),
        sa.UniqueConstraint("list_name", "version", name=op.f("uq_list_versions_list_name_version")),
    )
    op.create_table(
        "list_entries",
        sa.Column("list_name", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("schema", sa.String(length=32), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("since_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("list_name", "entity_id", name=op.f("pk_list_entries")),
    )
    op.create_table(
        "list_changes",
        sa.Column("change_id", sa.String(length=32), nullable=False),
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("change", sa.String(length=8), nullable=False),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"], ["list_versions.version_id"], name=op.f("fk_list_changes_version_id_list_versions")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_list_changes")),
    )
    with op.batch_alter_table("list_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_changes_version_id"), ["version_id"], unique=False)

    op.create_table(
        "screening_hits",
        sa.Column("hit_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_version", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("list_name", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("list_version_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("detected_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finding", JSON, nullable=False),
        sa.PrimaryKeyConstraint("hit_id", name=op.f("pk_screening_hits")),
    )
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_hits_consignment_id"), ["consignment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_hits_consignment_id"))
    op.drop_table("screening_hits")
    with op.batch_alter_table("list_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_changes_version_id"))
    op.drop_table("list_changes")
    op.drop_table("list_entries")
    op.drop_table("list_versions")

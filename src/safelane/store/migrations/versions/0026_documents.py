"""paperless documents: documents attached to consignments, and their bytes when the database keeps them

Revision ID: 0026_documents
Revises: 0016_inspections
Create Date: 2026-12-02 14:45:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0026_documents"
down_revision = "0030_register_revision"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.String(length=32), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_documents")),
        sa.UniqueConstraint("consignment_id", "sha256", name=op.f("uq_documents_consignment_id_sha256")),
    )
    op.create_index(op.f("ix_documents_consignment_id"), "documents", ["consignment_id"], unique=False)
    op.create_table(
        "document_contents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document_contents")),
    )


def downgrade() -> None:
    op.drop_table("document_contents")
    op.drop_index(op.f("ix_documents_consignment_id"), table_name="documents")
    op.drop_table("documents")

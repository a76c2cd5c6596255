"""AEO 2.0 data sharing: trader keys bound to an operator, the data operators share, the trader view's links

Revision ID: 0020_trader_data
Revises: 0021_capacity_reservations
Create Date: 2026-12-02 08:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import safelane.store.schema

revision = "0020_trader_data"
down_revision = "0021_capacity_reservations"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("operator_id", sa.String(length=32), nullable=True))
    op.create_table(
        "trader_documents",
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("transport_document", sa.String(length=35), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["trader_operators.operator_id"],
            name=op.f("fk_trader_documents_operator_id_trader_operators"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_trader_documents")),
        sa.UniqueConstraint(
            "operator_id", "kind", "reference", name=op.f("uq_trader_documents_operator_id_kind_reference")
        ),
    )
    op.create_index(
        op.f("ix_trader_documents_transport_document"), "trader_documents", ["transport_document"], unique=False
    )
    op.create_table(
        "trader_links",
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("roles", sa.String(length=70), nullable=False),
        sa.Column("filed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("consignment_id", "operator_id", name=op.f("pk_trader_links")),
    )
    op.create_index("ix_trader_links_operator_id_filed_at", "trader_links", ["operator_id", "filed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_trader_links_operator_id_filed_at", table_name="trader_links")
    op.drop_table("trader_links")
    op.drop_index(op.f("ix_trader_documents_transport_document"), table_name="trader_documents")
    op.drop_table("trader_documents")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("operator_id")

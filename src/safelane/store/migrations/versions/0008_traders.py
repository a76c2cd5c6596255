"""trusted traders: operators, identifiers, authorisations and their status history (issue 13)

Revision ID: 0008_traders
Revises: 0009_licences
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import safelane.store.schema

revision = "0008_traders"
down_revision = "0009_licences"
branch_labels = None
depends_on = None

UTC = safelane.store.schema.UTCDateTime(timezone=True)
Id = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "trader_operators",
        sa.Column("operator_id", Id, nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("name_key", sa.String(600), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("street", sa.String(512), nullable=True),
        sa.Column("city", sa.String(512), nullable=True),
        sa.Column("postcode", sa.String(17), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_trader_operators")),
    )
    op.create_index(op.f("ix_trader_operators_name_key"), "trader_operators", ["name_key"])
    op.create_table(
        "trader_identifiers",
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("operator_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["trader_operators.operator_id"],
            name=op.f("fk_trader_identifiers_operator_id_trader_operators"),
        ),
        sa.PrimaryKeyConstraint("value", name=op.f("pk_trader_identifiers")),
    )
    op.create_index(op.f("ix_trader_identifiers_operator_id"), "trader_identifiers", ["operator_id"])
    op.create_table(
        "trader_authorisations",
        sa.Column("authorisation_id", Id, nullable=False),
        sa.Column("operator_id", Id, nullable=False),
        sa.Column("programme", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("administration", sa.String(32), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["trader_operators.operator_id"],
            name=op.f("fk_trader_authorisations_operator_id_trader_operators"),
        ),
        sa.PrimaryKeyConstraint("authorisation_id", name=op.f("pk_trader_authorisations")),
        sa.UniqueConstraint(
            "operator_id", "programme", "type", name=op.f("uq_trader_authorisations_operator_id_programme_type")
        ),
    )
    op.create_index(op.f("ix_trader_authorisations_operator_id"), "trader_authorisations", ["operator_id"])
    op.create_table(
        "trader_status_changes",
        sa.Column("change_id", Id, nullable=False),
        sa.Column("authorisation_id", Id, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_at", UTC, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(70), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["authorisation_id"],
            ["trader_authorisations.authorisation_id"],
            name=op.f("fk_trader_status_changes_authorisation_id_trader_authorisations"),
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_trader_status_changes")),
    )
    op.create_index(op.f("ix_trader_status_changes_authorisation_id"), "trader_status_changes", ["authorisation_id"])
    op.create_index(op.f("ix_trader_status_changes_recorded_at"), "trader_status_changes", ["recorded_at"])


def downgrade() -> None:
    op.drop_table("trader_status_changes")
    op.drop_table("trader_authorisations")
    op.drop_table("trader_identifiers")
    op.drop_table("trader_operators")

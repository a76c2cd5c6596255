"""initial schema

Revision ID: 0001
Revises: none
Create Date: 2026-11-22 07:52:00.404658
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import safelane.store.schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("subject", sa.String(length=140), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)

    op.create_table(
        "filings",
        sa.Column("filing_id", sa.String(length=32), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=False),
        sa.Column("document_number", sa.String(length=70), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("filing_id", name=op.f("pk_filings")),
        sa.UniqueConstraint("filer", "document_number", name=op.f("uq_filings_filer_document_number")),
    )
    op.create_table(
        "profiles",
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=70), nullable=False),
        sa.Column("changed_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("profile_id", "version", name=op.f("pk_profiles")),
    )
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=70), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=True),
        sa.Column("office", sa.String(length=17), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_users_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "filing_versions",
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("filing_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("message_type", sa.String(length=32), nullable=False),
        sa.Column("received_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filed_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "filing",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.filing_id"], name=op.f("fk_filing_versions_filing_id_filings")
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_filing_versions")),
        sa.UniqueConstraint("filing_id", "version", name=op.f("uq_filing_versions_filing_id_version")),
    )
    op.create_table(
        "consignments",
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("filing_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("office", sa.String(length=17), nullable=True),
        sa.Column("filed_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["filing_id"], ["filings.filing_id"], name=op.f("fk_consignments_filing_id_filings")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["filing_versions.version_id"],
            name=op.f("fk_consignments_version_id_filing_versions"),
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_consignments")),
    )
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consignments_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_filed_at"), ["filed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_filer"), ["filer"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_version_id"), ["version_id"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("assessment_id", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("assessed_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "findings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["row_id"], ["consignments.row_id"], name=op.f("fk_assessments_row_id_consignments")),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_row_id"), ["row_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("assessment_id", sa.String(length=32), nullable=False),
        sa.Column("consignment_id", sa.String(length=32), nullable=False),
        sa.Column("filer", sa.String(length=70), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("random", sa.Boolean(), nullable=False),
        sa.Column("decided_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.assessment_id"],
            name=op.f("fk_decisions_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(["row_id"], ["consignments.row_id"], name=op.f("fk_decisions_row_id_consignments")),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_filer"), ["filer"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_row_id"), ["row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_state"), ["state"], unique=False)

    op.create_table(
        "decision_events",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("at", safelane.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=70), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_outcome", sa.String(length=24), nullable=True),
        sa.Column("to_outcome", sa.String(length=24), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.decision_id"], name=op.f("fk_decision_events_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_decision_events")),
    )
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_events_decision_id"), ["decision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_events_decision_id"))

    op.drop_table("decision_events")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_state"))
        batch_op.drop_index(batch_op.f("ix_decisions_row_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_outcome"))
        batch_op.drop_index(batch_op.f("ix_decisions_filer"))
        batch_op.drop_index(batch_op.f("ix_decisions_consignment_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_row_id"))

    op.drop_table("assessments")
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consignments_version_id"))
        batch_op.drop_index(batch_op.f("ix_consignments_filing_id"))
        batch_op.drop_index(batch_op.f("ix_consignments_filer"))
        batch_op.drop_index(batch_op.f("ix_consignments_filed_at"))
        batch_op.drop_index(batch_op.f("ix_consignments_consignment_id"))

    op.drop_table("consignments")
    op.drop_table("filing_versions")
    op.drop_table("users")
    op.drop_table("profiles")
    op.drop_table("filings")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")

"""re-assessment and the ePhyto key: decisions.replaces; a certificate is keyed by number and issuing country

Revision ID: 0033_reassessments
Revises: 0024_agency_users
Create Date: 2026-12-02 17:30:00

`decisions.replaces` is added in place (no batch copy: `decisions` is referenced by other tables). The
certificates table is rebuilt with the primary key (certificate_id, issuing_country): two NPPOs may print the
same number. A certificate stored without an issuing country keeps "" as its country.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import safelane.store.schema

revision = "0033_reassessments"
down_revision = "0031_agency_scope"
branch_labels = None
depends_on = ("0025_certificates",)

UTC = safelane.store.schema.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
COLUMNS = (
    "certificate_id, number_key, issuing_country, status, replaces, replaced_by, parties_key, sha256, data, "
    "warnings, xml, received_at, received_by"
)


def _certificates(name: str, *, keyed_by_country: bool) -> None:
    op.create_table(
        name,
        sa.Column("certificate_id", sa.String(length=70), nullable=False),
        sa.Column("number_key", sa.String(length=70), nullable=False),
        sa.Column("issuing_country", sa.String(length=3), nullable=not keyed_by_country),
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
        sa.PrimaryKeyConstraint(
            *(("certificate_id", "issuing_country") if keyed_by_country else ("certificate_id",)),
            name=f"pk_{name}",
        ),
    )


def _swap(select: str, *, keyed_by_country: bool) -> None:
    _certificates("certificates_rebuilt", keyed_by_country=keyed_by_country)
    op.execute(f"INSERT INTO certificates_rebuilt ({COLUMNS}) {select}")
    op.drop_index(op.f("ix_certificates_parties_key"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_number_key"), table_name="certificates")
    op.drop_table("certificates")
    op.rename_table("certificates_rebuilt", "certificates")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE certificates RENAME CONSTRAINT pk_certificates_rebuilt TO pk_certificates")
    op.create_index(op.f("ix_certificates_number_key"), "certificates", ["number_key"], unique=False)
    op.create_index(op.f("ix_certificates_parties_key"), "certificates", ["parties_key"], unique=False)


def upgrade() -> None:
    op.add_column("decisions", sa.Column("replaces", sa.String(32), nullable=True))
    op.create_index(op.f("ix_decisions_replaces"), "decisions", ["replaces"])
    country = "COALESCE(issuing_country, '')"
    _swap(f"SELECT {COLUMNS.replace('issuing_country,', country + ',', 1)} FROM certificates", keyed_by_country=True)


def downgrade() -> None:
    # one row per number again: where two countries printed the same number, the first received stays
    first = (
        "SELECT {} FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM certificates o WHERE "
        "o.certificate_id = c.certificate_id AND (o.received_at < c.received_at OR (o.received_at = c.received_at "
        "AND o.issuing_country < c.issuing_country)))"
    )
    _swap(first.format(COLUMNS), keyed_by_country=False)
    op.drop_index(op.f("ix_decisions_replaces"), table_name="decisions")
    op.drop_column("decisions", "replaces")

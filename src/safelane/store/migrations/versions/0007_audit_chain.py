"""audit hash chain over decision and audit events (issue 12, point 4)

Revision ID: 0007_audit_chain
Revises: 0008_traders
Create Date: 2026-12-02 01:00:00

Every row of decision_events and audit_events gets its place in one chain (seq) and its link
(prev_hash, chain_hash; see safelane.store.audit_chain). The rows stored before are chained here in
the order they happened (time, then decision events before the audit event of the same moment, then
id), so `safelane audit verify` vouches for them from now on: it cannot say whether they were edited
before this migration ran.
"""

import heapq
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from safelane.store import audit_chain as chain
from safelane.store import schema

revision = "0007_audit_chain"
down_revision = "0008_traders"
branch_labels = None
depends_on = None

_TABLES = ("decision_events", "audit_events")  # in this order at the same moment: decisions, then the filing


def _rows(conn: sa.Connection, index: int, name: str) -> Iterator[tuple[Any, int, str, dict[str, Any]]]:
    table = getattr(schema, name)
    columns = [table.c[c] for c in chain.CONTENT[name]]
    for row in conn.execute(sa.select(*columns).order_by(table.c.at, table.c.event_id)).mappings():
        yield row["at"], index, row["event_id"], dict(row)


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("seq", sa.BigInteger, nullable=True))
            batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
            batch.add_column(sa.Column("chain_hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("chain", sa.String(16), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_chain")),
    )
    op.create_table(
        "audit_anchors",
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("at", schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_anchors")),
    )
    conn = op.get_bind()
    ordered = list(heapq.merge(*(_rows(conn, i, name) for i, name in enumerate(_TABLES)), key=lambda r: r[:3]))
    seq, prev = 0, chain.GENESIS
    links: dict[str, list[dict[str, Any]]] = {name: [] for name in _TABLES}
    for _, index, event_id, row in ordered:
        seq += 1
        hashed = chain.link(prev, _TABLES[index], row)
        links[_TABLES[index]].append({"k": event_id, "s": seq, "p": prev, "h": hashed})
        prev = hashed
    for name, rows in links.items():
        for start in range(0, len(rows), 5000):
            conn.execute(
                sa.text(f"UPDATE {name} SET seq = :s, prev_hash = :p, chain_hash = :h WHERE event_id = :k"),
                rows[start : start + 5000],
            )
    conn.execute(
        sa.text("INSERT INTO audit_chain (chain, seq, hash) VALUES (:c, :s, :h)"),
        {"c": chain.CHAIN, "s": seq, "h": prev},
    )
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            for column in ("seq", "prev_hash", "chain_hash"):
                batch.alter_column(
                    column, existing_type=sa.BigInteger if column == "seq" else sa.String(64), nullable=False
                )
            batch.create_unique_constraint(op.f(f"uq_{name}_seq"), ["seq"])


def downgrade() -> None:
    op.drop_table("audit_anchors")
    op.drop_table("audit_chain")
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(op.f(f"uq_{name}_seq"), type_="unique")
            for column in ("chain_hash", "prev_hash", "seq"):
                batch.drop_column(column)

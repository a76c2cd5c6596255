"""AEO 2.0 in the store: the documents operators share, which consignments name them, and their trader view.

A document is kept per operator, kind and its own id; posting it again replaces it (audited with the kind and
id, never the content, which is the trader's commercial data). `trader_links` says which consignments name a
data-sharing operator by identifier (written by the trader-data assessor in the transaction that stores the
filing); the trader view reads only those rows, so an operator's view cannot reach anyone else's consignments.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.ids import new_id
from safelane.store.filings import add_audit
from safelane.store.schema import (
    consignments,
    decisions,
    releases,
    trader_documents,
    trader_identifiers,
    trader_links,
    trader_operators,
    users,
)
from safelane.store.traders import _operators
from safelane.traders.authorisation import Operator
from safelane.traders.shared import Kind, Shared, compact, load


@dataclass(frozen=True)
class Sharing:
    """The operators holding an active trader key, and each of their identifiers (compact value -> operator)."""

    operators: dict[str, Operator]
    identifiers: dict[str, str]


def save(
    conn: sa.Connection, operator_id: str, kind: Kind, document: Shared, *, at: datetime, actor: str
) -> dict[str, Any]:
    """Keep one shared document (replacing the one of the same kind and id); returns its id and whether it
    replaced one."""
    data = orjson.loads(document.model_dump_json(exclude_none=True))
    where = sa.and_(
        trader_documents.c.operator_id == operator_id,
        trader_documents.c.kind == kind.stored,
        trader_documents.c.reference == document.reference,
    )
    existing = conn.execute(sa.select(trader_documents.c.document_id).where(where)).scalar()
    values = {
        "transport_document": compact(document.transport_document),
        "data": data,
        "received_at": at,
        "actor": actor,
    }
    if existing is None:
        document_id = new_id("TD")
        conn.execute(
            trader_documents.insert().values(
                document_id=document_id,
                operator_id=operator_id,
                kind=kind.stored,
                reference=document.reference,
                **values,
            )
        )
    else:
        document_id = existing
        conn.execute(trader_documents.update().where(where).values(**values))
    detail = {"kind": kind.stored, "reference": document.reference, "replaced": existing is not None}
    add_audit(conn, at, actor, "trader_data.shared", operator_id, detail)
    return {
        "document_id": document_id,
        "kind": kind.stored,
        "reference": document.reference,
        "replaced": existing is not None,
    }


def documents(
    conn: sa.Connection, operator_ids: Iterable[str], transport_documents: Iterable[str]
) -> dict[tuple[str, str], list[tuple[str, Shared]]]:
    """(operator, compact transport document) -> its shared (kind, document) pairs, in one query."""
    ops, refs = sorted(set(operator_ids)), sorted(set(transport_documents))
    found: dict[tuple[str, str], list[tuple[str, Shared]]] = defaultdict(list)
    if not ops or not refs:
        return found
    rows = conn.execute(
        sa.select(
            trader_documents.c.operator_id,
            trader_documents.c.transport_document,
            trader_documents.c.kind,
            trader_documents.c.data,
        )
        .where(trader_documents.c.operator_id.in_(ops), trader_documents.c.transport_document.in_(refs))
        .order_by(trader_documents.c.received_at, trader_documents.c.document_id)
    )
    for row in rows:
        found[(row.operator_id, row.transport_document)].append((row.kind, load(row.kind, row.data)))
    return found


def sharing(conn: sa.Connection) -> Sharing:
    """Operators with an active trader key (a handful to thousands, never the whole register)."""
    keyed = sa.select(users.c.operator_id).where(
        users.c.role == "trader", users.c.active.is_(True), users.c.operator_id.is_not(None)
    )
    operators = {o.operator_id: o for o in _operators(conn, trader_operators.c.operator_id.in_(keyed))}
    identifiers = {
        r.value: r.operator_id
        for r in conn.execute(sa.select(trader_identifiers).where(trader_identifiers.c.operator_id.in_(keyed)))
    }
    return Sharing(operators, identifiers)


def sharing_revision(conn: sa.Connection) -> tuple[Any, ...]:
    """Changes when trader keys or the identifiers of their operators may have changed."""
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.max(users.c.created_at)).where(
            users.c.role == "trader", users.c.active.is_(True)
        )
    ).one()
    count = conn.execute(sa.select(sa.func.count()).select_from(trader_identifiers)).scalar_one()
    return (*row, count)


def link(conn: sa.Connection, replaced: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Which consignments name which sharing operators; `replaced` consignments (amended) lose their old links."""
    if replaced:
        conn.execute(trader_links.delete().where(trader_links.c.consignment_id.in_(list(replaced))))
    if rows:
        conn.execute(trader_links.insert(), list(rows))


def consignments_of(conn: sa.Connection, operator_id: str, *, limit: int = 200) -> list[dict[str, Any]]:
    """The operator's consignments, newest first: reference, filing time, its roles, the current decision and
    every agency's release (with the time from filing to customs' release)."""
    rows = conn.execute(
        sa.select(
            trader_links.c.consignment_id,
            trader_links.c.roles,
            trader_links.c.filed_at,
            consignments.c.reference,
            consignments.c.office,
            consignments.c.mode,
            decisions.c.decision_id,
            decisions.c.answer,
            decisions.c.outcome,
            decisions.c.state,
            decisions.c.decided_at,
        )
        .join(
            consignments,
            sa.and_(consignments.c.consignment_id == trader_links.c.consignment_id, consignments.c.current.is_(True)),
        )
        .outerjoin(
            decisions,
            sa.and_(decisions.c.consignment_id == trader_links.c.consignment_id, decisions.c.current.is_(True)),
        )
        .where(trader_links.c.operator_id == operator_id)
        .order_by(trader_links.c.filed_at.desc(), trader_links.c.consignment_id)
        .limit(limit)
    ).mappings()
    found = [dict(r) for r in rows]
    ids = [r["consignment_id"] for r in found]
    released: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for r in conn.execute(
            sa.select(releases.c.consignment_id, releases.c.agency, releases.c.kind, releases.c.at)
            .where(releases.c.consignment_id.in_(ids))
            .order_by(releases.c.at)
        ).mappings():
            released[r["consignment_id"]].append({"agency": r["agency"], "kind": r["kind"], "at": r["at"]})
    for row in found:
        row["roles"] = row["roles"].split()
        row["releases"] = released.get(row["consignment_id"], [])
        customs = next((r for r in row["releases"] if r["agency"] == "customs" and r["kind"] == "released"), None)
        row["release_hours"] = (
            round((customs["at"] - row["filed_at"]).total_seconds() / 3600, 2) if customs is not None else None
        )
    return found


def shared_documents(conn: sa.Connection, operator_id: str, *, limit: int = 200) -> list[dict[str, Any]]:
    """What the operator shared, newest first (kind, id, transport document, when)."""
    rows = conn.execute(
        sa.select(
            trader_documents.c.kind,
            trader_documents.c.reference,
            trader_documents.c.transport_document,
            trader_documents.c.received_at,
        )
        .where(trader_documents.c.operator_id == operator_id)
        .order_by(trader_documents.c.received_at.desc(), trader_documents.c.document_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]

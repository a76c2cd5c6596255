"""Model registry and inspection outcomes repository.

Every trained model is a version (name, number) with its training window, features, metrics, model card and
artefact bytes; one version per name is active. Activating records which version was active before, so a
rollback walks back that chain. Inspection outcomes are what officers found; they are the store's labels.
"""

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from safelane.domain import Lodgement
from safelane.ids import new_id
from safelane.store.filings import LODGEMENT_COLUMNS, add_audit, lodgement_of
from safelane.store.schema import consignments, filing_versions, filings, inspection_outcomes, model_versions

RESULTS = ("no_irregularity", "irregularity", "seizure")
_LISTED = [c for c in model_versions.c if c.name != "artefact"]


class RegistryError(ValueError):
    pass


def add_version(
    conn: sa.Connection,
    *,
    name: str,
    artefact: bytes,
    source: str,
    window_from: date,
    window_to: date,
    features: list[str],
    metrics: dict[str, Any],
    card: str,
    actor: str,
    at: datetime,
) -> dict[str, Any]:
    number = (
        conn.execute(sa.select(sa.func.max(model_versions.c.number)).where(model_versions.c.name == name)).scalar() or 0
    ) + 1
    version_id = new_id("M")
    row = {
        "version_id": version_id,
        "name": name,
        "number": number,
        "status": "candidate",
        "created_at": at,
        "created_by": actor,
        "activated_at": None,
        "previous_id": None,
        "source": source[:255],
        "window_from": window_from,
        "window_to": window_to,
        "features": features,
        "metrics": metrics,
        "card": card,
        "artefact": artefact,
        "artefact_sha256": hashlib.sha256(artefact).hexdigest(),
    }
    conn.execute(model_versions.insert().values(**row))
    add_audit(conn, at, actor, "model.registered", version_id, {"name": name, "number": number})
    return {k: v for k, v in row.items() if k != "artefact"}


def list_versions(conn: sa.Connection, name: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(*_LISTED).order_by(model_versions.c.name, model_versions.c.number)
    if name is not None:
        query = query.where(model_versions.c.name == name)
    return [dict(r) for r in conn.execute(query).mappings()]


def find(conn: sa.Connection, ref: str, name: str = "fraud") -> dict[str, Any] | None:
    """A version by id, by 'name:number', or by number of `name`; with its artefact."""
    query = sa.select(model_versions)
    if ref.isdigit():
        query = query.where(model_versions.c.name == name, model_versions.c.number == int(ref))
    elif ":" in ref and ref.rsplit(":", 1)[1].isdigit():
        which, number = ref.rsplit(":", 1)
        query = query.where(model_versions.c.name == which, model_versions.c.number == int(number))
    else:
        query = query.where(model_versions.c.version_id == ref)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def active(conn: sa.Connection, name: str = "fraud", *, artefact: bool = True) -> dict[str, Any] | None:
    columns = [model_versions] if artefact else _LISTED
    row = (
        conn.execute(sa.select(*columns).where(model_versions.c.name == name, model_versions.c.status == "active"))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def active_marker(conn: sa.Connection) -> tuple[str, ...]:
    """Changes whenever any active version changes (cheap: ids only)."""
    rows = conn.execute(
        sa.select(model_versions.c.version_id)
        .where(model_versions.c.status == "active")
        .order_by(model_versions.c.version_id)
    )
    return tuple(r[0] for r in rows)


def activate(conn: sa.Connection, version_id: str, *, actor: str, at: datetime) -> dict[str, Any]:
    target = find(conn, version_id)
    if target is None:
        raise RegistryError(f"no model version {version_id!r}")
    current = active(conn, target["name"], artefact=False)
    if current and current["version_id"] == target["version_id"]:
        return target
    if current:
        conn.execute(
            model_versions.update().where(model_versions.c.version_id == current["version_id"]).values(status="retired")
        )
    conn.execute(
        model_versions.update()
        .where(model_versions.c.version_id == target["version_id"])
        .values(status="active", activated_at=at, previous_id=current["version_id"] if current else None)
    )
    add_audit(
        conn,
        at,
        actor,
        "model.activated",
        target["version_id"],
        {"name": target["name"], "number": target["number"], "previous": current["version_id"] if current else None},
    )
    return find(conn, target["version_id"]) or target


def rollback(conn: sa.Connection, name: str = "fraud", *, actor: str, at: datetime) -> dict[str, Any]:
    """Retire the active version and reactivate the one that was active before it."""
    current = active(conn, name, artefact=False)
    if current is None:
        raise RegistryError(f"no active {name} model to roll back")
    if not current["previous_id"]:
        raise RegistryError(f"{name}:{current['number']} has no earlier active version to roll back to")
    conn.execute(
        model_versions.update().where(model_versions.c.version_id == current["version_id"]).values(status="retired")
    )
    conn.execute(
        model_versions.update()
        .where(model_versions.c.version_id == current["previous_id"])
        .values(status="active", activated_at=at)
    )
    add_audit(conn, at, actor, "model.rolled_back", current["version_id"], {"name": name, "to": current["previous_id"]})
    restored = find(conn, current["previous_id"])
    assert restored is not None
    return restored


def record_outcome(
    conn: sa.Connection,
    row_id: str,
    *,
    method: str,
    result: str,
    actor: str,
    at: datetime,
    note: str | None = None,
    decision_id: str | None = None,
    selection: str | None = None,
) -> str:
    """What an inspection of one stored consignment (row) found; `decision_id` and `selection` name the decision
    that sent it to inspection, so hit rates can be told apart for targeted and random selections."""
    if result not in RESULTS:
        raise RegistryError(f"result must be one of {', '.join(RESULTS)}, got {result!r}")
    consignment_id = conn.execute(
        sa.select(consignments.c.consignment_id).where(consignments.c.row_id == row_id)
    ).scalar()
    if consignment_id is None:
        raise RegistryError(f"no stored consignment row {row_id!r}")
    outcome_id = new_id("O")
    conn.execute(
        inspection_outcomes.insert().values(
            outcome_id=outcome_id,
            row_id=row_id,
            consignment_id=consignment_id,
            method=method,
            result=result,
            recorded_at=at,
            recorded_by=actor,
            note=note,
            decision_id=decision_id,
            selection=selection,
        )
    )
    return outcome_id


def outcomes(conn: sa.Connection, consignment_id: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(inspection_outcomes).order_by(inspection_outcomes.c.recorded_at)
    if consignment_id is not None:
        query = query.where(inspection_outcomes.c.consignment_id == consignment_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def lodgements_with_outcomes(
    conn: sa.Connection, *, until: datetime | None = None, batch_size: int = 2000
) -> Iterator[list[tuple[Lodgement, str | None]]]:
    """Current stored consignments, oldest first, each with its latest inspection result (None: not inspected).

    Training data from the store: inspected rows carry labels, the others add to counts and usual values.
    """
    latest = sa.select(
        inspection_outcomes.c.consignment_id,
        inspection_outcomes.c.result,
        sa.func.row_number()
        .over(partition_by=inspection_outcomes.c.consignment_id, order_by=inspection_outcomes.c.recorded_at.desc())
        .label("n"),
    ).subquery()
    query = (
        sa.select(
            *LODGEMENT_COLUMNS,
            latest.c.result,
        )
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .join(filing_versions, filing_versions.c.version_id == consignments.c.version_id)
        .outerjoin(latest, sa.and_(latest.c.consignment_id == consignments.c.consignment_id, latest.c.n == 1))
        .where(consignments.c.current.is_(True), filings.c.status == "active")
        .order_by(consignments.c.filed_at, consignments.c.row_id)
    )
    if until is not None:
        query = query.where(consignments.c.filed_at < until)
    with conn.execute(query, execution_options={"yield_per": batch_size}) as result:  # closes the server cursor
        for chunk in result.mappings().partitions(batch_size):
            yield [(lodgement_of(r), r["result"]) for r in chunk]

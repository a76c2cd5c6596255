"""The trader register's repository: operators, identifiers, authorisations and their status history.

An import is one transaction: each row finds its operator by any identifier it carries (else by country and
normalised name), and its authorisation by operator, programme and type; what differs is updated and audited
with before and after, and a status is appended to the history unless the same status with the same effective
date is there already, so importing the same file twice changes nothing.
"""

import gc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.ids import new_id
from safelane.screening.names import normalise
from safelane.store.database import Database
from safelane.store.filings import add_audit
from safelane.store.refreshing import Refreshing
from safelane.store.schema import (
    assessments,
    audit_events,
    consignments,
    decisions,
    inspection_outcomes,
    trader_authorisations,
    trader_identifiers,
    trader_operators,
    trader_register_revision,
    trader_status_changes,
)
from safelane.traders.authorisation import STATUSES, Authorisation, Operator, StatusChange, start_of
from safelane.traders.compliance import Inspected, cells_of
from safelane.traders.importing import Row
from safelane.traders.register import Register

CHANGERS = frozenset({"supervisor", "admin"})  # who may import or change a status
RELOAD_MARGIN = timedelta(minutes=1)
OPERATOR_FIELDS = ("name", "country", "street", "city", "postcode")
AUTHORISATION_FIELDS = ("number", "administration", "valid_from", "valid_to", "conditions")


def name_key(country: str, name: str) -> str:
    return f"{country}:{normalise(name).key}"[:600]


@dataclass
class ImportReport:
    rows: int = 0
    operators: dict[str, int] = field(default_factory=lambda: {"added": 0, "changed": 0, "unchanged": 0})
    authorisations: dict[str, int] = field(default_factory=lambda: {"added": 0, "changed": 0, "unchanged": 0})
    status_changes: int = 0
    changes: list[str] = field(default_factory=list)  # one sentence per change, for the operator running it

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "operators": self.operators,
            "authorisations": self.authorisations,
            "status_changes": self.status_changes,
            "changes": self.changes,
        }


def _differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if v is not None and before.get(k) != v}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _operator_for(conn: sa.Connection, row: Row) -> tuple[str | None, list[str]]:
    """The operator a row names (by identifier, else by name and country), and identifiers naming another one."""
    owners: dict[str, str] = {}
    if row.identifiers:
        found = conn.execute(
            sa.select(trader_identifiers.c.value, trader_identifiers.c.operator_id).where(
                trader_identifiers.c.value.in_([v for _, v in row.identifiers])
            )
        )
        owners = {r.value: r.operator_id for r in found}
    distinct = set(owners.values())
    if len(distinct) > 1:
        return None, sorted(owners)
    if distinct:
        return distinct.pop(), []
    if row.identifiers:
        return None, []
    by_name = conn.execute(
        sa.select(trader_operators.c.operator_id).where(trader_operators.c.name_key == name_key(row.country, row.name))
    ).scalar()
    return by_name, []


class ConflictingIdentifiers(ValueError):
    def __init__(self, line: int, values: list[str]):
        self.line, self.values = line, values
        super().__init__(f"line {line}: identifiers {', '.join(values)} belong to different registered operators")


def _empty(conn: sa.Connection) -> bool:
    return conn.execute(sa.select(trader_operators.c.operator_id).limit(1)).first() is None


def _first_load(
    conn: sa.Connection, rows: Sequence[Row], *, actor: str, at: datetime, source: str
) -> ImportReport | None:
    """Into an empty register, in a few bulk inserts (an EU directory holds ~18,000 authorisations); None when
    rows share identifiers in ways only the row-by-row path resolves."""
    by_key: dict[str, str] = {}  # identifier value or name key -> operator id
    operators, identifiers, authorisations, changes = [], [], [], []
    authorisation_of: dict[tuple[str, str, str], str] = {}
    operator_rows: dict[str, dict[str, Any]] = {}
    authorisation_rows: dict[str, dict[str, Any]] = {}
    seen_changes: set[tuple[str, str, datetime]] = set()
    report = ImportReport(rows=len(rows))
    by_name: dict[str, str] = {}  # as the row-by-row path: a row without identifiers finds any operator by name
    for row in rows:
        keys = [v for _, v in row.identifiers]
        owners = {by_key[k] for k in keys if k in by_key}
        if not keys and name_key(row.country, row.name) in by_name:
            owners = {by_name[name_key(row.country, row.name)]}
        if len(owners) > 1 or (owners and any(k not in by_key for k in keys)):
            return None
        if owners:
            operator_id = owners.pop()
            report.operators["unchanged"] += 1
            stored = operator_rows[operator_id]  # as the row-by-row path: a later row's values win
            stored.update({f: v for f in OPERATOR_FIELDS if (v := getattr(row, f)) is not None})
            stored["name_key"] = name_key(row.country, row.name)
        else:
            operator_id = new_id("O")
            by_key.update(dict.fromkeys(keys, operator_id))
            by_name.setdefault(name_key(row.country, row.name), operator_id)
            operators.append(operator_rows.setdefault(operator_id, {}))
            operator_rows[operator_id].update(
                {
                    "operator_id": operator_id,
                    "name_key": name_key(row.country, row.name),
                    "created_at": at,
                    "updated_at": at,
                    **{f: getattr(row, f) for f in OPERATOR_FIELDS},
                }
            )
            identifiers += [{"value": v, "scheme": s, "operator_id": operator_id} for s, v in row.identifiers]
            report.operators["added"] += 1
        key = (operator_id, row.programme, row.type)
        if key not in authorisation_of:
            authorisation_of[key] = new_id("A")
            authorisations.append(authorisation_rows.setdefault(authorisation_of[key], {}))
            authorisation_rows[authorisation_of[key]].update(
                {
                    "authorisation_id": authorisation_of[key],
                    "operator_id": operator_id,
                    "programme": row.programme,
                    "type": row.type,
                    "updated_at": at,
                    **{f: getattr(row, f) for f in AUTHORISATION_FIELDS},
                }
            )
            report.authorisations["added"] += 1
        else:
            report.authorisations["unchanged"] += 1
            stored = authorisation_rows[authorisation_of[key]]
            stored.update({f: v for f in AUTHORISATION_FIELDS if (v := getattr(row, f)) is not None})
        change = (authorisation_of[key], row.status, start_of(row.effective))
        if change not in seen_changes:
            seen_changes.add(change)
            changes.append(
                {
                    "change_id": new_id("S"),
                    "authorisation_id": change[0],
                    "status": row.status,
                    "effective_at": change[2],
                    "reason": row.reason,
                    "actor": actor,
                    "recorded_at": at,
                }
            )
    for table, values in (
        (trader_operators, operators),
        (trader_identifiers, identifiers),
        (trader_authorisations, authorisations),
        (trader_status_changes, changes),
    ):
        if values:
            conn.execute(table.insert(), values)
    report.status_changes = len(changes)
    report.changes.append(
        f"first load: {len(operators)} operators, {len(authorisations)} authorisations, {len(changes)} statuses"
    )
    add_audit(conn, at, actor, "trader.register_loaded", None, {"source": source, **report.as_dict()})
    return report


def import_rows(conn: sa.Connection, rows: Sequence[Row], *, actor: str, at: datetime, source: str) -> ImportReport:
    """Apply validated rows in the caller's transaction (all or nothing); returns what changed."""
    if len(rows) > 100 and _empty(conn):
        loaded = _first_load(conn, rows, actor=actor, at=at, source=source)
        if loaded is not None:
            _bump(conn)
            return loaded
    report = ImportReport(rows=len(rows))
    for row in rows:
        operator_id, conflicting = _operator_for(conn, row)
        if conflicting:
            raise ConflictingIdentifiers(row.line, conflicting)
        values = {f: getattr(row, f) for f in OPERATOR_FIELDS}
        if operator_id is None:
            operator_id = new_id("O")
            conn.execute(
                trader_operators.insert().values(
                    operator_id=operator_id,
                    name_key=name_key(row.country, row.name),
                    created_at=at,
                    updated_at=at,
                    **values,
                )
            )
            report.operators["added"] += 1
            report.changes.append(f"line {row.line}: operator {row.name} ({row.country}) added as {operator_id}")
            add_audit(conn, at, actor, "trader.operator_added", operator_id, {"source": source, "line": row.line})
        else:
            current = dict(
                conn.execute(sa.select(trader_operators).where(trader_operators.c.operator_id == operator_id))
                .mappings()
                .one()
            )
            changed = _differences(current, values)
            if changed:
                conn.execute(
                    trader_operators.update()
                    .where(trader_operators.c.operator_id == operator_id)
                    .values(
                        updated_at=at,
                        name_key=name_key(row.country, row.name),
                        **{k: v for k, v in values.items() if v is not None},
                    )
                )
                report.operators["changed"] += 1
                report.changes.append(f"line {row.line}: operator {operator_id} changed: {', '.join(changed)}")
                add_audit(
                    conn, at, actor, "trader.operator_changed", operator_id, {"source": source, "changed": changed}
                )
            else:
                report.operators["unchanged"] += 1
        known = set(
            conn.execute(
                sa.select(trader_identifiers.c.value).where(trader_identifiers.c.operator_id == operator_id)
            ).scalars()
        )
        for scheme, value in row.identifiers:
            if value not in known:
                conn.execute(trader_identifiers.insert().values(value=value, scheme=scheme, operator_id=operator_id))
                conn.execute(  # so the in-memory register reloads this operator
                    trader_operators.update().where(trader_operators.c.operator_id == operator_id).values(updated_at=at)
                )
                report.changes.append(f"line {row.line}: identifier {scheme} {value} added to {operator_id}")
        _authorisation(conn, operator_id, row, report, actor=actor, at=at, source=source)
    if report.changes:  # every added or changed row is listed there; an unchanged reimport needs no reload
        _bump(conn)
    return report


def _bump(conn: sa.Connection) -> None:
    """Count one more register change, in the writer's transaction: every process's `revision` check sees it
    when (and only when) the change commits."""
    row = trader_register_revision.c
    bumped = conn.execute(
        trader_register_revision.update().where(row.register == 1).values(revision=row.revision + 1)
    ).rowcount
    if not bumped:  # a database made from the schema, not by the migration that seeds the row
        conn.execute(trader_register_revision.insert().values(register=1, revision=1))


def _authorisation(
    conn: sa.Connection, operator_id: str, row: Row, report: ImportReport, *, actor: str, at: datetime, source: str
) -> None:
    values = {f: getattr(row, f) for f in AUTHORISATION_FIELDS}
    current = (
        conn.execute(
            sa.select(trader_authorisations).where(
                trader_authorisations.c.operator_id == operator_id,
                trader_authorisations.c.programme == row.programme,
                trader_authorisations.c.type == row.type,
            )
        )
        .mappings()
        .first()
    )
    label = f"{row.programme} {row.type} of {operator_id}"
    if current is None:
        authorisation_id = new_id("A")
        conn.execute(
            trader_authorisations.insert().values(
                authorisation_id=authorisation_id,
                operator_id=operator_id,
                programme=row.programme,
                type=row.type,
                updated_at=at,
                **values,
            )
        )
        report.authorisations["added"] += 1
        report.changes.append(f"line {row.line}: authorisation {label} added")
        add_audit(conn, at, actor, "trader.authorisation_added", authorisation_id, {"source": source, "line": row.line})
    else:
        authorisation_id = current["authorisation_id"]
        changed = _differences(dict(current), values)
        if changed:
            conn.execute(
                trader_authorisations.update()
                .where(trader_authorisations.c.authorisation_id == authorisation_id)
                .values(updated_at=at, **{k: v for k, v in values.items() if v is not None})
            )
            report.authorisations["changed"] += 1
            report.changes.append(f"line {row.line}: authorisation {label} changed: {', '.join(changed)}")
            add_audit(
                conn,
                at,
                actor,
                "trader.authorisation_changed",
                authorisation_id,
                {"source": source, "changed": changed},
            )
        else:
            report.authorisations["unchanged"] += 1
    effective_at = start_of(row.effective)
    exists = conn.execute(
        sa.select(sa.func.count()).where(
            trader_status_changes.c.authorisation_id == authorisation_id,
            trader_status_changes.c.status == row.status,
            trader_status_changes.c.effective_at == effective_at,
        )
    ).scalar()
    if not exists:
        _add_change(conn, authorisation_id, row.status, effective_at, row.reason, actor=actor, at=at)
        report.status_changes += 1
        report.changes.append(f"line {row.line}: {label} {row.status} from {row.effective.isoformat()}")


def _add_change(
    conn: sa.Connection,
    authorisation_id: str,
    status: str,
    effective_at: datetime,
    reason: str,
    *,
    actor: str,
    at: datetime,
) -> None:
    conn.execute(
        trader_status_changes.insert().values(
            change_id=new_id("S"),
            authorisation_id=authorisation_id,
            status=status,
            effective_at=effective_at,
            reason=reason,
            actor=actor,
            recorded_at=at,
        )
    )
    add_audit(
        conn,
        at,
        actor,
        "trader.status_changed",
        authorisation_id,
        {"status": status, "effective_at": effective_at.isoformat(), "reason": reason},
    )


def set_status(
    conn: sa.Connection,
    authorisation_id: str,
    status: str,
    *,
    reason: str,
    actor: str,
    at: datetime,
    effective_at: datetime | None = None,
) -> None:
    """Record a status change (from `effective_at`, default now) with its reason; audited."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if not reason.strip():
        raise ValueError("a status change needs a reason")
    found = conn.execute(
        sa.select(sa.func.count()).where(trader_authorisations.c.authorisation_id == authorisation_id)
    ).scalar()
    if not found:
        raise LookupError(f"no authorisation {authorisation_id}")
    _add_change(conn, authorisation_id, status, effective_at or at, reason.strip(), actor=actor, at=at)
    _bump(conn)


def _operators(conn: sa.Connection, where: Any = None) -> list[Operator]:
    """Operators with their identifiers, authorisations and histories (those matching `where`)."""
    query = sa.select(trader_operators)
    if where is not None:
        query = query.where(where)
    rows = list(conn.execute(query.order_by(trader_operators.c.name, trader_operators.c.operator_id)).mappings())
    if not rows:
        return []
    chosen = None if where is None else [r["operator_id"] for r in rows]

    def only(column: Any) -> Any:
        return sa.true() if chosen is None else column.in_(chosen)

    identifiers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in conn.execute(sa.select(trader_identifiers).where(only(trader_identifiers.c.operator_id))):
        identifiers[r.operator_id].append((r.scheme, r.value))
    histories: dict[str, list[StatusChange]] = defaultdict(list)
    changes = sa.select(trader_status_changes)
    if chosen is not None:
        changes = changes.join(trader_authorisations).where(trader_authorisations.c.operator_id.in_(chosen))
    for r in conn.execute(changes):
        histories[r.authorisation_id].append(StatusChange(r.status, r.effective_at, r.reason, r.actor, r.recorded_at))
    authorisations: dict[str, list[Authorisation]] = defaultdict(list)
    for r in conn.execute(sa.select(trader_authorisations).where(only(trader_authorisations.c.operator_id))):
        authorisations[r.operator_id].append(
            Authorisation(
                r.authorisation_id,
                r.operator_id,
                r.programme,
                r.type,
                r.number,
                r.administration,
                r.valid_from,
                r.valid_to,
                r.conditions,
                tuple(histories[r.authorisation_id]),
            )
        )
    return [
        Operator(
            r["operator_id"],
            r["name"],
            r["country"],
            r["street"],
            r["city"],
            r["postcode"],
            tuple(sorted(identifiers[r["operator_id"]])),
            tuple(sorted(authorisations[r["operator_id"]], key=lambda a: (a.programme, a.type))),
        )
        for r in rows
    ]


def operator(conn: sa.Connection, operator_id: str) -> Operator | None:
    found = _operators(conn, trader_operators.c.operator_id == operator_id)
    return found[0] if found else None


def operator_of(conn: sa.Connection, authorisation_id: str) -> str | None:
    return conn.execute(
        sa.select(trader_authorisations.c.operator_id).where(
            trader_authorisations.c.authorisation_id == authorisation_id
        )
    ).scalar()


def search(conn: sa.Connection, text: str, limit: int = 50) -> list[Operator]:
    """Operators whose name contains `text` or who carry it as an identifier (case-insensitive)."""
    text = text.strip()
    if not text:
        return _operators(
            conn, trader_operators.c.operator_id.in_(sa.select(trader_operators.c.operator_id).limit(limit))
        )
    by_identifier = sa.select(trader_identifiers.c.operator_id).where(
        trader_identifiers.c.value == "".join(ch for ch in text.upper() if ch.isalnum())
    )
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    ids = (
        sa.select(trader_operators.c.operator_id)
        .where(
            sa.or_(
                sa.func.lower(trader_operators.c.name).like(pattern, escape="\\"),
                trader_operators.c.operator_id.in_(by_identifier),
                trader_operators.c.operator_id == text,
            )
        )
        .limit(limit)
    )
    return _operators(conn, trader_operators.c.operator_id.in_(ids))


def everyone(conn: sa.Connection) -> list[Operator]:
    """Every operator that holds an authorisation: what the in-memory register is built from."""
    return [o for o in _operators(conn) if o.authorisations]


def revision(conn: sa.Connection) -> int:
    """Cheap change marker: the register's change counter (one row), bumped by every import and status change.

    It replaced counts and newest change times of the register's tables, whose `max(updated_at)` scans took
    24 ms with 100,000 operators, once a second in every process."""
    found = conn.execute(
        sa.select(trader_register_revision.c.revision).where(trader_register_revision.c.register == 1)
    ).scalar()
    return int(found or 0)


def _counts(conn: sa.Connection) -> tuple[int, int, int]:
    """How many operators, authorisations and status changes are stored (read on a reload only)."""
    return tuple(  # type: ignore[return-value]
        int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
        for table in (trader_operators, trader_authorisations, trader_status_changes)
    )


def _changed_since(conn: sa.Connection, since: datetime) -> tuple[set[str], tuple[int, int, int]]:
    """Operators touched at or after `since` (their own row, an authorisation, or a status change), and how many
    operator, authorisation and status rows were touched then (to tell whether that explains the new counts)."""
    operators = list(
        conn.execute(sa.select(trader_operators.c.operator_id).where(trader_operators.c.updated_at >= since)).scalars()
    )
    authorisations = list(
        conn.execute(
            sa.select(trader_authorisations.c.operator_id).where(trader_authorisations.c.updated_at >= since)
        ).scalars()
    )
    statuses = list(
        conn.execute(
            sa.select(trader_authorisations.c.operator_id)
            .join(trader_status_changes)
            .where(trader_status_changes.c.recorded_at >= since)
        ).scalars()
    )
    return {*operators, *authorisations, *statuses}, (len(operators), len(authorisations), len(statuses))


def _newest(conn: sa.Connection) -> datetime | None:
    """The newest change time in the register (the next incremental reload starts there)."""
    times = [
        conn.execute(sa.select(sa.func.max(column))).scalar()
        for column in (
            trader_operators.c.updated_at,
            trader_authorisations.c.updated_at,
            trader_status_changes.c.recorded_at,
        )
    ]
    parsed = [datetime.fromisoformat(t) if isinstance(t, str) else t for t in times if t is not None]
    return max((t if t.tzinfo else t.replace(tzinfo=UTC) for t in parsed), default=None)


class StoredRegister(Refreshing[Register]):
    """The register as stored, reloaded when any of it changes (checked at most once per `check_every`).

    The first load reads everything; later ones read only the operators changed since the newest change seen
    and patch the register (`Register.updated`), so a status change does not rebuild a 100,000-operator register.
    Loads run with the cyclic GC paused and then freeze what they built out of its reach, as `system.settle`
    does for the reference tables: a million long-lived objects would otherwise be rescanned by every
    collection (it tripled the cost of assessing a consignment).
    """

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, revision, self._reload, Register([]), check_every)
        self._since: datetime | None = None
        self._older: tuple[int, ...] = (0, 0, 0)  # operators, authorisations, status changes older than `since`

    def _reload(self, conn: sa.Connection) -> Register:
        counts = _counts(conn)
        newest = _newest(conn)
        collecting = gc.isenabled()
        gc.disable()
        try:
            previous = self._value
            label = f"{{}} operators, {counts[2]} status changes, last {newest.isoformat() if newest else None}"
            register = None
            if self._since is not None and len(previous):
                since = self._since - RELOAD_MARGIN  # a transaction that committed late, with an earlier time
                ids, touched = _changed_since(conn, since)
                # Rows older than `since` must all have been loaded before; more of them means an addition with
                # an earlier time (a backdated import), which only a full read sees.
                older = [total - recent for total, recent in zip(counts, touched, strict=True)]
                if all(now <= before for now, before in zip(older, self._older, strict=True)):
                    changed = _operators(conn, trader_operators.c.operator_id.in_(ids)) if ids else []
                    register = previous.updated(changed, label)
                    register.revision = label.format(len(register))
                # else rows were added with times before the newest seen (a backdated import): read everything
            if register is None:
                operators = everyone(conn)
                register = Register(operators, revision=label.format(len(operators)))
                register.names()  # the name index now, not on the first consignment that needs it
            self._since = newest
            if newest is not None:  # how many rows are older than the next reload's `since`
                recent = _changed_since(conn, newest - RELOAD_MARGIN)[1]
                self._older = tuple(total - seen for total, seen in zip(counts, recent, strict=True))
        finally:
            if collecting:
                gc.enable()
        gc.freeze()
        return register


def parties_of(conn: sa.Connection, decision_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The trusted-trader findings behind a page of decisions (role, authorisation, status at filing, applied):
    one query for the page, for the queue's badges."""
    if not decision_ids:
        return {}
    rows = conn.execute(
        sa.select(decisions.c.decision_id, assessments.c.findings)
        .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
        .where(decisions.c.decision_id.in_(list(decision_ids)))
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for decision_id, findings in rows:
        found[decision_id] = [
            {
                "role": f["evidence"].get("role", ""),
                "label": f"{f['evidence'].get('programme', '')} {f['evidence'].get('type', '')}".strip(),
                "status": f["evidence"].get("status", "none"),
                "applied": bool(f["evidence"].get("applied")),
                "match": f["evidence"].get("match", ""),
            }
            for f in findings or []
            if f.get("assessor") == "traders" and isinstance(f.get("evidence"), dict)
        ]
    return found


def random_sample_outcomes(conn: sa.Connection) -> list[Inspected]:
    """Every inspection of the random compliance sample: the assessment's findings, the result and the
    consignment's goods and routes, for `traders.compliance.measure`."""
    rows = conn.execute(
        sa.select(assessments.c.findings, inspection_outcomes.c.result, consignments.c.data)
        .join(decisions, decisions.c.decision_id == inspection_outcomes.c.decision_id)
        .join(assessments, assessments.c.assessment_id == decisions.c.assessment_id)
        .join(consignments, consignments.c.row_id == assessments.c.row_id)
        .where(inspection_outcomes.c.selection == "random")
    )
    return [Inspected(list(findings or []), result, cells_of(data or {})) for findings, result, data in rows]


def withdrawn(conn: sa.Connection, at: datetime) -> list[tuple[Operator, Authorisation]]:
    """Authorisations suspended or revoked at `at`, with their operators (the compliance page lists them)."""
    ever = sa.select(trader_authorisations.c.operator_id).where(
        trader_authorisations.c.authorisation_id.in_(
            sa.select(trader_status_changes.c.authorisation_id).where(
                trader_status_changes.c.status.in_(("suspended", "revoked"))
            )
        )
    )
    return [
        (operator, authorisation)
        for operator in _operators(conn, trader_operators.c.operator_id.in_(ever))
        for authorisation in operator.authorisations
        if authorisation.status_at(at) in ("suspended", "revoked")
    ]


REVIEW = "trader.review"


def record_review(
    conn: sa.Connection,
    operator_id: str,
    decision: str,
    *,
    reason: str,
    actor: str,
    at: datetime,
    detail: dict[str, Any],
) -> None:
    """A supervisor's decision on an operator flagged by the compliance measure: keep or suspend; audited."""
    add_audit(conn, at, actor, REVIEW, operator_id, {"decision": decision, "reason": reason, **detail})


def reviews(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    """The latest review decision per operator: decision, reason, who and when, and the inspections it was taken on
    (a later flag on more inspections re-opens it: `traders.reviews`)."""
    query = (
        sa.select(audit_events.c.subject, audit_events.c.actor, audit_events.c.at, audit_events.c.detail)
        .where(audit_events.c.action == REVIEW)
        .order_by(audit_events.c.at, audit_events.c.event_id)
    )
    return {
        subject: {
            "decision": (detail or {}).get("decision"),
            "reason": (detail or {}).get("reason"),
            "by": actor,
            "at": at,
            "inspections": (detail or {}).get("inspections"),
            "irregular": (detail or {}).get("irregular"),
        }
        for subject, actor, at, detail in conn.execute(query)
    }

"""Lists from the store: the screener in force, and re-screening of open consignments when a list changes.

This is the one screening module that reaches the database (through the lists and filings repositories),
so the matcher and the assessor stay pure and testable without one.

"Open" consignments are the current versions of active (not withdrawn) filings filed within the last
`days` days (30 by default): cargo that may still be before loading, in transit or awaiting release.
A re-screening looks only for hits on entries the new version added or changed; a hit not already known
for that consignment (neither in its stored assessment nor in an earlier re-screening) is recorded in
`screening_hits` with its finding, and an audit event `screening.new_hit` puts it before officers.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from safelane.screening.assessor import EMPTY, SCREENING, finding_for, queries
from safelane.screening.entities import from_dict
from safelane.screening.index import Screener
from safelane.screening.policy import ScreeningPolicy
from safelane.store import Database
from safelane.store import lists as list_store
from safelane.store.filings import add_audit, stored_lodgements
from safelane.store.refreshing import Refreshing
from safelane.store.schema import assessments, consignments


def screener_from_store(db: Database) -> Screener:
    with db.read() as conn:
        return _screener(conn)


def _screener(conn: sa.Connection) -> Screener:
    version = ",".join(f"{k.removeprefix('list:')}@{v}" for k, v in sorted(list_store.versions_in_force(conn).items()))
    items = [(name, from_dict(data)) for name, data in list_store.entries(conn)]
    return Screener.from_entities(items, version=version) if items else EMPTY


class StoredLists(Refreshing[Screener]):
    """The lists in the database as a screener, rebuilt when a new version is imported."""

    def __init__(self, db: Database, check_every: float = 1.0):
        super().__init__(db, list_store.marker, _screener, EMPTY, check_every)


_SHARED: "WeakKeyDictionary[Database, StoredLists]" = WeakKeyDictionary()


def stored_lists(db: Database) -> StoredLists:
    """One screener per database for every assessor of a system: screening and the checks that read its
    results (the strategic goods end user) share the index and its per-party cache."""
    lists = _SHARED.get(db)
    if lists is None:
        lists = _SHARED[db] = StoredLists(db)
    return lists


@dataclass
class RescreenReport:
    consignments: int
    new_hits: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "consignments_rescreened": self.consignments,
            "new_hits": len(self.new_hits),
            "hits": [
                {k: h[k] for k in ("consignment_id", "role", "list_name", "entity_id", "score")} for h in self.new_hits
            ],
        }


def _assessed_entries(conn: sa.Connection, ids: list[str]) -> set[tuple[str, str]]:
    """(consignment id, list entry id) pairs the current assessments already raised."""
    rows = conn.execute(
        sa.select(consignments.c.consignment_id, assessments.c.findings)
        .join(assessments, assessments.c.row_id == consignments.c.row_id)
        .where(consignments.c.consignment_id.in_(ids), consignments.c.current.is_(True))
    )
    return {(r.consignment_id, f.get("code")) for r in rows for f in r.findings if f.get("assessor") == SCREENING}


def rescreen(
    db: Database,
    screener: Screener,
    changed: Iterable[tuple[str, str]],
    *,
    at: datetime,
    policy: ScreeningPolicy | None = None,
    days: int = 30,
    actor: str = "safelane",
) -> RescreenReport:
    """Screen open consignments against `screener` and record hits on the (list, entity id) pairs in `changed`."""
    policy = policy or ScreeningPolicy()
    wanted = set(changed)
    report = RescreenReport(0, [])
    if not wanted:
        return report
    with db.read() as conn:
        batches = list(stored_lodgements(conn, since=at - timedelta(days=days)))
    for batch in batches:
        report.consignments += len(batch)
        found: list[dict[str, Any]] = []
        for lodgement in batch:
            for role, query in queries(lodgement.consignment):
                for hit in screener.screen(query, limit=3, threshold=policy.possible).hits:
                    if (hit.list_name, hit.entity_id) not in wanted:
                        continue
                    finding = finding_for(role, query, hit, policy, screener.version)
                    found.append(
                        {
                            "consignment_id": lodgement.consignment_id,
                            "consignment_version": lodgement.version,
                            "role": role,
                            "list_name": hit.list_name,
                            "entity_id": hit.entity_id,
                            "score": hit.score,
                            "detected_at": at,
                            "finding": finding.as_dict(),
                        }
                    )
        if not found:
            continue
        with db.write() as conn:
            ids = sorted({h["consignment_id"] for h in found})
            known = {(c, e) for c, _l, e in list_store.known_hits(conn, ids)} | _assessed_entries(conn, ids)
            new, seen = [], set()
            for row in found:
                key = (row["consignment_id"], row["entity_id"])
                if key in known or key in seen:
                    continue
                seen.add(key)
                new.append(row)
            versions = {r["list_name"]: r["version_id"] for r in list_store.summary(conn)}
            for row in new:
                row["list_version_id"] = versions.get(row["list_name"], "")
            list_store.add_hits(conn, new)
            for row in new:
                add_audit(
                    conn,
                    at,
                    actor,
                    "screening.new_hit",
                    row["consignment_id"],
                    {
                        "role": row["role"],
                        "list": row["list_name"],
                        "entry": row["entity_id"],
                        "score": round(row["score"], 3),
                        "explanation": row["finding"]["explanation"],
                    },
                )
        report.new_hits += new
    return report

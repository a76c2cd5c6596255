"""Watch lists repository: each import is a version; entries are FollowTheMoney JSON; every change is kept.

An import compares the new file entry by entry with the list's current entries (by id and content
digest) and records what was added, changed and removed, so an officer can see why an alert appeared or
disappeared, and re-screening can look at just what changed.
"""

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.ids import new_id
from safelane.store.filings import add_audit
from safelane.store.schema import list_changes, list_entries, list_versions, screening_hits

_CHUNK = 500


def digest(data: Mapping[str, Any]) -> str:
    """Content digest of an entity's JSON, independent of property and value order."""
    props = {k: sorted(v) for k, v in sorted(data.get("properties", {}).items())}
    return hashlib.sha256(orjson.dumps([data.get("schema"), props], option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass
class ImportResult:
    list_name: str
    version: int
    version_id: str
    entries: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: bool = False  # same content as the current version: nothing was written

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "version": self.version,
            "entries": self.entries,
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
        }


def current_version(conn: sa.Connection, list_name: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            sa.select(list_versions)
            .where(list_versions.c.list_name == list_name)
            .order_by(list_versions.c.version.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def import_version(
    conn: sa.Connection,
    list_name: str,
    source: str,
    file_name: str,
    entities: Sequence[Mapping[str, Any]],
    *,
    actor: str,
    at: datetime,
) -> ImportResult:
    """Store one edition of a list as its next version (entities as FtM dicts with unique ids)."""
    new = {e["id"]: (e, digest(e)) for e in entities}
    content_hash = hashlib.sha256("\n".join(f"{k} {d}" for k, (_, d) in sorted(new.items())).encode()).hexdigest()
    latest = current_version(conn, list_name)
    if latest is not None and latest["content_hash"] == content_hash:
        return ImportResult(list_name, latest["version"], latest["version_id"], latest["entries"], unchanged=True)
    old: dict[str, str] = {
        r.entity_id: r.digest
        for r in conn.execute(
            sa.select(list_entries.c.entity_id, list_entries.c.digest).where(list_entries.c.list_name == list_name)
        )
    }
    version = (latest["version"] if latest else 0) + 1
    result = ImportResult(list_name, version, new_id("L"), len(new))
    result.added = [k for k in new if k not in old]
    result.changed = [k for k in new if k in old and old[k] != new[k][1]]
    result.removed = [k for k in old if k not in new]
    conn.execute(
        list_versions.insert().values(
            version_id=result.version_id,
            list_name=list_name,
            version=version,
            source=source,
            file_name=file_name[-255:],
            content_hash=content_hash,
            imported_at=at,
            imported_by=actor,
            entries=len(new),
            added=len(result.added),
            changed=len(result.changed),
            removed=len(result.removed),
        )
    )
    before = _load(conn, list_name, result.changed + result.removed)
    gone = result.changed + result.removed
    for start in range(0, len(gone), _CHUNK):
        conn.execute(
            list_entries.delete().where(
                list_entries.c.list_name == list_name, list_entries.c.entity_id.in_(gone[start : start + _CHUNK])
            )
        )
    rows = [
        {
            "list_name": list_name,
            "entity_id": k,
            "schema": new[k][0]["schema"],
            "caption": _caption(new[k][0]),
            "data": new[k][0],
            "digest": new[k][1],
            "since_version": version,
        }
        for k in result.added + result.changed
    ]
    changes = (
        [
            {
                "change_id": new_id("H"),
                "version_id": result.version_id,
                "entity_id": k,
                "change": "added",
                "before": None,
                "after": new[k][0],
            }
            for k in result.added
        ]
        + [
            {
                "change_id": new_id("H"),
                "version_id": result.version_id,
                "entity_id": k,
                "change": "changed",
                "before": before.get(k),
                "after": new[k][0],
            }
            for k in result.changed
        ]
        + [
            {
                "change_id": new_id("H"),
                "version_id": result.version_id,
                "entity_id": k,
                "change": "removed",
                "before": before.get(k),
                "after": None,
            }
            for k in result.removed
        ]
    )
    for table, batch in ((list_entries, rows), (list_changes, changes)):
        for start in range(0, len(batch), _CHUNK):
            conn.execute(table.insert(), batch[start : start + _CHUNK])
    add_audit(conn, at, actor, "list.imported", f"{list_name}@{version}", result.as_dict())
    return result


def _caption(data: Mapping[str, Any]) -> str:
    names = data.get("properties", {}).get("name") or [data["id"]]
    return str(names[0])


def _load(conn: sa.Connection, list_name: str, ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            sa.select(list_entries.c.entity_id, list_entries.c.data).where(
                list_entries.c.list_name == list_name, list_entries.c.entity_id.in_(ids[start : start + _CHUNK])
            )
        )
        found.update({r.entity_id: r.data for r in rows})
    return found


def entries(conn: sa.Connection, list_names: Sequence[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(list name, FtM dict) of every current entry."""
    query = sa.select(list_entries.c.list_name, list_entries.c.data).order_by(
        list_entries.c.list_name, list_entries.c.entity_id
    )
    if list_names is not None:
        query = query.where(list_entries.c.list_name.in_(list_names))
    with conn.execute(query, execution_options={"yield_per": 2000}) as result:  # closes the server cursor
        for row in result:
            yield row.list_name, row.data


def summary(conn: sa.Connection) -> list[dict[str, Any]]:
    """Each list's newest version."""
    newest = (
        sa.select(list_versions.c.list_name, sa.func.max(list_versions.c.version).label("version"))
        .group_by(list_versions.c.list_name)
        .subquery()
    )
    rows = conn.execute(
        sa.select(list_versions)
        .join(
            newest,
            sa.and_(newest.c.list_name == list_versions.c.list_name, newest.c.version == list_versions.c.version),
        )
        .order_by(list_versions.c.list_name)
    )
    return [dict(r) for r in rows.mappings()]


def history(conn: sa.Connection, list_name: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(list_versions).where(list_versions.c.list_name == list_name).order_by(list_versions.c.version)
    )
    return [dict(r) for r in rows.mappings()]


def changes(conn: sa.Connection, version_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(list_changes)
        .where(list_changes.c.version_id == version_id)
        .order_by(list_changes.c.change, list_changes.c.entity_id)
    )
    return [dict(r) for r in rows.mappings()]


def marker(conn: sa.Connection) -> tuple[int, str | None]:
    """Cheap change marker: how many versions exist and the newest version id (ids sort by time)."""
    row = conn.execute(sa.select(sa.func.count(), sa.func.max(list_versions.c.version_id))).one()
    return row[0], row[1]


def versions_in_force(conn: sa.Connection) -> dict[str, str]:
    """list name -> "v<version>" of the newest versions, for the assessment record."""
    return {f"list:{r['list_name']}": f"v{r['version']}" for r in summary(conn)}


def add_hits(conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(screening_hits.insert(), [{"hit_id": new_id("S"), **r} for r in rows[start : start + _CHUNK]])


def known_hits(conn: sa.Connection, consignment_ids: Sequence[str]) -> set[tuple[str, str, str]]:
    """(consignment id, list name, entity id) already recorded by re-screening."""
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(consignment_ids), _CHUNK):
        rows = conn.execute(
            sa.select(screening_hits.c.consignment_id, screening_hits.c.list_name, screening_hits.c.entity_id).where(
                screening_hits.c.consignment_id.in_(consignment_ids[start : start + _CHUNK])
            )
        )
        found.update((r[0], r[1], r[2]) for r in rows)
    return found


def hits_of(conn: sa.Connection, consignment_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(screening_hits)
        .where(screening_hits.c.consignment_id == consignment_id)
        .order_by(screening_hits.c.detected_at)
    )
    return [dict(r) for r in rows.mappings()]

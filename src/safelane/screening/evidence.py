"""What the consignment page shows beside a screening hit: the party as filed and the list entry it matched.

The entry is read as the lists hold it now, in the page's transaction; an entry since removed shows only as
recorded in the finding's evidence.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from safelane.store.schema import list_entries


def _listed(conn: sa.Connection, findings: list[dict[str, Any]]) -> dict[tuple[Any, Any], dict[str, Any]]:
    """The list entries the findings point at, by (list, entry id)."""
    wanted = {
        (f["evidence"].get("list"), f["evidence"].get("entry"))
        for f in findings
        if (f.get("evidence") or {}).get("entry")
    }
    found = {}
    for list_name, entity_id in wanted:
        data = conn.execute(
            sa.select(list_entries.c.data).where(
                list_entries.c.list_name == list_name, list_entries.c.entity_id == entity_id
            )
        ).scalar()
        if data is not None:
            found[(list_name, entity_id)] = data
    return found


def entry_facts(entry: dict[str, Any] | None) -> list[tuple[str, str]]:
    """An FtM entity's properties as (label, values) pairs, names first."""
    if not entry:
        return []
    properties = entry.get("properties") or {}
    keys = sorted(properties, key=lambda k: (k not in ("name", "alias"), k))
    return [(k, "; ".join(str(v) for v in properties[k])[:400]) for k in keys if properties[k]]


def present(
    conn: sa.Connection, findings: list[dict[str, Any]], parties: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each hit with `filed_party` (the party as filed, if the page lists it) and `entry_facts`."""
    listed = _listed(conn, findings)
    shown = []
    for finding in findings:
        evidence = finding.get("evidence") or {}
        role = str(evidence.get("role", "")).replace("_", " ")
        shown.append(
            {
                **finding,
                "filed_party": next((p for p in parties if p["role"] == role), None),
                "entry_facts": entry_facts(listed.get((evidence.get("list"), evidence.get("entry")))),
            }
        )
    return shown

"""Valuation checkpoints: the declared-value sketches as counted up to a consignment row, saved in the store.

Without one, every new process reads every stored declaration before its first judgement (about 50 µs a
row: minutes for a year of traffic). With one it reads the newest checkpoint and counts in only the rows stored
since. A checkpoint is the history's own state, so any process may write one; the newest `KEEP` are kept.
"""

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from safelane.ids import new_id
from safelane.store.schema import value_checkpoints

KEEP = 2


@dataclass(frozen=True)
class Checkpoint:
    high: str  # the newest row counted in
    rows: int
    sketches: dict[tuple[str, str, str], dict[int, int]]  # (measure, HS-6, origin) -> bucket -> declarations
    recent: list[str]  # row ids seen within the margin below `high` (a late commit below it is still counted)
    made_at: datetime


def save(conn: sa.Connection, checkpoint: Checkpoint) -> None:
    data = {
        "sketches": [[*key, [[k, n] for k, n in counts.items()]] for key, counts in checkpoint.sketches.items()],
        "recent": checkpoint.recent,
    }
    conn.execute(
        value_checkpoints.insert().values(
            checkpoint_id=new_id("V"),
            high=checkpoint.high,
            rows=checkpoint.rows,
            data=zlib.compress(orjson.dumps(data), 6),
            made_at=checkpoint.made_at,
        )
    )
    kept = sa.select(value_checkpoints.c.checkpoint_id).order_by(value_checkpoints.c.high.desc()).limit(KEEP)
    conn.execute(value_checkpoints.delete().where(value_checkpoints.c.checkpoint_id.not_in(kept.scalar_subquery())))


def newest(conn: sa.Connection) -> Checkpoint | None:
    row = conn.execute(sa.select(value_checkpoints).order_by(value_checkpoints.c.high.desc()).limit(1)).first()
    if row is None:
        return None
    data: dict[str, Any] = orjson.loads(zlib.decompress(row.data))
    sketches = {(m, hs6, origin): {int(k): int(n) for k, n in counts} for m, hs6, origin, counts in data["sketches"]}
    return Checkpoint(row.high, row.rows, sketches, list(data["recent"]), row.made_at)

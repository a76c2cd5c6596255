"""Traffic history: how many consignments an office received per hour of the UTC day, for the simulator.

One grouped query over current consignments (filed_at is indexed); the hour of day is computed by the database.
"""

from datetime import datetime

import sqlalchemy as sa

from safelane.store.schema import consignments, utc_period


def hourly(conn: sa.Connection, office: str, mode: str) -> tuple[int, list[int], datetime | None, datetime | None]:
    """(days covered, consignments filed in each UTC hour of the day, first and last filing) at an office in a mode."""
    period = utc_period(conn, consignments.c.filed_at, hourly=True)
    where = (consignments.c.current.is_(True), consignments.c.office == office, consignments.c.mode == mode)
    rows = conn.execute(sa.select(period, sa.func.count()).where(*where).group_by(period))
    counts = [0] * 24
    for label, n in rows:
        counts[int(label[11:13])] += n
    first, last = conn.execute(
        sa.select(sa.func.min(consignments.c.filed_at), sa.func.max(consignments.c.filed_at)).where(*where)
    ).one()
    if first is None:
        return 0, counts, None, None
    days = max(1, round((last - first).total_seconds() / 86400))
    return days, counts, first, last

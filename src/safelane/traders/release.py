"""Is the trust deserved, in time: how fast trusted traders' goods are released, per programme and type, against
consignments of no trusted trader.

Faster release is the benefit an AEO is promised; this shows whether it is delivered. Each consignment with a
channel decision is credited to the authorisation its assessment applied (as the compliance measure does), else
to the peers. The times come from the stored stamps the Time Release Study reads (`store.trs`): arrival (the
reported one, else the declared one) and lodgement to the last release (customs' and every holding agency's).
Groups are split by mode, since sea and air release times differ by a day or more and a programme of mostly air
importers would otherwise look fast against sea peers. Percentiles are nearest rank, in hours.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from safelane.cases.dashboard import percentile
from safelane.traders.compliance import PEERS

MEASURES = ("arrival_to_release", "lodgement_to_release")
PERCENTILES = (50, 90)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _figures(rows: list[Mapping[str, Any]], prefix: str = "") -> dict[str, Any]:
    released = [r for r in rows if r["released_at"] is not None]
    out: dict[str, Any] = {f"{prefix}consignments": len(rows), f"{prefix}released": len(released)}
    for name in MEASURES:
        # released before arrival (pre-arrival processing) counts as released on arrival, as in the TRS
        seconds = [max(0.0, float(r[name])) for r in released if r[name] is not None]
        for p in PERCENTILES:
            out[f"{prefix}{name}_p{p}_hours"] = _hours(percentile(seconds, p))
    return out


def release_times(stamped: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stamped consignments (`store.traders.release_stamps`: mode, released_at, the seconds, and `group`, the
    applied programme and type or None) -> one row per group and mode, peers first, each beside the peers of its
    mode (`peer_*`)."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in stamped:
        groups.setdefault((row["group"] or PEERS, str(row["mode"] or "?")), []).append(row)
    rows = []
    ordered = sorted(groups, key=lambda key: (key[0] != PEERS, key[0], key[1]))
    for group, mode in ordered:
        peers = groups.get((PEERS, mode), [])
        rows.append(
            {
                "kind": "peers" if group == PEERS else "programme",
                "group": group,
                "mode": mode,
                **_figures(groups[(group, mode)]),
                **_figures(peers, "peer_"),
            }
        )
    return rows

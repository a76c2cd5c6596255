"""Splitting: one order cut into parcels that each stay under a low-value limit their total passes.

Parcels to the same consignee (any shared key: name and address, phone, e-mail, identifier) for the same
destination filed within the window of each other (30 days by default, before or after, so a filing stored
late still meets its siblings) are summed with the parcel being assessed. The window comes from the store's
index in one read per batch, and parcels earlier in the same batch are added as the batch is walked, so two
halves of an order in one message are caught as surely as two on different days or from two processes.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta

from safelane.domain import Finding
from safelane.reference.rates import convert
from safelane.risk.ecommerce.parcel import Parcel
from safelane.store.parcels import IndexedParcel

SPLIT_SCORE = 60.0


def indexed(parcel: Parcel) -> Sequence[IndexedParcel]:
    """The index rows a low-value parcel contributes (none for a parcel the limit does not concern)."""
    value = parcel.value_in_limit_currency
    if not parcel.keys or value is None or parcel.limit is None or parcel.destination is None:
        return ()  # `keys` is empty unless the parcel is low value
    lo, currency, reference = parcel.lodgement, parcel.limit.currency, _ref(parcel)
    return [
        IndexedParcel(lo.consignment_id, key, kind, parcel.destination, lo.filed_at, value, currency, reference)
        for key, kind in parcel.keys.items()
    ]


def _in(sibling: IndexedParcel, currency: str, parcel: Parcel) -> float | None:
    """A sibling's value in the limit's currency: as stored when it was under the same limit's currency."""
    if sibling.currency == currency:
        return sibling.value
    return convert(sibling.value, sibling.currency, currency, parcel.day)


def _ref(parcel: Parcel) -> str:
    return parcel.lodgement.consignment.reference[:70]


def split_findings(
    name: str, parcels: Sequence[Parcel], stored: Iterable[IndexedParcel], window: timedelta
) -> tuple[list[Finding | None], list[Sequence[IndexedParcel]]]:
    """Per parcel its split finding (or None), and the index rows it adds (what `record` keeps)."""
    seen: dict[str, list[IndexedParcel]] = {}  # by key: the stored parcels, then the batch's own as they pass
    for row in stored:
        seen.setdefault(row.match_key, []).append(row)
    out: list[Finding | None] = []
    added: list[Sequence[IndexedParcel]] = []
    for parcel in parcels:
        rows = indexed(parcel)
        # the walk only when a parcel seen before shares a key (most parcels share none)
        shares = rows and not seen.keys().isdisjoint(parcel.keys)  # the rows' keys are the parcel's
        out.append(_one(name, parcel, rows, seen, window) if shares else None)
        for row in rows:
            seen.setdefault(row.match_key, []).append(row)
        added.append(rows)
    return out, added


def _one(
    name: str, parcel: Parcel, rows: Sequence[IndexedParcel], seen: dict[str, list[IndexedParcel]], window: timedelta
) -> Finding | None:
    lo, limit = parcel.lodgement, parcel.limit
    assert limit is not None and limit.limit is not None and parcel.value_eur is not None  # low value
    siblings: dict[str, IndexedParcel] = {}
    matched: dict[str, set[str]] = {}
    for row in rows:
        for other in seen.get(row.match_key, ()):
            if (
                other.consignment_id != lo.consignment_id
                and other.destination == parcel.destination
                and abs(other.filed_at - lo.filed_at) <= window
            ):
                siblings.setdefault(other.consignment_id, other)
                matched.setdefault(other.consignment_id, set()).add(other.key_kind)
    if not siblings:
        return None
    own = parcel.value_in_limit_currency
    values = [_in(s, limit.currency, parcel) for s in siblings.values()]
    if own is None or None in values:
        return None
    total = own + sum(v for v in values if v is not None)
    if total <= limit.limit:
        return None
    kinds = sorted(set().union(*matched.values()))
    treatment = (
        f"the {limit.currency} {limit.value:g} flat duty per tariff sub-heading"
        if limit.kind == "flat_duty"
        else f"relief from {limit.relieves.replace('+', ' and ')}"
    )
    days = window.days
    explanation = (
        f"{len(siblings) + 1} parcels to the same consignee (same {', '.join(k.replace('_', ' and ') for k in kinds)}) "
        f"for {parcel.destination} within {days} days total {limit.currency} {total:,.2f}, above the "
        f"{limit.currency} {limit.limit:,.2f} limit for {treatment} that each stays under "
        f"(this one {limit.currency} {own:,.2f}): the order looks split to stay low-value."
    )
    ordered = sorted(siblings.values(), key=lambda s: (s.filed_at, s.consignment_id))
    return Finding(
        name,
        "ECOM-SPLIT",
        SPLIT_SCORE,
        explanation,
        {
            "destination": parcel.destination,
            "currency": limit.currency,
            "limit": limit.limit,
            "treatment": treatment,
            "value": round(own, 2),
            "total": round(total, 2),
            "window_days": days,
            "matched_on": kinds,
            "parcels": [
                {
                    "consignment_id": s.consignment_id,
                    "reference": s.reference,
                    "filed_at": s.filed_at.isoformat(),
                    "value": round(s.value, 2),
                    "matched_on": sorted(matched[s.consignment_id]),
                }
                for s in ordered
            ],
        },
    )

"""The filing against the trader's own data: seal numbers, pieces, weights, parties, goods.

Pure comparison, no store: given one consignment and the documents one operator shared for its transport
documents, it says which fields were compared and which disagree, each mismatch naming the filing's field,
the value filed, the value shared and the document it came from. What counts as agreeing:

- seals: the seal numbers filed equal those the trader affixed to the filed containers, and no tracking event
  of those containers saw other seals (a seal changed en route);
- pieces: the packages filed equal the packing list's (else the invoice's);
- weight: the gross mass filed is within `WEIGHT_TOLERANCE` of the packing list's (else the invoice's): scales
  and tare differ a little, a missing pallet does not;
- parties: consignor and consignee share an identifier with the trader's (seller/consignor, buyer/consignee)
  where both carry one, else they are in the same country;
- goods: every HS subheading filed (6 digits) is among the trader's lines.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from safelane.domain import Consignment, Party
from safelane.traders.shared import SealRecord, Shared, TrackingEvent, TradeDocument

WEIGHT_TOLERANCE = 0.05  # of the trader's gross mass


@dataclass(frozen=True, slots=True)
class Mismatch:
    field: str  # the filing's field, as the native JSON names it: "seals", "consignee.identifiers"
    filed: str
    shared: str
    document: str  # "packing list PL-77"

    def sentence(self) -> str:
        return f"{self.field}: filed {self.filed}, the trader's {self.document} says {self.shared}"


@dataclass(slots=True)
class Comparison:
    compared: list[str] = field(default_factory=list)  # the fields compared, in order
    mismatches: list[Mismatch] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # "commercial invoice INV-1", ...


def _name(kind: str, reference: str) -> str:
    return f"{kind.replace('_', ' ')} {reference}"


def _listed(values: Sequence[str] | set[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def compare(consignment: Consignment, shared: Sequence[tuple[str, Shared]]) -> Comparison:
    """(stored kind, document) pairs of one operator for this consignment -> what agrees and what does not."""
    result = Comparison(documents=[_name(kind, doc.reference) for kind, doc in shared])
    trade = [(kind, doc) for kind, doc in shared if isinstance(doc, TradeDocument)]
    order = {"packing_list": 0, "commercial_invoice": 1, "purchase_order": 2}
    trade.sort(key=lambda item: order.get(item[0], 3))
    _seals(consignment, shared, result)
    _pieces(consignment, trade, result)
    _weight(consignment, trade, result)
    _parties(consignment, trade, result)
    _goods(consignment, trade, result)
    return result


def _seals(consignment: Consignment, shared: Sequence[tuple[str, Shared]], result: Comparison) -> None:
    filed_equipment = set(consignment.equipment or ())
    records = [
        doc
        for _, doc in shared
        if isinstance(doc, SealRecord) and (not filed_equipment or doc.equipment in filed_equipment)
    ]
    if not records:
        return
    affixed = {seal for record in records for seal in record.seals}
    where = _name("seals", ", ".join(sorted(r.equipment for r in records)))
    if consignment.seals:
        result.compared.append("seals")
        if set(consignment.seals) != affixed:
            result.mismatches.append(Mismatch("seals", _listed(set(consignment.seals)), _listed(affixed), where))
    by_equipment = {record.equipment: set(record.seals) for record in records}
    for _, doc in shared:
        if isinstance(doc, TrackingEvent) and doc.seals and doc.equipment in by_equipment:
            if "seals" not in result.compared:
                result.compared.append("seals")
            if set(doc.seals) != by_equipment[doc.equipment]:
                seen = f"{doc.event.value.replace('_', ' ')} {doc.at.date().isoformat()}" + (
                    f" at {doc.place}" if doc.place else ""
                )
                result.mismatches.append(
                    Mismatch(
                        f"seals ({doc.equipment})",
                        f"affixed {_listed(by_equipment[doc.equipment])}",
                        f"{_listed(set(doc.seals))} ({seen})",
                        _name("tracking_event", doc.id),
                    )
                )


def _filed_packages(consignment: Consignment) -> int | None:
    counted = [g.packages for g in consignment.goods if g.packages]
    return consignment.total_packages or (sum(counted) if counted else None)


def _pieces(consignment: Consignment, trade: Sequence[tuple[str, TradeDocument]], result: Comparison) -> None:
    filed = _filed_packages(consignment)
    source = next(((kind, doc) for kind, doc in trade if doc.packages), None)
    if filed is None or source is None:
        return
    result.compared.append("pieces")
    if source[1].packages != filed:
        result.mismatches.append(
            Mismatch("total_packages", str(filed), str(source[1].packages), _name(source[0], source[1].id))
        )


def _weight(consignment: Consignment, trade: Sequence[tuple[str, TradeDocument]], result: Comparison) -> None:
    filed = consignment.gross_mass_kg
    source = next(((kind, doc) for kind, doc in trade if doc.gross_mass_kg), None)
    if filed is None or source is None:
        return
    result.compared.append("weight")
    theirs = source[1].gross_mass_kg or 0.0
    if abs(filed - theirs) > WEIGHT_TOLERANCE * theirs:
        result.mismatches.append(
            Mismatch(
                "total_gross_mass_kg",
                f"{filed:g} kg",
                f"{theirs:g} kg (more than {WEIGHT_TOLERANCE:.0%} apart)",
                _name(source[0], source[1].id),
            )
        )


def _same_party(filed: Party, theirs: Party) -> tuple[bool, str, str, str] | None:
    """(agree, the field compared, filed, shared), or None when nothing can be compared."""
    mine = {i.value for i in filed.identifiers}
    other = {i.value for i in theirs.identifiers}
    if mine and other:
        return bool(mine & other), "identifiers", _listed(mine), _listed(other)
    if filed.country_code and theirs.country_code:
        return filed.country_code == theirs.country_code, "country", filed.country_code, theirs.country_code
    return None


def _parties(consignment: Consignment, trade: Sequence[tuple[str, TradeDocument]], result: Comparison) -> None:
    for role, sides in (("consignor", ("consignor", "seller")), ("consignee", ("consignee", "buyer"))):
        filed = getattr(consignment, role)
        if filed is None:
            continue
        source = next(
            ((kind, doc, party) for kind, doc in trade for side in sides if (party := getattr(doc, side)) is not None),
            None,
        )
        if source is None:
            continue
        compared = _same_party(filed, source[2])
        if compared is None:
            continue
        agree, what, mine, theirs = compared
        if "parties" not in result.compared:
            result.compared.append("parties")
        if not agree:
            result.mismatches.append(
                Mismatch(
                    f"{role}.{what}",
                    f"{mine} ({filed.name})",
                    f"{theirs} ({source[2].name})",
                    _name(source[0], source[1].id),
                )
            )


def _goods(consignment: Consignment, trade: Sequence[tuple[str, TradeDocument]], result: Comparison) -> None:
    theirs = {line.hs_code[:6] for _, doc in trade for line in doc.lines if line.hs_code}
    if not theirs:
        return
    filed = [(i, g.hs_code[:6]) for i, g in enumerate(consignment.goods) if g.hs_code]
    if not filed:
        return
    result.compared.append("goods")
    names = ", ".join(_name(kind, doc.id) for kind, doc in trade if any(line.hs_code for line in doc.lines))
    for i, code in filed:
        if code not in theirs:
            result.mismatches.append(Mismatch(f"goods[{i}].hs_code", code, _listed(theirs), names))

"""Need-to-know: what of a consignment an agency officer is shown (issue 14). The one filter every route and page uses.

Customs and filers see everything they see today; an agency officer sees only the field groups its register
entry lists (`fields:` in agencies.yaml, safelane.agencies.register.FIELDS), only its own agency's findings and
requirement, and of customs' decision only what the filer is told too (channel or referral, state, when).
Whatever this module does not know is left out, so a field added to the consignment later stays hidden from
agencies until a group names it.

Interface (each takes the caller's `Scope` first and returns a new object; the input is never changed):

- `fields_of(scope)`: the field groups shown, or None for all of them (customs, filers);
- `consignment(scope, data)`: a consignment's data (`Consignment` as stored JSON) filtered to those groups;
- `findings(scope, found)`: the findings (dicts of `Finding.as_dict`) it may read;
- `requirements(scope, found)`: agencies' requirements (dicts of `AgencyRequirement.as_dict`) it may read;
- `decision(scope, row)`: a decision row (safelane.store.decisions) with customs' reasons and case left out;
- `shows(scope, group)`: whether one group is shown (for a template's optional section);
- `opens(scope, document_type)`: whether it may list and open an attached document of that type (`documents:`
  in agencies.yaml; customs and the filer open every one).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from safelane.scope import Scope

# The consignment's top-level keys in each field group; a key in no group is never shown to an agency.
GROUPS: dict[str, tuple[str, ...]] = {
    "reference": ("consignment_id", "master_document", "house_document"),
    "mode": ("mode",),
    "office": ("office",),
    "origin": ("itinerary",),
    "goods": ("goods", "total_packages", "total_gross_mass_kg"),
    "documents": ("documents",),
    "transport": ("transport_means", "equipment", "seals"),
    "parties": ("consignor", "consignee", "notify_party", "carrier", "declarant"),
}
# Keys of a goods item shown with "goods"; its value needs "value" as well.
GOODS_KEYS = ("sequence", "description", "hs_code", "packages", "package_kind", "gross_mass_kg", "net_mass_kg")
ORIGIN_GOODS_KEYS = ("origin_country",)
# A decision row's columns an agency reads: the filer is told these too. Needed groups in the second place.
DECISION_COLUMNS: dict[str, str | None] = {
    "decision_id": None,
    "consignment_id": None,
    "answer": None,
    "outcome": None,
    "state": None,
    "current": None,
    "decided_at": None,
    "updated_at": None,
    "deadline": None,
    "filing_id": None,
    "version": None,
    "reference": "reference",
    "document_number": "reference",
    "mode": "mode",
    "kind": "kind",
    "office": "office",
}


def fields_of(scope: Scope) -> frozenset[str] | None:
    """The field groups `scope` is shown; None: every field (customs, filers, traders). An agency not in the
    register is shown nothing but the consignment's id."""
    if scope.agency is None:
        return None
    from safelane.agencies.register import register

    found = register().get(scope.agency)
    return found.fields if found is not None else frozenset()


def shows(scope: Scope, group: str) -> bool:
    shown = fields_of(scope)
    return shown is None or group in shown


def opens(scope: Scope, document_type: str) -> bool:
    """Whether `scope` may list and open an attached document of this type: every type for customs and filers,
    the types in its register entry's `documents:` for an agency (none for an agency not in the register)."""
    if scope.agency is None:
        return True
    from safelane.agencies.register import register

    found = register().get(scope.agency)
    return found is not None and document_type in found.documents


def consignment(scope: Scope, data: Mapping[str, Any]) -> dict[str, Any]:
    """The consignment's data as `scope` may read it: whole for customs, the agency's groups otherwise."""
    shown = fields_of(scope)
    if shown is None:
        return dict(data)
    out: dict[str, Any] = {}
    for group in shown:
        for key in GROUPS.get(group, ()):
            if key in data and key != "goods":
                out[key] = data[key]
    if "goods" in shown and data.get("goods"):
        keys = GOODS_KEYS + (ORIGIN_GOODS_KEYS if "origin" in shown else ()) + (("value",) if "value" in shown else ())
        out["goods"] = [{k: item[k] for k in keys if k in item} for item in data["goods"]]
    return out


def findings(scope: Scope, found: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Customs and filers read every finding; an agency only those of its own rules (`agency` is its code)."""
    if scope.agency is None:
        return [dict(f) for f in found]
    return [dict(f) for f in found if f.get("agency") == scope.agency]


def requirements(scope: Scope, found: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Customs and filers read every agency's requirement (the one answer); an agency its own."""
    if scope.agency is None:
        return [dict(r) for r in found]
    return [dict(r) for r in found if r.get("agency") == scope.agency]


def decision(scope: Scope, row: Mapping[str, Any]) -> dict[str, Any]:
    """A decision as `scope` may read it: an agency gets customs' outcome and state, not its basis, reasons,
    score, selection or case (customs' own work), and the reference, mode and office only if its groups name them."""
    shown = fields_of(scope)
    if shown is None:
        return dict(row)
    return {k: v for k, v in row.items() if k in DECISION_COLUMNS and _allowed(DECISION_COLUMNS[k], shown)}


def _allowed(group: str | None, shown: frozenset[str]) -> bool:
    return group is None or group in shown

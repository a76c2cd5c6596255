"""The case file of one consignment: what was filed (each version), what was found, what was decided and done.

Everything the consignment page shows is gathered here in one read transaction, in plain terms: places and
countries by name, HS codes with their description, findings grouped by assessor and presented as each
assessor's spec says (a screening hit next to the list entry it matched), and the notes and requests officers
added.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.agencies import need_to_know
from safelane.cases import notes as case_notes
from safelane.cases import outcomes as case_outcomes
from safelane.domain.assessment import AgencyRequirement
from safelane.domain.consignment import PARTY_ROLES
from safelane.reference import tables
from safelane.risk.registry import Assessors
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from safelane.store import requirements as requirement_store
from safelane.store.schema import consignments, filing_versions

RAW_LIMIT = 256 * 1024  # characters of a raw message shown on the page


@dataclass
class Stop:
    code: str
    name: str
    kind: str  # loading | routing | unloading


@dataclass
class FindingGroup:
    assessor: str
    title: str
    evidence: str  # the Jinja partial that shows one finding's evidence
    findings: list[dict[str, Any]]


@dataclass
class CaseFile:
    consignment_id: str
    reference: str
    filer: str
    office: str | None
    versions: list[dict[str, Any]]  # each stored version: filing metadata, assessment, decision
    shown: dict[str, Any]  # the version on the page (default: the current one)
    current: dict[str, Any]  # the current version's decision row
    raw: str | None  # the shown version's message as received, when kept and readable
    raw_note: str | None  # why the raw text is missing or cut
    events: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]  # each with its seizure (None when nothing was seized)
    why: str  # the basis of the current decision, or the officer's action that changed it since
    groups: list[FindingGroup] = field(default_factory=list)
    route: list[Stop] = field(default_factory=list)
    goods: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    deadline: datetime | None = None  # departure (pre-loading) or arrival of the shown version
    # the border agencies' requirements on the current decision (customs reads every one, an agency its own)
    requirements: tuple[AgencyRequirement, ...] = ()

    @property
    def is_current(self) -> bool:
        return self.shown["version"] == self.current["version"]


def place_name(code: str | None) -> str:
    if not code:
        return ""
    found = tables.location(code)
    if found is None:
        return code
    country = tables.country_name(found.country) or found.country
    return f"{found.name}, {country} ({code})"


def country(code: str | None) -> str:
    return f"{tables.country_name(code) or code} ({code})" if code else ""


def route_of(itinerary: dict[str, Any]) -> list[Stop]:
    stops = (
        [Stop(itinerary["place_of_loading"], place_name(itinerary["place_of_loading"]), "loading")]
        if itinerary.get("place_of_loading")
        else []
    )
    stops += [Stop(c, country(c), "routing") for c in itinerary.get("routing_countries") or []]
    if itinerary.get("place_of_unloading"):
        stops.append(Stop(itinerary["place_of_unloading"], place_name(itinerary["place_of_unloading"]), "unloading"))
    return stops


GOODS_FIELDS = ("description", "hs_code", "packages", "package_kind", "gross_mass_kg", "net_mass_kg", "value")


def goods_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Goods items with every optional field present (None when not filed), so the page can read any of them."""
    return [
        {
            **{k: item.get(k) for k in GOODS_FIELDS},
            "position": item.get("sequence") or i + 1,
            "hs_description": tables.hs_description(item["hs_code"]) if item.get("hs_code") else None,
            "origin": country(item.get("origin_country")),
        }
        for i, item in enumerate(data.get("goods") or [])
    ]


def parties_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for role in PARTY_ROLES:
        party = data.get(role)
        if party:
            address = party.get("address") or {}
            line = ", ".join(str(address[k]) for k in ("street", "postcode", "city") if address.get(k))
            found.append(
                {
                    "role": role.replace("_", " "),
                    "name": party["name"],
                    "address": line,
                    "country": country(party.get("country") or address.get("country")),
                    "identifiers": party.get("identifiers") or [],
                }
            )
    return found


def group_findings(
    conn: sa.Connection, findings: list[dict[str, Any]], parties: list[dict[str, Any]], assessors: Assessors
) -> list[FindingGroup]:
    """The findings by assessor in page order, each group as its spec presents it."""
    by_assessor: dict[str, list[dict[str, Any]]] = {}
    for finding in sorted(findings, key=lambda f: -float(f.get("score") or 0)):
        by_assessor.setdefault(finding["assessor"], []).append({**finding, "evidence": finding.get("evidence") or {}})
    groups = []
    for spec in sorted((assessors.spec(name) for name in by_assessor), key=lambda s: (s.order, s.name)):
        shown = by_assessor[spec.name]
        if spec.present is not None:
            shown = spec.present(conn, shown, parties)
        groups.append(FindingGroup(spec.name, spec.title, spec.evidence, shown))
    return groups


def why(basis: str, events: list[dict[str, Any]]) -> str:
    """The decision's basis as made, until an officer's action changes its outcome or state: then that action,
    who took it and their reason (after a DNL is lifted, "DNL required by..." is no longer why it stands)."""
    for event in reversed(events):
        if event["action"] == "decided":
            break
        if (event["from_outcome"], event["from_state"]) != (event["to_outcome"], event["to_state"]):
            reason = f": {event['note']}" if event.get("note") else ""
            return (
                f"{event['to_outcome']} {event['to_state']} after {event['action'].replace('_', ' ')} "
                f"by {event['actor']}{reason}"
            )
    return basis


def _version_meta(conn: sa.Connection, filing_id: str) -> dict[int, dict[str, Any]]:
    rows = conn.execute(
        sa.select(
            filing_versions.c.version,
            filing_versions.c.message_type,
            filing_versions.c.received_at,
            filing_versions.c.filed_at,
            (filing_versions.c.raw.is_not(None)).label("has_raw"),
        ).where(filing_versions.c.filing_id == filing_id)
    )
    return {r.version: dict(r._mapping) for r in rows}


def _raw(conn: sa.Connection, filing_id: str, version: int, scope: Scope | None) -> tuple[str | None, str | None]:
    if scope is not None and scope.is_partial:
        held = conn.execute(
            sa.select(consignments.c.filer, consignments.c.office).where(
                consignments.c.filing_id == filing_id, consignments.c.version == version
            )
        )
        if not all(scope.sees(r.filer, r.office) for r in held):
            return None, "The message also holds consignments of other offices; this one is shown as validated below."
    raw = conn.execute(
        sa.select(filing_versions.c.raw).where(
            filing_versions.c.filing_id == filing_id, filing_versions.c.version == version
        )
    ).scalar()
    if raw is None:
        return None, "The message was part of a larger batch; it is shown as validated below."
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None, f"The message is binary ({len(raw)} bytes); download it over the API."
    if len(text) > RAW_LIMIT:
        return text[:RAW_LIMIT], f"Only the first {RAW_LIMIT} characters of {len(text)} are shown."
    return text, None


def load(
    conn: sa.Connection,
    consignment_id: str,
    version: int | None = None,
    *,
    assessors: Assessors,
    scope: Scope | None = None,
) -> CaseFile | None:
    """The case file, showing `version` (default: current); None if no such consignment or version, or when
    `scope` does not see it. The raw message is left out when it holds consignments outside the scope.

    `assessors` (the system's registry) titles, orders and presents the findings."""
    history = filing_store.consignment_history(conn, consignment_id, scope=scope)
    if not history:
        return None
    current = next((r for r in history if r["current"]), history[-1])
    shown = current if version is None else next((r for r in history if r["version"] == version), None)
    if shown is None:
        return None
    meta = {}
    for filing_id in {r["filing_id"] for r in history}:
        meta.update({(filing_id, v): m for v, m in _version_meta(conn, filing_id).items()})
    versions = [{**r, **meta.get((r["filing_id"], r["version"]), {})} for r in history]
    shown = next(v for v in versions if v["version"] == shown["version"])
    raw, raw_note = _raw(conn, shown["filing_id"], shown["version"], scope)
    decision = decision_store.get(conn, current["decision_id"])
    assert decision is not None
    if scope is not None and scope.agency is not None:
        return _agency_file(conn, scope, consignment_id, current, versions, shown, decision, assessors)
    every = case_notes.of_consignment(conn, consignment_id)
    parties = parties_of(shown["data"])
    findings = list(shown["findings"] or [])
    itinerary = shown["data"].get("itinerary") or {}
    events = decision_store.events(conn, shown["decision_id"])
    current_events = (
        events
        if shown["decision_id"] == decision["decision_id"]
        else decision_store.events(conn, decision["decision_id"])
    )
    return CaseFile(
        consignment_id=consignment_id,
        reference=current["reference"],
        filer=current["filer"],
        office=current["office"],
        versions=versions,
        shown=shown,
        current=decision,
        raw=raw,
        raw_note=raw_note,
        events=events,
        notes=[n for n in every if n["kind"] == "note"],
        requests=[n for n in every if n["kind"] == "document_request"],
        assignments=[n for n in every if n["kind"] == "assignment"],
        outcomes=case_outcomes.history(conn, consignment_id),
        why=why(decision["basis"], current_events),
        groups=group_findings(conn, findings, parties, assessors),
        route=route_of(itinerary),
        goods=goods_of(shown["data"]),
        parties=parties,
        deadline=decision["deadline"],
        requirements=requirement_store.of_decision(conn, decision["decision_id"]),
    )


def _agency_file(
    conn: sa.Connection,
    scope: Scope,
    consignment_id: str,
    current: dict[str, Any],
    versions: list[dict[str, Any]],
    shown: dict[str, Any],
    decision: dict[str, Any],
    assessors: Assessors,
) -> CaseFile:
    """The case file as an agency officer may read it (safelane.agencies.need_to_know): its register fields of
    the consignment, its own findings and requirement; of customs' decision only what the filer is told, with
    customs' score, reasons, notes, history and outcomes left out (every key kept, empty, so pages render)."""
    data = need_to_know.consignment(scope, shown["data"])
    findings = need_to_know.findings(scope, shown["findings"] or [])
    told = need_to_know.decision(scope, decision)
    masked = {k: (v if k in told else None) for k, v in decision.items()}
    versions = [{**v, "data": {}, "findings": [], "score": None} for v in versions]
    shown = {**next(v for v in versions if v["version"] == shown["version"]), "data": data, "findings": findings}
    mine = [r for r in requirement_store.of_decision(conn, decision["decision_id"]) if r.agency == scope.agency]
    parties = parties_of(data)
    return CaseFile(
        consignment_id=consignment_id,
        reference=current["reference"],
        filer=current["filer"],
        office=current["office"],
        versions=versions,
        shown=shown,
        current=masked,
        raw=None,
        raw_note="The message as received is customs' record; your agency reads the fields it needs above.",
        events=[],
        notes=[],
        requests=[],
        assignments=[],
        outcomes=[],
        why="; ".join(f"{scope.agency} {r.action}: {r.explanation}" for r in mine) or "no requirement of yours",
        groups=group_findings(conn, findings, parties, assessors),
        route=route_of(data.get("itinerary") or {}),
        goods=goods_of(data),
        parties=parties,
        deadline=decision["deadline"],
        requirements=tuple(mine),
    )

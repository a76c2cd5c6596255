"""The strategic goods assessor: explosives precursors, high-priority items and dual-use goods, by list and entry.

Each goods item is matched against the control lists in force on the filing day (reference/strategic.py:
HS/CN codes, "ex" codes confirmed by the description or a CAS number, concentrations read from the
description). A finding names the list, the entry and why, and says what customs needs: a licence reference
for an Annex I precursor above its limit or a dual-use item (missing: RFI / yellow), an inspection when the
goods go to a destination of concern or the consignee is on a watch list (RFI / red). The end user's
screening comes from the same screener the screening assessor uses, so it costs no second screening.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from safelane.domain import Channel, Consignment, Finding, GoodsItem, Lodgement, Referral
from safelane.reference.strategic import (
    DUAL_USE_LIST,
    REPORTABLE_LIST,
    RESTRICTED_LIST,
    ControlCode,
    ControlList,
    Destination,
    Match,
    StrategicTables,
    install,
    load,
)
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.risk.strategic.licences import LicenceBook, LicenceCheck
from safelane.screening.index import Screener
from safelane.screening.matcher import Hit
from safelane.screening.policy import ScreeningPolicy

STRATEGIC = "strategic"
TABLES_DIR = "SAFELANE_STRATEGIC_DIR"  # a folder whose tables replace the shipped ones, file by file
DUAL_USE = "SAFELANE_STRATEGIC_DUAL_USE"  # the administration's CN <-> export control number CSV

# Scores on the engine's 0-100 scale (risk/engine.py combines them as independent signals).
REPORTABLE_SCORE = 15.0
LISTED_SCORE = 35.0  # on a list that needs no document by itself (CHPL), with a concern
DOCUMENT_MISSING_SCORE = 40.0  # a licence, or the concentration that would say none is needed, is missing
ABOVE_LICENCE_SCORE = 50.0  # above what any licence may cover
COVERED_SCORE = 5.0  # a valid (or declared) licence covers it: shown, barely scored
CONCERN_SCORE = 85.0  # destination or route of concern, or a listed end user
POSSIBLE_END_USER_SCORE = 60.0


def _hs(code: str) -> str:
    return str(ControlCode(code))


def _item_words(index: int, item: GoodsItem, match: Match) -> str:
    """'item 1, HS 2808 00 with 'nitric acid 68 %' in the description'."""
    parts = [f"item {item.sequence or index + 1}"]
    if item.hs_code:
        parts.append(f"HS {_hs(item.hs_code)}")
    said = []
    if match.keyword or (match.code is None and match.snippet):
        said.append(f"'{match.snippet[:80]}' in the description")
    if match.cas:
        said.append(f"CAS {match.cas}")
    head = ", ".join(parts)
    return f"{head} with {' and '.join(said)}" if said else head


def _percent(value: float) -> str:
    return f"{value:g} %"


EMPTY_BOOK = LicenceBook([])


class StrategicAssessor:
    """Strategic goods findings for each lodgement, from in-memory tables, licences and the screener's cache."""

    name = STRATEGIC

    def __init__(
        self,
        tables: StrategicTables,
        licences: Callable[[], LicenceBook] = lambda: EMPTY_BOOK,
        screener: Callable[[], Screener] | None = None,
        policy: ScreeningPolicy | None = None,
    ):
        self.tables = tables
        self.licences = licences
        self.screener = screener
        self.policy = policy or ScreeningPolicy()
        self._book: LicenceBook = EMPTY_BOOK

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._book = book = self.licences()
        screener = self.screener() if self.screener is not None else None
        return [self._one(lodgement, book, screener) for lodgement in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {STRATEGIC: f"tables-{self.tables.version}/licences-{self._book.version}"}

    def _one(self, lodgement: Lodgement, book: LicenceBook, screener: Screener | None) -> list[Finding]:
        consignment = lodgement.consignment
        day = lodgement.filed_at.date()
        matches = [
            (index, item, match)
            for index, item in enumerate(consignment.goods)
            if item.hs_code is not None or item.description is not None
            for match in self.tables.match(item.hs_code, item.description, day)
        ]
        if not matches:
            return []
        end_user = _end_user(consignment, screener, self.policy)
        # One finding per list entry: the item that asks most of it (68 % beside 3 % nitric acid).
        worst: dict[str, Finding] = {}
        for index, item, match in matches:
            finding = self._finding(lodgement, day, index, item, match, book, end_user)
            if finding is not None and (finding.code not in worst or finding.score > worst[finding.code].score):
                worst[finding.code] = finding
        return list(worst.values())

    def _finding(
        self,
        lodgement: Lodgement,
        day: date,
        index: int,
        item: GoodsItem,
        match: Match,
        book: LicenceBook,
        end_user: tuple[Hit, bool] | None,
    ) -> Finding | None:
        entry = match.entry
        listed = self.tables.control_list(entry.list)
        title = listed.title if listed else entry.list
        consignment = lodgement.consignment
        what = f"{_item_words(index, item, match)}: {title}, {entry.title}" + (
            f" (CAS {entry.cas})" if entry.cas else ""
        )
        if match.relation == "partial" and match.code is not None and match.code.ex:
            what += f" under {match.code}"
        said: list[str] = []
        score = 0.0
        channel: Channel | None = None
        licence: LicenceCheck | None = None
        requirement = "none"
        if entry.list == RESTRICTED_LIST:
            assert entry.limit_percent is not None  # the table reader requires it
            limit = f"{_percent(entry.limit_percent)}{'' if entry.limit_basis == 'w/w' else ' ' + entry.limit_basis}"
            if match.concentration is not None and match.concentration <= entry.limit_percent:
                return None  # at or below the limit value: not restricted (Article 5(1))
            licence = _licence(book, consignment, listed, item, day)
            if match.concentration is None:
                requirement = "concentration"
                said.append(f"the concentration is not stated (restricted above {limit})")
            elif entry.upper_limit_percent is None or match.concentration > entry.upper_limit_percent:
                requirement = "professional_user"
                cap = (
                    "no licence may be granted for it"
                    if entry.upper_limit_percent is None
                    else f"above the {_percent(entry.upper_limit_percent)} a licence may cover"
                )
                said.append(f"{_percent(match.concentration)} is above the {limit} limit and {cap}")
            else:
                requirement = "licence"
                said.append(f"above the {limit} limit, licence reference required")
            if licence.satisfied and requirement != "professional_user":
                score = COVERED_SCORE
                said.append(_licence_words(licence))
            elif requirement == "professional_user":
                score, channel = ABOVE_LICENCE_SCORE, Channel.YELLOW
                said.append("only professional users may receive it: check the consignee")
            else:
                score, channel = DOCUMENT_MISSING_SCORE, Channel.YELLOW
                said.append(_licence_words(licence))
        elif entry.list == REPORTABLE_LIST:
            score = REPORTABLE_SCORE
            said.append("a reportable precursor: suspicious transactions are reported within 24 hours")
        elif entry.list == DUAL_USE_LIST:
            requirement = "licence"
            licence = _licence(book, consignment, listed, item, day)
            partly = " (only part of the code is controlled)" if match.relation == "partial" else ""
            said.append(f"correlates with export control number {entry.entry}{partly}")
            if licence.satisfied:
                score = COVERED_SCORE
                said.append(_licence_words(licence))
            else:
                score, channel = DOCUMENT_MISSING_SCORE, Channel.YELLOW
                said.append(_licence_words(licence, statement=True))
        else:  # the CHPL and any other list an administration adds: listed, the risk is where it goes
            score = LISTED_SCORE
        concerns = self.tables.concerns(entry.list, _destinations(consignment), _route(consignment), day)
        for concern in concerns:
            said.append(f"{'destination' if concern.role == 'destination' else 'route'} of concern: {concern.reason}")
        if concerns:
            score, channel = max(score, CONCERN_SCORE), Channel.RED
        end_user_evidence = None
        if end_user is not None:
            hit, strong = end_user
            end_user_evidence = {
                "party": consignment.consignee.name if consignment.consignee else "",
                "list_name": hit.list_name,
                "entity_id": hit.entity_id,
                "caption": hit.caption,
                "score": round(hit.score, 2),
                "strength": "strong" if strong else "possible",
            }
            said.append(
                f"the consignee {'matches' if strong else 'may match'} '{hit.caption}' on the {hit.list_name} list"
            )
            if strong:
                score, channel = max(score, CONCERN_SCORE), Channel.RED
            else:
                score = max(score, POSSIBLE_END_USER_SCORE)
                channel = channel or Channel.YELLOW
        if entry.list not in (RESTRICTED_LIST, REPORTABLE_LIST, DUAL_USE_LIST) and not concerns and end_user is None:
            # High-priority items are everyday electronics: without a destination, route or end user of concern
            # they are no finding (a profile can still select them with `in_list`).
            return None
        explanation = f"{what}: {'; '.join(said)}." if said else f"{what}."
        explanation = explanation[0].upper() + explanation[1:]
        referral = Referral.RFI if channel is not None else None
        return Finding(
            assessor=STRATEGIC,
            code=f"{entry.list}:{entry.entry}",
            score=score,
            explanation=explanation,
            evidence=_evidence(listed, match, index, item, requirement, licence, concerns, end_user_evidence),
            referral=referral,
            channel=channel,
        )


def _licence(
    book: LicenceBook, consignment: Consignment, listed: ControlList | None, item: GoodsItem, day: date
) -> LicenceCheck:
    if listed is None:
        return LicenceCheck("missing")
    return book.check(consignment, listed.id, listed.licence_documents, listed.statement_documents, item.hs_code, day)


def _licence_words(check: LicenceCheck, *, statement: bool = False) -> str:
    if check.status == "valid":
        return f"licence {check.reference} covers it ({check.reason})"
    if check.status == "declared":
        return f"document {check.document_type} {check.reference} is declared ({check.reason})"
    if check.status == "invalid":
        return f"the licence reference {check.reference} does not cover it: {check.reason}"
    return "no licence or statement document is declared" if statement else "no licence reference is declared"


def _destinations(consignment: Consignment) -> set[str]:
    countries = {consignment.itinerary.unloading_country}
    if consignment.consignee is not None:
        countries.add(consignment.consignee.country_code)
    return {c for c in countries if c}


def _route(consignment: Consignment) -> set[str]:
    return set(consignment.itinerary.routing_countries)


def _end_user(consignment: Consignment, screener: Screener | None, policy: ScreeningPolicy) -> tuple[Hit, bool] | None:
    """The consignee's best watch-list hit, if any: the screener caches per party, so screening already paid."""
    if screener is None or consignment.consignee is None or not len(screener):
        return None
    from safelane.screening.assessor import party_query  # screening's own query, so the cache entry is shared

    result = screener.screen(party_query(consignment.consignee), limit=1, threshold=policy.possible)
    if not result.hits:
        return None
    hit = result.hits[0]
    return hit, hit.score >= policy.strong or "identifiers" in hit.why


def _evidence(
    listed: ControlList | None,
    match: Match,
    index: int,
    item: GoodsItem,
    requirement: str,
    licence: LicenceCheck | None,
    concerns: list[Destination],
    end_user: dict[str, Any] | None,
) -> dict[str, Any]:
    entry = match.entry
    return {
        "list": entry.list,
        "list_title": listed.title if listed else entry.list,
        "list_source": listed.source if listed else "",
        "list_version": listed.version if listed else "",
        "entry": entry.entry,
        "entry_title": entry.title,
        "cas": entry.cas or "",
        "item": item.sequence or index + 1,
        "hs_code": item.hs_code or "",
        "control_code": str(match.code) if match.code else "",
        "relation": match.relation or "description",
        "confirmed_by": match.confirmed_by,
        "snippet": match.snippet,
        "concentration": match.concentration,
        "limit": entry.limit_percent,
        "limit_basis": entry.limit_basis,
        "upper_limit": entry.upper_limit_percent,
        "tier": entry.tier or "",
        "requirement": requirement,
        "licence": licence.as_dict() if licence else None,
        "concerns": [{"country": c.country, "role": c.role, "reason": c.reason} for c in concerns],
        "end_user": end_user,
    }


def _build(context: AssessorContext) -> StrategicAssessor:
    """The shipped tables (or the administration's), the licences in the store, the store's watch lists."""
    options = context.settings.options
    folder = Path(options[TABLES_DIR]) if options.get(TABLES_DIR) else None
    dual_use = Path(options[DUAL_USE]) if options.get(DUAL_USE) else None
    tables = load(folder, dual_use)
    install(tables)
    if context.db is None:
        return StrategicAssessor(tables, policy=context.settings.screening)
    from safelane.screening.rescreen import stored_lists
    from safelane.store.licences import StoredLicences

    return StrategicAssessor(tables, StoredLicences(context.db), stored_lists(context.db), context.settings.screening)


# Floors: a missing licence holds the goods for a documentary check, a destination of concern or a listed end user
# for an inspection; a score alone could fall below capacity and let them through.
SPEC = AssessorSpec(
    STRATEGIC,
    "Strategic goods",
    _build,
    order=35,
    floors=True,
    settings=(TABLES_DIR, DUAL_USE),
    evidence="findings/strategic.html",
)

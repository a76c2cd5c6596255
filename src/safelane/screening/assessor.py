"""The screening assessor: every party of every consignment against the lists in force, as findings.

Parties are consignor, consignee, notify party, carrier and declarant, plus the vessel or aircraft when
the filing names it. The best hit per party becomes a finding whose floor (referral or channel) follows
`ScreeningPolicy`, so a listed consignee changes the decision, and whose evidence says which list, entry,
name and alias matched, with which name parts and identifiers. Results are cached per normalised party by
the screener, so a batch of filings from the same traders costs one screening per distinct party.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence

from safelane.domain import Consignment, Finding, Lodgement, Party, TransportMode
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.screening import evidence
from safelane.screening.entities import compact_identifier
from safelane.screening.index import Screener
from safelane.screening.matcher import Hit, Query
from safelane.screening.policy import ScreeningPolicy

SCREENING = "screening"

ROLE_WORDS = {
    "consignor": "consignor",
    "consignee": "consignee",
    "notify_party": "notify party",
    "carrier": "carrier",
    "declarant": "declarant",
    "transport_means": "vessel or aircraft",
}


def party_query(party: Party) -> Query:
    country = party.country_code
    ids = tuple(sorted({compact_identifier(i.value) for i in party.identifiers}))
    return Query(party.name, None, country.lower() if country else None, ids)


def queries(consignment: Consignment) -> Iterator[tuple[str, Query]]:
    for role, party in consignment.parties():
        yield role, party_query(party)
    means = consignment.transport_means
    if means is not None and means.name:
        schema = "Vessel" if consignment.mode is TransportMode.SEA else None
        ident = compact_identifier(means.identifier)
        yield (
            "transport_means",
            Query(
                means.name, schema, means.nationality.lower() if means.nationality else None, (ident,) if ident else ()
            ),
        )


def finding_for(role: str, query: Query, hit: Hit, policy: ScreeningPolicy, list_version: str = "") -> Finding:
    strong = hit.score >= policy.strong or "identifiers" in hit.why
    alias = "" if hit.matched_property == "name" else f" under the {hit.matched_property} '{hit.matched_name}'"
    parts = ", ".join(f"{p['query']}={p['list']} ({p['how']})" for p in hit.why.get("name_parts", []))
    ids = "; identifier " + ", ".join(i["value"] for i in hit.why["identifiers"]) if "identifiers" in hit.why else ""
    strength = "matches" if strong else "may match"
    explanation = (
        f"The {ROLE_WORDS.get(role, role)} '{query.name}' {strength} '{hit.caption}'{alias} on the "
        f"{hit.list_name} list (entry {hit.entity_id}, score {hit.score:.2f}: {parts}{ids})."
    )
    return Finding(
        assessor=SCREENING,
        code=hit.entity_id,
        score=policy.strong_score if strong else policy.possible_score,
        explanation=explanation,
        evidence={
            "role": role,
            "party": query.name,
            "strength": "strong" if strong else "possible",
            "list_version": list_version,
            **hit.as_dict(),
        },
        referral=policy.strong_referral if strong else policy.possible_referral,
        channel=policy.strong_channel if strong else policy.possible_channel,
    )


def screen_consignment(screener: Screener, consignment: Consignment, policy: ScreeningPolicy) -> list[Finding]:
    findings = []
    for role, query in queries(consignment):
        result = screener.screen(query, limit=1, threshold=policy.possible)
        if result.hits:
            findings.append(finding_for(role, query, result.hits[0], policy, screener.version))
    return findings


class ScreeningAssessor:
    name = SCREENING

    def __init__(self, source: Callable[[], Screener], policy: ScreeningPolicy | None = None):
        """`source` returns the screener of the lists in force; the store's source rebuilds it on a new version."""
        self.source = source
        self.policy = policy or ScreeningPolicy()
        self._used: Screener | None = None

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._used = screener = self.source()
        if not len(screener):
            return [[] for _ in lodgements]
        return [screen_consignment(screener, lo.consignment, self.policy) for lo in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {SCREENING: self._used.version} if self._used is not None and self._used.version else {}


EMPTY = Screener([])


def _build(context: AssessorContext) -> ScreeningAssessor:
    """Over the lists in the store (none without a database), with the policy in the settings."""
    from safelane.screening.rescreen import stored_lists  # rescreen imports this module

    lists = stored_lists(context.db) if context.db is not None else (lambda: EMPTY)
    return ScreeningAssessor(lists, context.settings.screening)


# A strong hit holds or stops cargo on its own (ScreeningPolicy), so screening declares floors.
SPEC = AssessorSpec(
    SCREENING,
    "Watch-list screening",
    _build,
    order=30,
    floors=True,
    settings=("SAFELANE_SCREENING_POSSIBLE", "SAFELANE_SCREENING_STRONG", "SAFELANE_SCREENING_REFERRAL"),
    evidence="findings/screening.html",
    present=evidence.present,
)

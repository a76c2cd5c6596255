"""The facilitation assessor: which parties are trusted traders at the filing time, and what that earns.

Each party is matched to the register (identifier first, else name: `register.py`); each matched operator's
authorisations are judged by their status at the filing time. A certified authorisation whose programme and
type earn benefits (home programme, or a partner's under an MRA in force: `recognition.py`) gives a finding
that says so in one sentence, with the authorisation it relied on in its evidence. Only the best one per
consignment is applied (an identifier match before a name match, then the larger benefit): its score is the
negative score reduction, and `selection.facilitation` reads its benefits. A party that is registered but not
certified then (applied, under audit, suspended, revoked, expired) gets a finding of score 0 saying so, so the
officer sees it; so does a name that namesakes in the register share (`Ambiguous`), which earns nothing.
Facilitation declares no floors and never lifts one.
"""

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from safelane.domain import Finding, Lodgement, Party
from safelane.domain.consignment import PARTY_ROLES
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.selection import Offices
from safelane.selection.facilitation import TRADERS
from safelane.traders.authorisation import Authorisation, Operator, start_of
from safelane.traders.recognition import Benefits, Earned, Recognition, packaged
from safelane.traders.register import Ambiguous, Match, Register

ROLE_WORDS = {"consignor": "consignor", "consignee": "consignee", "notify_party": "notify party"}
AMBIGUOUS = "TRADER-NAME-AMBIGUOUS"


def _percent(rate: float) -> str:
    return f"{rate * 100:.3g} %"


def _benefit_parts(benefits: Benefits, office_rate: float | None) -> list[str]:
    parts = []
    if benefits.score_reduction:
        parts.append(f"risk score reduced by {benefits.score_reduction:g} %")
    if benefits.random_rate_factor != 1.0:
        if office_rate:
            parts.append(
                f"random-sample rate {_percent(office_rate * benefits.random_rate_factor)} instead of "
                f"{_percent(office_rate)}"
            )
        else:
            parts.append(f"random-sample rate {benefits.random_rate_factor:g} times the office's")
    if benefits.explore_factor != 1.0:
        parts.append(f"exploration weight {benefits.explore_factor:g} times the usual")
    if benefits.documentary_instead_of_physical:
        parts.append("documentary check instead of physical inspection unless a floor for trusted traders holds")
    if benefits.queue_priority:
        parts.append(f"queue priority {benefits.queue_priority}")
    return parts


CACHE_SIZE = 100_000


@dataclass(slots=True)
class _Judged:
    """One party's findings: (rank, finding if its benefits are applied, finding if another's are), and the rest."""

    candidates: list[tuple[tuple[int, float], Finding, Finding]]
    others: list[Finding]
    ordered: list[Finding] = field(default_factory=list)  # its findings when it is the only trusted party

    def settle(self) -> "_Judged":
        """Order the findings once: the best candidate applied, then the other candidates, then the rest."""
        ranked = sorted(self.candidates, key=lambda c: c[0], reverse=True)
        self.ordered = [c[1] if i == 0 else c[2] for i, c in enumerate(ranked)] + self.others
        return self


class FacilitationAssessor:
    name = TRADERS

    def __init__(
        self,
        register: Callable[[], Register],
        recognition: Recognition | None = None,
        offices: Callable[[], Offices] = Offices,
    ):
        self.register = register
        self.recognition = recognition or packaged()
        self.offices = offices
        self._used: Register | None = None
        self._judged: dict[tuple[object, ...], _Judged] = {}
        self._periods: dict[str, tuple[datetime, ...]] = {}  # operator id -> `_boundaries`, for the register used
        # The time zone object the boundaries are expressed in: the first filing's (pydantic shares one per
        # offset). Aware datetimes with the same tzinfo object compare without two `utcoffset` calls, which
        # were 7 % of the assessor's instructions.
        self._zone: tzinfo | None = None

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        register = self.register()
        if register is not self._used:
            self._judged.clear()  # judged against another register: judge again
            self._periods.clear()
        self._used = register
        if not len(register):
            return [[] for _ in lodgements]
        offices = self.offices()
        rates: dict[str | None, float] = {}  # the random-sample rate per entry office, for this batch
        match = register.match
        return [self._one(match, offices, rates, lodgement) for lodgement in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {TRADERS: self._used.revision} if self._used is not None and len(self._used) else {}

    def _one(
        self,
        match_party: Callable[[Party], Match | Ambiguous | None],
        offices: Offices,
        rates: dict[str | None, float],
        lodgement: Lodgement,
    ) -> list[Finding]:
        office_rate: float | None = None
        judged: list[_Judged] = []
        consignment = lodgement.consignment
        fields = consignment.__dict__  # not five pydantic attribute reads (see `Register.match`)
        for role in PARTY_ROLES:
            party = fields[role]
            if party is None:
                continue
            match = match_party(party)
            if match is None:
                continue
            if type(match) is Ambiguous:
                judged.append(self._ambiguous(role, party, match))
                continue
            assert type(match) is Match
            if office_rate is None:
                office = consignment.entry_office
                office_rate = rates.get(office)
                if office_rate is None:
                    office_rate = rates[office] = offices(office).random_rate
            # What a party earns depends on its operator's period (which status, validity and MRA are in force),
            # the match and the name filed (its sentence quotes them) and the office's rate: judged once per such
            # key, so repeat traders cost a lookup and a bisection, not new sentences.
            operator = match.operator
            at = lodgement.filed_at
            if at.tzinfo is not self._zone:
                if self._zone is None:
                    self._zone = at.tzinfo
                else:
                    at = at.astimezone(self._zone)  # the same instant, in the zone of the boundaries
            periods = self._periods.get(operator.operator_id)
            if periods is None:
                periods = self._periods[operator.operator_id] = self._boundaries(operator)
            cache_key = (role, operator.operator_id, match.how, match.evidence, party.__dict__["name"], office_rate,
                         bisect_right(periods, at))  # fmt: skip
            found = self._judged.get(cache_key)
            if found is None:
                if len(self._judged) >= CACHE_SIZE:
                    self._judged.clear()
                found = self._judged[cache_key] = self._judge(role, party, match, lodgement.filed_at, office_rate)
            judged.append(found)
        if not judged:
            return []
        if len(judged) == 1:  # the usual case: one trusted party, its findings already in order
            return list(judged[0].ordered)
        candidates = [c for j in judged for c in j.candidates]
        best = max(candidates, key=lambda c: c[0], default=None)
        findings = [c[1] if c is best else c[2] for c in sorted(candidates, key=lambda c: c[0], reverse=True)]
        return findings + [f for j in judged for f in j.others]

    def _ambiguous(self, role: str, party: Party, match: Ambiguous) -> _Judged:
        key = (role, party.__dict__["name"], match.how, match.evidence, *(o.operator_id for o in match.operators))
        found = self._judged.get(key)
        if found is None:
            names = ", ".join(f"{o.name} ({o.operator_id})" for o in match.operators)
            finding = Finding(
                assessor=TRADERS,
                code=AMBIGUOUS,
                score=0.0,
                explanation=(
                    f"The {ROLE_WORDS.get(role, role)} '{party.name}' matches {len(match.operators)} registered "
                    f"operators equally well by name ({match.evidence}): {names}. Neither its identifiers nor its "
                    "address tell them apart, so a name match earns no facilitation."
                ),
                evidence={
                    "role": role,
                    "party": party.name,
                    "match": match.how,
                    "matched_on": match.evidence,
                    "operator_ids": [o.operator_id for o in match.operators],
                    "status": "ambiguous",
                    "applied": False,
                },
            )
            found = self._judged[key] = _Judged([], [finding]).settle()
        return found

    def _boundaries(self, operator: Operator) -> tuple[datetime, ...]:
        """The instants from which anything the judgement of this operator reads may differ: each status change
        taking effect, each authorisation's validity dates and those of the MRA recognising its programme. Between
        two of them its statuses, certification dates and benefits are the same. Kept as datetimes in the
        filings' zone (`_zone`), so a filing time is bisected as it is, not converted per consignment."""
        days: set[date | None] = set()
        instants: set[datetime] = set()
        for authorisation in operator.authorisations:
            instants.update(change.effective_at for change in authorisation.history)
            days.update((authorisation.valid_from, authorisation.valid_to))
            arrangement = self.recognition.arrangements.get(authorisation.programme)
            if arrangement is not None:
                days.update((arrangement.valid_from, arrangement.valid_to))
        instants.update(start_of(day) for day in days if day is not None)
        return tuple(sorted(instant.astimezone(self._zone) for instant in instants))

    def _judge(self, role: str, party: Party, match: Match, at: datetime, office_rate: float) -> "_Judged":
        judged = _Judged([], [])
        for authorisation in match.operator.authorisations:
            status = authorisation.status_at(at)
            earned = self.recognition.earned(authorisation.programme, authorisation.type, at)
            if status == "certified" and earned is not None and earned.benefits.any:
                if match.how != "identifier":
                    earned = Earned(earned.benefits.weakened(), earned.basis, earned.arrangement)
                rank = (1 if match.how == "identifier" else 0, earned.benefits.score_reduction)
                judged.candidates.append(
                    (
                        rank,
                        self._facilitated(role, party, match, authorisation, earned, at, office_rate, applied=True),
                        self._facilitated(role, party, match, authorisation, earned, at, office_rate, applied=False),
                    )
                )
            else:
                judged.others.append(self._not_facilitated(role, party, match, authorisation, status, earned, at))
        return judged.settle()

    def _evidence(self, role: str, party: Party, match: Match, authorisation: Authorisation) -> dict[str, Any]:
        return {
            "role": role,
            "party": party.name,
            "operator_id": match.operator.operator_id,
            "operator": match.operator.name,
            "match": match.how,
            "matched_on": match.evidence,
            "authorisation_id": authorisation.authorisation_id,
            "programme": authorisation.programme,
            "type": authorisation.type,
            "number": authorisation.number or "",
            "administration": authorisation.administration or "",
        }

    def _facilitated(
        self,
        role: str,
        party: Party,
        match: Match,
        authorisation: Authorisation,
        earned: Earned,
        at: datetime,
        office_rate: float,
        *,
        applied: bool,
    ) -> Finding:
        since = authorisation.certified_since(at)
        since_text = f" since {since.date().isoformat()}" if since else ""
        who = f"The {ROLE_WORDS.get(role, role)} '{party.name}'"
        how = (
            "by identifier " + match.evidence if match.how == "identifier" else "on name only (" + match.evidence + ")"
        )
        head = " ".join(
            p
            for p in (authorisation.type, authorisation.administration, authorisation.number or authorisation.programme)
            if p
        )
        parts = _benefit_parts(earned.benefits, office_rate)
        benefit = ": " + "; ".join(parts) if applied else " (another party's authorisation gives the benefits applied)"
        weak = "; a name match earns no benefit that lifts a control" if match.how != "identifier" else ""
        explanation = (
            f"{head} certified{since_text}{benefit}. {who} is {match.operator.name}, matched {how} "
            f"({authorisation.programme}, {earned.basis}){weak}."
        )
        return Finding(
            assessor=TRADERS,
            code=authorisation.label,
            score=-earned.benefits.score_reduction if applied else 0.0,
            explanation=explanation,
            evidence={
                **self._evidence(role, party, match, authorisation),
                "status": "certified",
                "certified_since": since.date().isoformat() if since else "",
                "basis": earned.basis,
                "applied": applied,
                "benefits": asdict(earned.benefits),
            },
        )

    def _not_facilitated(
        self,
        role: str,
        party: Party,
        match: Match,
        authorisation: Authorisation,
        status: str | None,
        earned: Earned | None,
        at: datetime,
    ) -> Finding:
        change = authorisation.change_at(at)
        shown = (status or "not yet applied").replace("_", " ")
        if status == "certified":
            why = "no benefit here: its programme or type is not recognised at this date"
        elif change is not None:
            why = f"{shown} since {change.effective_at.date().isoformat()} ({change.reason}): no facilitation"
        else:
            why = "no status in effect at the filing time: no facilitation"
        return Finding(
            assessor=TRADERS,
            code=authorisation.label,
            score=0.0,
            explanation=(
                f"The {ROLE_WORDS.get(role, role)} '{party.name}' is {match.operator.name} ({match.how}), "
                f"holder of {authorisation.label}, {why}."
            ),
            evidence={
                **self._evidence(role, party, match, authorisation),
                "status": status or "none",
                "basis": earned.basis if earned else "not recognised",
                "applied": False,
            },
        )


def _build(context: AssessorContext) -> FacilitationAssessor | None:
    """Over the stored register; without a database there is no register and nothing to facilitate."""
    if context.db is None:
        return None
    from safelane.store import offices as office_store
    from safelane.store.traders import StoredRegister

    return FacilitationAssessor(StoredRegister(context.db), offices=office_store.StoredOffices(context.db))


# Facilitation lowers scores and rates; it never demands anything, so it declares no floors.
SPEC = AssessorSpec(TRADERS, "Trusted traders", _build, order=35, evidence="findings/traders.html")

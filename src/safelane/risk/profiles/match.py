"""Compile profiles into plain predicates, so hundreds of them cost microseconds per consignment."""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from safelane.domain import FilingKind, Finding, GoodsItem, Lodgement, TransportMode
from safelane.domain.assessment import CUSTOMS
from safelane.risk.profiles.language import Conditions, PartyCondition, Profile, TimeWindow
from safelane.risk.profiles.patterns import PatternSet

PROFILES = "profiles"  # the assessor of profile findings, and of the decision reasons that cite them

Check = Callable[["Facts"], bool]
ItemCheck = Callable[[GoodsItem], bool]
DatedItemCheck = Callable[[GoodsItem, date], bool]  # reads tables in force on the filing day
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class PartyFacts:
    role: str
    identifiers: frozenset[str]
    country: str | None
    name_hits: frozenset[int]  # which of the set's name patterns hit this name (PatternSet.hits)


class Facts:
    """What the profiles read of one lodgement, computed once for all of them, rather than walking the parties
    and searching each name again for every party rule of a set of hundreds."""

    __slots__ = ("consignment", "document_types", "lodgement", "parties")

    def __init__(self, lodgement: Lodgement, texts: "Texts"):
        self.lodgement = lodgement
        self.consignment = consignment = lodgement.consignment
        self.parties = tuple(
            PartyFacts(
                role,
                frozenset(i.value for i in party.identifiers),
                party.country_code,
                texts.names.hits(party.name) if texts.names else frozenset(),
            )
            for role, party in consignment.parties()
        )
        self.document_types = frozenset(d.type.upper() for d in consignment.documents)


@dataclass(frozen=True)
class Texts:
    """The name and description patterns of every profile of a set, each kind in one RE2 set (PatternSet)."""

    names: PatternSet = field(default_factory=PatternSet)
    descriptions: PatternSet = field(default_factory=PatternSet)


def _party_check(condition: PartyCondition, texts: Texts) -> Check:
    roles = frozenset(condition.roles)
    name = texts.names.add(condition.name_matches) if condition.name_matches else None
    identifiers = frozenset(condition.identifiers)
    countries = frozenset(condition.country)

    def check(facts: Facts) -> bool:
        for party in facts.parties:
            if roles and party.role not in roles:
                continue
            if name is not None and name not in party.name_hits:
                continue
            if identifiers and identifiers.isdisjoint(party.identifiers):
                continue
            if countries and party.country not in countries:
                continue
            return True
        return False

    return check


def _in_hours(moment: time, start: time, end: time) -> bool:
    return start <= moment < end if start <= end else moment >= start or moment < end


def _time_check(window: TimeWindow) -> Check:
    weekdays = frozenset(_WEEKDAYS.index(d) for d in window.weekdays)
    bounds = window.bounds()

    def when(facts: Facts) -> datetime | None:
        if window.at == "filed":
            return facts.lodgement.filed_at
        itinerary = facts.consignment.itinerary
        return itinerary.departure_at if window.at == "departure" else itinerary.arrival_at

    def check(facts: Facts) -> bool:
        moment = when(facts)
        if moment is None:
            return False
        if weekdays and moment.weekday() not in weekdays:
            return False
        return not bounds or _in_hours(moment.timetz().replace(tzinfo=None), *bounds)

    return check


def _consignment_checks(when: Conditions, texts: Texts) -> list[Check]:
    checks: list[Check] = []
    if when.mode:
        modes = frozenset(when.mode)
        checks.append(lambda facts: facts.consignment.mode in modes)
    if when.office:
        offices = frozenset(when.office)
        checks.append(lambda facts: facts.consignment.office in offices)
    if when.place_of_loading:
        places = frozenset(when.place_of_loading)
        checks.append(lambda facts: facts.consignment.itinerary.place_of_loading in places)
    if when.place_of_unloading:
        places_u = frozenset(when.place_of_unloading)
        checks.append(lambda facts: facts.consignment.itinerary.place_of_unloading in places_u)
    if when.loading_country:
        loading = frozenset(when.loading_country)
        checks.append(lambda facts: facts.consignment.itinerary.loading_country in loading)
    if when.unloading_country:
        unloading = frozenset(when.unloading_country)
        checks.append(lambda facts: facts.consignment.itinerary.unloading_country in unloading)
    if when.routing_country:
        routing = frozenset(when.routing_country)

        def via(facts: Facts) -> bool:
            itinerary = facts.consignment.itinerary
            return itinerary.loading_country in routing or not routing.isdisjoint(itinerary.routing_countries)

        checks.append(via)
    checks += [_party_check(p, texts) for p in when.party]
    if when.documents_missing:
        missing = frozenset(d.upper() for d in when.documents_missing)
        checks.append(lambda facts: missing.isdisjoint(facts.document_types))
    if when.time_window:
        checks.append(_time_check(when.time_window))
    return checks


def _between(low: float | None, high: float | None) -> Callable[[float | None], bool]:
    def check(value: float | None) -> bool:
        return value is not None and (low is None or value >= low) and (high is None or value <= high)

    return check


def _item_checks(when: Conditions, texts: Texts) -> list[ItemCheck]:
    checks: list[ItemCheck] = []
    if when.hs_prefix:
        prefixes = tuple(when.hs_prefix)
        checks.append(lambda item: item.hs_code is not None and item.hs_code.startswith(prefixes))
    if when.origin_country:
        origins = frozenset(when.origin_country)
        checks.append(lambda item: item.origin_country in origins)
    if when.description_matches:
        described, descriptions = texts.descriptions.add(when.description_matches), texts.descriptions
        checks.append(lambda item: item.description is not None and described in descriptions.hits(item.description))
    if when.currency and (when.value_min is not None or when.value_max is not None):
        currency, value_ok = when.currency, _between(when.value_min, when.value_max)
        checks.append(
            lambda item: item.value is not None and item.value.currency == currency and value_ok(item.value.amount)
        )
    if when.mass_min_kg is not None or when.mass_max_kg is not None:
        mass_ok = _between(when.mass_min_kg, when.mass_max_kg)
        checks.append(lambda item: mass_ok(item.gross_mass_kg))
    if when.currency and (when.value_per_kg_min is not None or when.value_per_kg_max is not None):
        currency_k, per_kg_ok = when.currency, _between(when.value_per_kg_min, when.value_per_kg_max)
        checks.append(
            lambda item: item.value is not None and item.value.currency == currency_k and per_kg_ok(item.value_per_kg)
        )
    return checks


def _dated_item_checks(when: Conditions) -> list[DatedItemCheck]:
    if not when.in_list:
        return []
    from safelane.reference.strategic import in_force

    lists = tuple(when.in_list)
    return [lambda item, day: in_force().on_list(lists, item.hs_code, item.description, day)]


def _describe_item(index: int, item: GoodsItem, *, value: bool = True) -> str:
    """How a finding names the item it hit; without its value (`value=False`) for another agency's profile, whose
    officers read the explanation and may not be shown values (safelane.agencies.need_to_know)."""
    parts = [f"item {item.sequence or index + 1}"]
    if item.hs_code:
        parts.append(f"HS {item.hs_code}")
    if item.description:
        parts.append(f"'{item.description[:60]}'")
    if item.origin_country:
        parts.append(f"from {item.origin_country}")
    if item.value and value:
        per_kg = item.value_per_kg
        parts.append(f"{item.value.amount:g} {item.value.currency}" + (f" ({per_kg:.2f}/kg)" if per_kg else ""))
    return " ".join(parts)


@dataclass(frozen=True)
class CompiledProfile:
    profile: Profile
    checks: tuple[Check, ...]
    item_checks: tuple[ItemCheck, ...]
    dated_item_checks: tuple[DatedItemCheck, ...] = ()
    texts: Texts = field(default_factory=Texts)  # shared by the profiles of one set

    @property
    def key(self) -> str:
        return f"{self.profile.id}@{self.profile.version}"

    def match(self, lodgement: Lodgement, facts: Facts | None = None) -> Finding | None:
        """The finding this profile raises on the lodgement, or None. Validity dates are the set's concern.
        `facts`: the lodgement's, as the set computes them once for all its profiles."""
        facts = facts or Facts(lodgement, self.texts)
        for check in self.checks:
            if not check(facts):
                return None
        detail, evidence = "", {"profile": self.profile.id, "version": self.profile.version}
        if self.profile.applies_to_trusted:  # facilitation for trusted traders may not ease its floor
            evidence["applies_to_trusted"] = True
        if self.item_checks or self.dated_item_checks:
            day = lodgement.filed_at.date()
            for index, item in enumerate(lodgement.consignment.goods):
                if all(check(item) for check in self.item_checks) and all(
                    check(item, day) for check in self.dated_item_checks
                ):
                    detail = f" on {_describe_item(index, item, value=self.profile.agency == CUSTOMS)}"
                    evidence["item"] = item.sequence or index + 1
                    break
            else:
                return None
        p, outcome = self.profile, self.profile.outcome
        if outcome.requirement:  # read by selection.requirements to build the agency's requirement
            evidence["requirement"] = outcome.requirement
            if outcome.documents:
                evidence["documents"] = list(outcome.documents)
        return Finding(
            assessor=PROFILES,
            code=p.id,
            score=outcome.score,
            explanation=f"Profile {p.id} v{p.version} '{p.title}' ({p.owner}) hit{detail}. {p.rationale.strip()}",
            evidence=evidence,
            referral=outcome.referral,
            channel=outcome.channel,
            agency=None if p.agency == CUSTOMS else p.agency,
        )


def compile_profile(profile: Profile, texts: Texts | None = None) -> CompiledProfile:
    """The profile's predicates; its name and description patterns join `texts` (a set's, else its own)."""
    when, texts = profile.when, texts or Texts()
    checks, item_checks = _consignment_checks(when, texts), _item_checks(when, texts)
    return CompiledProfile(profile, tuple(checks), tuple(item_checks), tuple(_dated_item_checks(when)), texts)


_ANY = "*"


class ProfileSet:
    """The active profiles; its revision names exactly which versions an assessment used.

    Profiles are indexed by transport mode and HS chapter, so a consignment is checked only against
    the profiles that could hit it: hundreds of profiles cost little more than a handful.
    """

    def __init__(self, profiles: Iterable[Profile]):
        self.texts = Texts()
        self.profiles = [compile_profile(p, self.texts) for p in sorted(profiles, key=lambda p: (p.id, p.version))]
        keys = ",".join(c.key for c in self.profiles)
        self.revision = hashlib.sha256(keys.encode()).hexdigest()[:12] if keys else "none"
        self._index: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for position, compiled in enumerate(self.profiles):
            when = compiled.profile.when
            chapters = {prefix[:2] for prefix in when.hs_prefix} or {_ANY}
            for kind in compiled.profile.applies_to or list(FilingKind):
                for mode in when.mode or list(TransportMode):
                    for chapter in chapters:
                        self._index[(kind.value, mode.value, chapter)].append(position)

    def __len__(self) -> int:
        return len(self.profiles)

    def candidates(self, lodgement: Lodgement) -> list[CompiledProfile]:
        """The profiles for this kind of filing, mode and HS chapters (validity dates not yet checked)."""
        kind, mode = lodgement.kind.value, lodgement.consignment.mode.value
        positions = set(self._index.get((kind, mode, _ANY), ()))
        for item in lodgement.consignment.goods:
            if item.hs_code:
                positions.update(self._index.get((kind, mode, item.hs_code[:2]), ()))
        return [self.profiles[p] for p in sorted(positions)]

    def findings(self, lodgement: Lodgement) -> list[Finding]:
        day = lodgement.filed_at.date()
        facts = Facts(lodgement, self.texts)
        hits = []
        for compiled in self.candidates(lodgement):
            profile = compiled.profile
            if profile.valid_from <= day and (profile.valid_to is None or day <= profile.valid_to):
                finding = compiled.match(lodgement, facts)
                if finding is not None:
                    hits.append(finding)
        return hits

"""Compile profiles into plain predicates, so hundreds of them cost microseconds per consignment."""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from safelane.domain import FilingKind, Finding, GoodsItem, Lodgement, TransportMode
from safelane.domain.assessment import CUSTOMS
from safelane.risk.profiles.language import Conditions, PartyCondition, Profile, TimeWindow
from safelane.risk.profiles.patterns import compile_any

PROFILES = "profiles"  # the assessor of profile findings, and of the decision reasons that cite them

Check = Callable[[Lodgement], bool]
ItemCheck = Callable[[GoodsItem], bool]
DatedItemCheck = Callable[[GoodsItem, date], bool]  # reads tables in force on the filing day
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _party_check(condition: PartyCondition) -> Check:
    roles = tuple(condition.roles)
    names = None
    if condition.name_matches:
        pattern = compile_any(condition.name_matches)
        names = lru_cache(maxsize=8192)(lambda name: pattern.search(name) is not None)  # traders repeat
    identifiers = frozenset(condition.identifiers)
    countries = frozenset(condition.country)

    def check(lodgement: Lodgement) -> bool:
        for role, party in lodgement.consignment.parties():
            if roles and role not in roles:
                continue
            if names and not names(party.name):
                continue
            if identifiers and not any(i.value in identifiers for i in party.identifiers):
                continue
            if countries and party.country_code not in countries:
                continue
            return True
        return False

    return check


def _in_hours(moment: time, start: time, end: time) -> bool:
    return start <= moment < end if start <= end else moment >= start or moment < end


def _time_check(window: TimeWindow) -> Check:
    weekdays = frozenset(_WEEKDAYS.index(d) for d in window.weekdays)
    bounds = window.bounds()

    def when(lodgement: Lodgement) -> datetime | None:
        if window.at == "filed":
            return lodgement.filed_at
        itinerary = lodgement.consignment.itinerary
        return itinerary.departure_at if window.at == "departure" else itinerary.arrival_at

    def check(lodgement: Lodgement) -> bool:
        moment = when(lodgement)
        if moment is None:
            return False
        if weekdays and moment.weekday() not in weekdays:
            return False
        return not bounds or _in_hours(moment.timetz().replace(tzinfo=None), *bounds)

    return check


def _consignment_checks(when: Conditions) -> list[Check]:
    checks: list[Check] = []
    if when.mode:
        modes = frozenset(when.mode)
        checks.append(lambda lo: lo.consignment.mode in modes)
    if when.office:
        offices = frozenset(when.office)
        checks.append(lambda lo: lo.consignment.office in offices)
    if when.place_of_loading:
        places = frozenset(when.place_of_loading)
        checks.append(lambda lo: lo.consignment.itinerary.place_of_loading in places)
    if when.place_of_unloading:
        places_u = frozenset(when.place_of_unloading)
        checks.append(lambda lo: lo.consignment.itinerary.place_of_unloading in places_u)
    if when.loading_country:
        loading = frozenset(when.loading_country)
        checks.append(lambda lo: lo.consignment.itinerary.loading_country in loading)
    if when.unloading_country:
        unloading = frozenset(when.unloading_country)
        checks.append(lambda lo: lo.consignment.itinerary.unloading_country in unloading)
    if when.routing_country:
        routing = frozenset(when.routing_country)

        def via(lo: Lodgement) -> bool:
            itinerary = lo.consignment.itinerary
            return itinerary.loading_country in routing or not routing.isdisjoint(itinerary.routing_countries)

        checks.append(via)
    checks += [_party_check(p) for p in when.party]
    if when.documents_missing:
        missing = frozenset(d.upper() for d in when.documents_missing)
        checks.append(lambda lo: all(d.type.upper() not in missing for d in lo.consignment.documents))
    if when.time_window:
        checks.append(_time_check(when.time_window))
    return checks


def _between(low: float | None, high: float | None) -> Callable[[float | None], bool]:
    def check(value: float | None) -> bool:
        return value is not None and (low is None or value >= low) and (high is None or value <= high)

    return check


def _item_checks(when: Conditions) -> list[ItemCheck]:
    checks: list[ItemCheck] = []
    if when.hs_prefix:
        prefixes = tuple(when.hs_prefix)
        checks.append(lambda item: item.hs_code is not None and item.hs_code.startswith(prefixes))
    if when.origin_country:
        origins = frozenset(when.origin_country)
        checks.append(lambda item: item.origin_country in origins)
    if when.description_matches:
        described = compile_any(when.description_matches)
        checks.append(lambda item: item.description is not None and described.search(item.description) is not None)
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

    @property
    def key(self) -> str:
        return f"{self.profile.id}@{self.profile.version}"

    def match(self, lodgement: Lodgement) -> Finding | None:
        """The finding this profile raises on the lodgement, or None. Validity dates are the set's concern."""
        for check in self.checks:
            if not check(lodgement):
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


def compile_profile(profile: Profile) -> CompiledProfile:
    when = profile.when
    return CompiledProfile(
        profile, tuple(_consignment_checks(when)), tuple(_item_checks(when)), tuple(_dated_item_checks(when))
    )


_ANY = "*"


class ProfileSet:
    """The active profiles; its revision names exactly which versions an assessment used.

    Profiles are indexed by transport mode and HS chapter, so a consignment is checked only against
    the profiles that could hit it: hundreds of profiles cost little more than a handful.
    """

    def __init__(self, profiles: Iterable[Profile]):
        self.profiles = [compile_profile(p) for p in sorted(profiles, key=lambda p: (p.id, p.version))]
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
        hits = []
        for compiled in self.candidates(lodgement):
            profile = compiled.profile
            if profile.valid_from <= day and (profile.valid_to is None or day <= profile.valid_to):
                finding = compiled.match(lodgement)
                if finding is not None:
                    hits.append(finding)
        return hits

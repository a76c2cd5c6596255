"""The profile language: what an analyst may write in a profile file, and nothing else.

A profile hits a consignment when every consignment condition holds and, if item conditions are
given, one goods item meets all of them (HS code, origin and value on the same item).
"""

from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from safelane.domain import Channel, FilingKind, Referral, TransportMode
from safelane.risk.profiles.patterns import problem as pattern_problem

Upper = Annotated[str, AfterValidator(str.upper)]
Country = Annotated[str, AfterValidator(str.upper), Field(pattern=r"^[A-Z]{2}$")]
HsPrefix = Annotated[str, Field(pattern=r"^\d{2,10}$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _control_list(value: str) -> str:
    from safelane.reference.strategic import in_force  # the tables load only when a profile names a list

    known = in_force().lists
    if value not in known:
        raise PydanticCustomError(
            "unknown_list", "no control list '{value}'; known: {known}", {"value": value, "known": ", ".join(known)}
        )
    return value


ControlListId = Annotated[str, AfterValidator(_control_list)]


def _regex(value: str) -> str:
    if (error := pattern_problem([value])) is not None:
        raise PydanticCustomError("bad_pattern", "not a valid RE2 pattern: {error}", {"error": error})
    return value


Pattern = Annotated[str, Field(min_length=1), AfterValidator(_regex)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyCondition(_Strict):
    roles: list[Literal["consignor", "consignee", "notify_party", "carrier", "declarant"]] = []  # empty: any
    name_matches: list[Pattern] = []  # case-insensitive regular expressions (RE2 syntax)
    identifiers: list[Upper] = []  # EORI, TIN, AEO, IMO ... values, any scheme
    country: list[Country] = []

    @model_validator(mode="after")
    def _something(self) -> "PartyCondition":
        if not (self.name_matches or self.identifiers or self.country):
            raise PydanticCustomError("empty_condition", "a party condition needs name_matches, identifiers or country")
        return self


class TimeWindow(_Strict):
    at: Literal["filed", "departure", "arrival"] = "filed"  # which moment of the consignment
    weekdays: list[Weekday] = []
    hours: Annotated[str, Field(pattern=r"^\d\d:\d\d-\d\d:\d\d$")] | None = None  # UTC; may wrap midnight

    def bounds(self) -> tuple[time, time] | None:
        if not self.hours:
            return None
        start, end = self.hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)


class Conditions(_Strict):
    # consignment conditions
    mode: list[TransportMode] = []
    office: list[Upper] = []
    loading_country: list[Country] = []
    unloading_country: list[Country] = []
    routing_country: list[Country] = []  # any routing country (loading country included)
    place_of_loading: list[Upper] = []
    place_of_unloading: list[Upper] = []
    party: list[PartyCondition] = []  # each must hold
    time_window: TimeWindow | None = None
    # none of these document types declared (e.g. N851, a phytosanitary certificate): what an agency asks for
    documents_missing: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,8}$")]] = []
    # goods item conditions (one item meets all)
    hs_prefix: list[HsPrefix] = []
    origin_country: list[Country] = []
    description_matches: list[Pattern] = []
    in_list: list[ControlListId] = []  # on a strategic goods control list (docs/strategic-goods.md), by list id
    currency: Upper | None = None  # the currency value thresholds are written in
    value_min: Annotated[float, Field(ge=0)] | None = None
    value_max: Annotated[float, Field(ge=0)] | None = None
    mass_min_kg: Annotated[float, Field(ge=0)] | None = None
    mass_max_kg: Annotated[float, Field(ge=0)] | None = None
    value_per_kg_min: Annotated[float, Field(ge=0)] | None = None
    value_per_kg_max: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _coherent(self) -> "Conditions":
        if not self.model_fields_set:
            raise PydanticCustomError("empty_condition", "a profile needs at least one condition")
        money = (self.value_min, self.value_max, self.value_per_kg_min, self.value_per_kg_max)
        if any(v is not None for v in money) and not self.currency:
            raise PydanticCustomError("currency_required", "value thresholds need the currency they are written in")
        for low, high in (
            ("value_min", "value_max"),
            ("mass_min_kg", "mass_max_kg"),
            ("value_per_kg_min", "value_per_kg_max"),
        ):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise PydanticCustomError("empty_range", "{low} is above {high}", {"low": low, "high": high})
        return self


class Outcome(_Strict):
    score: Annotated[float, Field(ge=0, le=100)] = 0
    referral: Referral | None = None  # the least PLACI referral a hit demands
    channel: Channel | None = None  # the least channel a hit demands

    # another border agency's requirement on a hit (docs/agencies.md): what the filer must do for that agency
    requirement: Literal["hold", "documents", "release", "refuse"] | None = None
    documents: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,8}$")]] = []  # codes, e.g. WCO DM N851

    @model_validator(mode="after")
    def _does_something(self) -> "Outcome":
        if not (self.score or self.referral or self.channel or self.requirement):
            raise PydanticCustomError(
                "empty_outcome", "an outcome needs a score, a referral, a channel or a requirement"
            )
        if self.documents and self.requirement != "documents":
            raise PydanticCustomError("documents_without_requirement", "documents need requirement: documents")
        if self.referral is Referral.ASSESSMENT_COMPLETE or self.channel is Channel.GREEN:
            raise PydanticCustomError("no_floor", "a profile can only raise a referral or channel, not lower it")
        return self


class Profile(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")]
    version: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=3, max_length=200)]
    owner: Annotated[str, Field(min_length=2, max_length=64)]  # the unit answerable for it
    # the border agency whose rule it is (docs/agencies.md); its hits carry it and make that agency's requirement
    agency: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")] = "customs"
    rationale: Annotated[str, Field(min_length=10)]  # why: shown to officers with every hit
    valid_from: date
    valid_to: date | None = None
    applies_to: list[FilingKind] = []  # empty: every kind of filing
    # True: its floor holds for trusted traders too (no documentary check instead of a physical inspection)
    applies_to_trusted: bool = False
    when: Conditions
    outcome: Outcome

    @model_validator(mode="after")
    def _dates(self) -> "Profile":
        if self.outcome.requirement and self.agency == "customs":
            raise PydanticCustomError("requirement_of_customs", "a requirement is another agency's: set agency")
        if self.valid_to and self.valid_to < self.valid_from:
            raise PydanticCustomError("validity_out_of_order", "valid_to is before valid_from")
        return self

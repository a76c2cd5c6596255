"""Selection under capacity: what an office can control today decides how far the score reaches.

`decide` gives the outcome findings and score call for as if capacity were unlimited; `allocate` fits a
batch of them to each office's daily capacity per kind of control (documentary, nii, physical, and
referral: the RFI/RFS/DNL follow-ups the targeting centre can handle), in this order:

1. mandatory: a finding's floor (a DNL, a profile that forces red) always passes and uses capacity;
2. risk: score-driven selections, highest score first, while capacity minus the exploration reserve
   remains; the rest fall to the least intrusive outcome that needs no capacity (blue or green,
   ASSESSMENT_COMPLETE), saying which capacity was reached;
3. random: a share of the channel consignments nobody selected is inspected anyway, regardless of
   capacity (it is the honest baseline that shows what the targeting misses), recorded as random;
4. exploration: of the rest, those the learned model is least sure of fill the exploration reserve.

The random and exploration draws are keyed (HMAC) by a secret: a consignment id is a plain hash of filer,
document number and reference, so an unkeyed draw would let a filer compute which of its consignments the
random sample takes. Keyed, the draw is still deterministic: a replay or amendment draws the same.

Pure: no I/O, no clock; the pipeline reads today's usage and the settings and stores what comes out.
"""

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from safelane.domain import Assessment, Channel, Decision, Lodgement, Problem, Referral
from safelane.risk.model import MODEL
from safelane.selection import facilitation
from safelane.selection.decide import floor_of, floor_reasons, inspection_of, named
from safelane.selection.policy import Policy

KINDS = ("documentary", "nii", "physical", "referral")
INSPECTIONS = ("documentary", "nii", "physical")  # kinds a channel consignment can be inspected by
SELECTIONS = ("mandatory", "risk", "random", "exploration")
NAMES = {
    "documentary": "documentary check",
    "nii": "non-intrusive inspection",
    "physical": "physical inspection",
    "referral": "referral follow-up",
}
OFFICE = re.compile(r"\*|[A-Z0-9]{2,17}")
MAX_CAPACITY = 1_000_000  # consignments per day and kind: beyond any office, and within every engine's integers


class InvalidSettings(ValueError):
    """Office settings that cannot be used; one located problem per defect."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.location}: {p.message}" for p in problems))


def _rate_problem(name: str, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        return Problem(name, "invalid_rate", f"{name} must be a number from 0 to 1 (0.01 is 1 %), not {value!r}")
    return None


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True)
class OfficeSettings:
    """What one office can control per day, and how much of it goes to sampling and exploration.

    `capacity` maps a kind to consignments per day; a kind left out is unlimited. `explore_rate` is the
    share of each limited kind's capacity held for exploration (an unlimited kind needs no reserve: risk
    never runs out of room, and exploration there would be unbounded, so it is off).
    """

    office: str = "*"
    capacity: Mapping[str, int] = field(default_factory=dict)
    random_rate: float = 0.01
    explore_rate: float = 0.05
    random_inspection: str = "physical"

    def __post_init__(self) -> None:
        if problems := self.problems():
            raise InvalidSettings(problems)

    def problems(self) -> list[Problem]:
        found = []
        if not isinstance(self.office, str) or not OFFICE.fullmatch(self.office):
            found.append(
                Problem(
                    "office", "invalid_office", "an office is '*' (the default) or 2 to 17 capital letters and digits"
                )
            )
        if not isinstance(self.capacity, Mapping):
            found.append(Problem("capacity", "invalid_capacity", "capacity maps a kind to consignments per day"))
        else:
            for kind, limit in self.capacity.items():
                if kind not in KINDS:
                    found.append(Problem(f"capacity.{kind}", "unknown_kind", f"kinds: {', '.join(KINDS)}"))
                elif isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_CAPACITY:
                    found.append(
                        Problem(
                            f"capacity.{kind}",
                            "invalid_capacity",
                            f"a capacity is a whole number of consignments per day up to {MAX_CAPACITY}, not {limit!r}",
                        )
                    )
        found += [
            p
            for p in (_rate_problem("random_rate", self.random_rate), _rate_problem("explore_rate", self.explore_rate))
            if p
        ]
        if self.random_inspection not in INSPECTIONS:
            found.append(
                Problem(
                    "random_inspection",
                    "unknown_kind",
                    f"the random sample is inspected by one of {', '.join(INSPECTIONS)}",
                )
            )
        return found

    def limit(self, kind: str) -> int | None:
        return self.capacity.get(kind)

    def reserve(self, kind: str) -> int:
        """Places of `kind` per day held for exploration (rounded half up); exploration inspects, so referral
        follow-ups hold none."""
        limit = self.limit(kind)
        return 0 if limit is None or kind not in INSPECTIONS else int(limit * self.explore_rate + 0.5)

    def as_dict(self) -> dict[str, Any]:
        return {
            "capacity": {k: self.capacity[k] for k in KINDS if k in self.capacity},
            "random_rate": self.random_rate,
            "explore_rate": self.explore_rate,
            "random_inspection": self.random_inspection,
        }

    @classmethod
    def from_dict(cls, office: str, data: Any) -> "OfficeSettings":
        """Settings as a client sends them; a field left out takes its default, None in capacity is unlimited."""
        if not isinstance(data, Mapping):
            raise InvalidSettings([Problem("$", "invalid_settings", "settings are a JSON object")])
        unknown = [
            Problem(key, "unknown_field", "unknown field")
            for key in data
            if key not in ("capacity", "random_rate", "explore_rate", "random_inspection")
        ]
        capacity = {} if data.get("capacity") is None else data["capacity"]
        if isinstance(capacity, Mapping):  # JSON has one number type: 20.0 is the whole number 20
            capacity = {k: _whole(v) for k, v in capacity.items() if v is not None}
        values = {k: data[k] for k in ("random_rate", "explore_rate", "random_inspection") if k in data}
        try:
            settings = cls(office, capacity, **values)
        except InvalidSettings as error:
            raise InvalidSettings(unknown + error.problems) from None
        if unknown:
            raise InvalidSettings(unknown)
        return settings


BUILT_IN = OfficeSettings("*", {}, random_rate=0.0)
"""Used when no office has settings at all: unlimited capacity and no random sample, i.e. exactly what the
score and findings call for. An installation turns the sample on by storing settings (`safelane offices set`),
whose random_rate defaults to 1 %; a built-in sample would silently inspect consignments nobody configured."""


@dataclass(frozen=True)
class Offices:
    """The stored settings by office; "*" stands for every office without a row of its own."""

    rows: Mapping[str, OfficeSettings] = field(default_factory=dict)

    def __call__(self, office: str | None) -> OfficeSettings:
        found = self.rows.get(office) if office else None
        return found or self.rows.get("*") or BUILT_IN


class Usage:
    """Capacity used: (office, kind, selection) -> consignments. Counted today by the store, then per batch."""

    def __init__(self, counts: Mapping[tuple[str | None, str, str], int] | None = None):
        self.counts: Counter[tuple[str | None, str, str]] = Counter(counts or {})
        self._totals: Counter[tuple[str | None, str]] = Counter()
        for (office, kind, _), n in self.counts.items():
            self._totals[(office, kind)] += n

    def total(self, office: str | None, kind: str) -> int:
        return self._totals[(office, kind)]

    def of(self, office: str | None, kind: str, selection: str) -> int:
        return self.counts[(office, kind, selection)]

    def add(self, office: str | None, kind: str, selection: str) -> None:
        self.counts[(office, kind, selection)] += 1
        self._totals[(office, kind)] += 1

    def copy(self) -> "Usage":
        return Usage(self.counts)


def draw(key: bytes, purpose: str, consignment_id: str) -> float:
    """A uniform number in [0, 1) fixed by the key and the consignment id (see the module docstring)."""
    digest = hmac.new(key, f"{purpose}:{consignment_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def model_probability(assessment: Assessment) -> float | None:
    """The learned model's probability of an irregularity, if a model assessed this consignment."""
    for finding in assessment.findings:
        if finding.assessor == MODEL and isinstance(finding.evidence.get("probability"), int | float):
            return float(finding.evidence["probability"])
    return None


class _Books:
    """Settings and usage of the batch's offices, with the room each kind of selection has left."""

    def __init__(self, settings_for: Callable[[str | None], OfficeSettings], used: Usage):
        self.settings_for = settings_for
        self.used = used.copy()

    def unused_reserve(self, office: str | None, kind: str) -> int:
        return max(self.settings_for(office).reserve(kind) - self.used.of(office, kind, "exploration"), 0)

    def risk_room(self, office: str | None, kind: str) -> float:
        limit = self.settings_for(office).limit(kind)
        if limit is None:
            return float("inf")
        return limit - self.unused_reserve(office, kind) - self.used.total(office, kind)

    def explore_room(self, office: str | None, kind: str) -> float:
        limit = self.settings_for(office).limit(kind)
        if limit is None:
            return 0
        return min(self.unused_reserve(office, kind), limit - self.used.total(office, kind))

    def mandatory(self, office: str | None, decision: Decision) -> Decision:
        """A mandatory selection passes whatever the capacity; a red one goes to nii if only nii has room."""
        kinds = _kinds_for(decision)
        kind = next((k for k in kinds if self.risk_room(office, k) > 0), kinds[0])
        self.used.add(office, kind, "mandatory")
        return replace(decision, inspection=kind)

    def reached(self, office: str | None, kinds: Sequence[str]) -> str:
        """'documentary check capacity at NLRTM reached (40 of 40 documentary checks today, 2 held for exploration)'."""
        settings = self.settings_for(office)
        parts = []
        for kind in kinds:
            held = self.unused_reserve(office, kind)
            part = f"{self.used.total(office, kind)} of {settings.limit(kind)} {NAMES[kind]}s today"
            parts.append(part + (f", {held} held for exploration" if held else ""))
        what = " and ".join(NAMES[k] for k in kinds)
        return f"{what} capacity at {office or 'an office not named'} reached ({'; '.join(parts)})"


def _kinds_for(decision: Decision) -> tuple[str, ...]:
    """Where a selection can go: a red one to physical, else to non-intrusive inspection if it has room."""
    assert decision.inspection is not None
    return ("physical", "nii") if decision.inspection == "physical" else (decision.inspection,)


def _released(
    decision: Decision, lodgement: Lodgement, assessment: Assessment, policy: Policy, reached: str
) -> Decision:
    """Over capacity: the floor the findings set if it needs control (mandatory), else no control at all."""
    floor = floor_of(lodgement, assessment, policy)
    if floor is not None and inspection_of(floor):
        reasons = floor_reasons(lodgement, assessment, floor, policy)
        basis = f"{reached}; {decision.basis}; {floor.value} as required by {named(reasons)}"
        return Decision(decision.answer, floor, basis, reasons, "mandatory", inspection_of(floor))
    if decision.answer == "referral":
        outcome: Referral | Channel = Referral.ASSESSMENT_COMPLETE
        instead = "assessment completed without follow-up"
    elif assessment.score >= policy.blue_score or floor is Channel.BLUE:
        outcome, instead = Channel.BLUE, "released blue for post-clearance audit"
    else:
        outcome, instead = Channel.GREEN, "released green"
    return Decision(decision.answer, outcome, f"{reached}; {decision.basis}; {instead}", decision.reasons)


def _inspected(kind: str) -> Channel:
    return Channel.YELLOW if kind == "documentary" else Channel.RED


def allocate(
    items: Sequence[tuple[Lodgement, Assessment]],
    decisions: Sequence[Decision],
    settings_for: Callable[[str | None], OfficeSettings],
    used: Usage,
    policy: Policy,
    key: bytes,
) -> list[Decision]:
    """The batch's final decisions under today's capacity; `used` is what earlier batches took today."""
    books = _Books(settings_for, used)
    out = list(decisions)
    offices = [lodgement.consignment.entry_office for lodgement, _ in items]  # whose capacity

    for i, decision in enumerate(decisions):  # 1. mandatory: always
        if decision.selection == "mandatory" and decision.inspection:
            out[i] = books.mandatory(offices[i], decision)

    risky = [i for i, d in enumerate(decisions) if d.selection == "risk" and d.inspection]
    for i in sorted(risky, key=lambda i: -items[i][1].score):  # 2. risk: highest score first
        kinds = _kinds_for(decisions[i])
        kind = next((k for k in kinds if books.risk_room(offices[i], k) > 0), None)
        if kind is None:
            lodgement, assessment = items[i]
            out[i] = _released(decisions[i], lodgement, assessment, policy, books.reached(offices[i], kinds))
            if out[i].selection == "mandatory":
                out[i] = books.mandatory(offices[i], out[i])
        else:
            out[i] = replace(decisions[i], inspection=kind)
            books.used.add(offices[i], kind, "risk")

    idle = [i for i, d in enumerate(out) if d.answer == "channel" and d.selection is None]
    sampled = set()
    for i in idle:  # 3. random: the compliance sample, regardless of capacity
        lodgement, assessment = items[i]
        settings = settings_for(offices[i])
        rate = facilitation.random_rate(settings.random_rate, assessment)  # a trusted trader's lower rate
        if rate and draw(key, "random", lodgement.consignment_id) < rate:
            kind = settings.random_inspection
            basis = (
                f"random compliance sample ({rate:.2%} of consignments at "
                f"{offices[i] or 'this office'}), whatever the risk; score {assessment.score:g}"
            )
            out[i] = Decision("channel", _inspected(kind), basis, (), "random", kind)
            books.used.add(offices[i], kind, "random")
            sampled.add(i)

    candidates = []  # 4. exploration: weighted draw (Efraimidis-Spirakis keys) by the model's uncertainty
    for i in idle:
        p = model_probability(items[i][1])
        if i not in sampled and p is not None and 0.0 < p < 1.0:
            weight = 4.0 * p * (1.0 - p) * facilitation.explore_factor(items[i][1])
            if weight > 0:
                candidates.append((draw(key, "explore", items[i][0].consignment_id) ** (1.0 / weight), i, p))
    for _, i, p in sorted(candidates, reverse=True):
        kind = next((k for k in ("physical", "nii", "documentary") if books.explore_room(offices[i], k) > 0), None)
        if kind is None:
            continue
        basis = (
            f"exploration: the learned model is unsure ({p:.0%} chance of an irregularity), so an "
            f"inspection teaches it most; score {items[i][1].score:g}"
        )
        model = tuple(f for f in items[i][1].findings if f.assessor == MODEL)
        out[i] = Decision("channel", _inspected(kind), basis, model, "exploration", kind)
        books.used.add(offices[i], kind, "exploration")
    return out

"""Value control: a declared value per kg or per package far below what others declare for the same goods.

Under-invoicing evades duty and VAT, and a value far below the going rate also hides goods that are not what
the description says. Each goods item's value, converted to euro at the ECB reference rate of its filing day,
is divided by its net mass (else gross) and by its packages, and set against the distribution of the same unit
value over the store's accepted declarations of the same HS subheading from the same origin (from any origin
while that pair has too little history; `value_history`). An item lying more than `SAFELANE_VALUATION_Z`
robust standard deviations below the median, on the log scale, is reported with its percentile and the
reference range. Too little history, or an item without HS code, value, mass or packages, is no finding.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safelane.domain import Finding, GoodsItem, Lodgement
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.risk.value_distribution import Sketch, Summary, middle
from safelane.risk.value_history import ANY_ORIGIN, MEASURES, Declared, Key, ValueHistory, declared
from safelane.settings import Settings

NAME = "valuation"
MIN_HISTORY = "SAFELANE_VALUATION_MIN_HISTORY"
LOW_Z = "SAFELANE_VALUATION_Z"
LOW, HIGH = 0.05, 0.95  # the reference range shown: 5th to 95th percentile
CHART_BINS = 24


@dataclass(frozen=True)
class ValuationPolicy:
    min_history: int = 30  # declarations of a subheading (and origin) before its distribution judges anyone
    low_z: float = 3.5  # robust standard deviations below the median (log scale) that make a value suspect
    base_score: float = 30.0  # at the threshold; each further standard deviation adds `per_sd`, up to `top_score`
    per_sd: float = 8.0
    top_score: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "ValuationPolicy":
        options = settings.options
        policy = cls(
            min_history=int(options.get(MIN_HISTORY) or cls.min_history),
            low_z=float(options.get(LOW_Z) or cls.low_z),
        )
        if policy.min_history < 1 or policy.low_z <= 0:
            raise ValueError(f"{MIN_HISTORY} must be at least 1 and {LOW_Z} above 0")
        return policy


def declared_of(item: GoodsItem, lodgement: Lodgement) -> Declared | None:
    """An item's unit values, as `value_history.declared_in` reads a stored one."""
    consignor = lodgement.consignment.consignor
    return declared(
        item.hs_code,
        item.value.amount if item.value else None,
        item.value.currency if item.value else None,
        item.net_mass_kg or item.gross_mass_kg,
        item.packages,
        item.origin_country or (consignor.country_code if consignor else None),
        lodgement.filed_at.date(),
    )


def _eur(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value >= 0.01 else f"{value:.2g}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _place(percentile: float) -> str:
    return "below the 1st percentile" if percentile < 1 else f"at the {_ordinal(round(percentile))} percentile"


def chart(summary: Summary, value: float) -> dict[str, Any]:
    """The distribution as `bins` of [from, to, declarations] in equal steps on the log scale, wide enough to show
    the declared value, and where (per cent across) the declared value and the reference range fall: what the
    evidence partial draws."""
    low = min(summary.quantile(0.005), value) / 1.05
    high = max(summary.quantile(0.995), value) * 1.05
    span = math.log(high / low)
    step = span / CHART_BINS
    counts = [0] * CHART_BINS
    for k, n in zip(summary.keys, summary.numbers, strict=True):
        at = middle(k)
        if low <= at <= high:
            counts[min(CHART_BINS - 1, int(math.log(at / low) / step))] += n
    edges = [low * math.exp(step * i) for i in range(CHART_BINS + 1)]

    def across(x: float) -> float:
        return round(100 * min(1.0, max(0.0, math.log(x / low) / span)), 2)

    return {
        "bins": [[_round(edges[i]), _round(edges[i + 1]), counts[i]] for i in range(CHART_BINS)],
        "declared_at": across(value),
        "low_at": across(summary.quantile(LOW)),
        "high_at": across(summary.quantile(HIGH)),
    }


def _round(value: float) -> float:
    return float(f"{value:.4g}")


class ValuationAssessor:
    name = NAME

    def __init__(
        self, history: Callable[[], Mapping[Key, Sketch]], policy: ValuationPolicy, version: Callable[[], str]
    ):
        self._history = history
        self.policy = policy
        self._version = version
        self._used = ""

    def _reference(self, sketches: Mapping[Key, Sketch], key: Key) -> tuple[Key, Summary] | None:
        """The distribution of the subheading from that origin, else from any origin, once it has enough history."""
        measure, hs6, origin = key
        for candidate in ((measure, hs6, origin), (measure, hs6, ANY_ORIGIN)) if origin else ((measure, hs6, origin),):
            sketch = sketches.get(candidate)
            if sketch is not None and sketch.count >= self.policy.min_history:
                return candidate, sketch.summary()
        return None

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        sketches = self._history()
        self._used = self._version()
        out: list[list[Finding]] = []
        for lodgement in lodgements:
            findings: list[Finding] = []
            for position, item in enumerate(lodgement.consignment.goods, start=1):
                found = declared_of(item, lodgement)
                if found is None:
                    continue
                # Per kg where the mass is given; per package only without one: a package may hold one phone or
                # twenty, so its value spreads too widely to judge by while the mass says more.
                measure = "kg" if "kg" in found.per else "package"
                value = found.per[measure]
                reference = self._reference(sketches, (measure, found.hs6, found.origin))
                if reference is None:
                    continue
                z = reference[1].robust_z(value)
                if z <= -self.policy.low_z:
                    findings.append(self._finding(lodgement, item, position, found, z, measure, value, *reference))
            out.append(findings)
        return out

    def _finding(
        self,
        lodgement: Lodgement,
        item: GoodsItem,
        position: int,
        found: Declared,
        z: float,
        measure: str,
        value: float,
        key: Key,
        summary: Summary,
    ) -> Finding:
        unit = MEASURES[measure]
        percentile = summary.percentile(value)
        low, high, median = summary.quantile(LOW), summary.quantile(HIGH), summary.median
        origin = key[2]
        group = f"HS {found.hs6}" + (f" from {origin}" if origin else " from any origin")
        sequence = item.sequence or position
        money = item.value
        assert money is not None  # `declared` gives nothing without a value
        mass = item.net_mass_kg or item.gross_mass_kg
        filed = f"{money.currency} {money.amount:,.2f} for " + (
            f"{mass:,.1f} kg" if measure == "kg" else f"{item.packages} package(s)"
        )
        text = (
            f"Item {sequence}: EUR {_eur(value)}/{measure} ({filed}) is {_place(percentile)} of {group} "
            f"(5th to 95th percentile EUR {_eur(low)} to {_eur(high)}/{measure}, median EUR {_eur(median)}/{measure}, "
            f"over {summary.count:,} declarations)"
        )
        score = min(self.policy.top_score, self.policy.base_score + self.policy.per_sd * (-z - self.policy.low_z))
        evidence: dict[str, Any] = {
            "item": sequence,
            "hs": found.hs6,
            "origin": found.origin or None,
            "compared_with": group,
            "unit": unit,
            "declared": _round(value),
            "declared_amount": money.amount,
            "declared_currency": money.currency,
            "declared_eur": round(found.eur, 2),
            "rate_date": lodgement.filed_at.date().isoformat(),
            "percentile": round(percentile, 2),
            "robust_z": round(z, 2),
            "low": _round(low),
            "median": _round(median),
            "high": _round(high),
            "declarations": summary.count,
            "chart": chart(summary, value),
        }
        return Finding(NAME, f"valuation:{found.hs6}:{measure}", round(score, 2), text, evidence)

    def refresh(self) -> None:
        """Read the rows stored since the last look on the next batch (a running server does within a second)."""
        refresh = getattr(self._history, "refresh", None)
        if refresh is not None:
            refresh()

    def versions(self) -> Mapping[str, str]:
        return {NAME: self._used} if self._used else {}


def _build(context: AssessorContext) -> ValuationAssessor | None:
    """The reference distributions are the store's own declarations: none without a database."""
    if context.db is None:
        return None
    history = ValueHistory(context.db)
    return ValuationAssessor(history, ValuationPolicy.from_settings(context.settings), lambda: history.version)


# No floors: an unusual value is a reason to look at the documents, weighed with everything else by the score.
SPEC = AssessorSpec(
    NAME, "Declared value", _build, order=50, settings=(MIN_HISTORY, LOW_Z), evidence="findings/valuation.html"
)

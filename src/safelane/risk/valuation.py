"""Value control: a declared value per kg or per package far below what others declare for the same goods.

Under-invoicing evades duty and VAT, and a value far below the going rate also hides goods that are not what
the description says. Each goods item's value, converted to euro at the ECB reference rate of its filing day,
is divided by its net mass (else gross; by its packages only when it gives no mass) and set against the
distribution of the same unit value over the store's accepted declarations of the same HS subheading from the
same origin (from any origin while that pair has too little history; `value_history`). An item lying more than
`SAFELANE_VALUATION_Z` robust standard deviations below the median, on the log scale, is reported with its
percentile and the reference range. Too little history, or an item without HS code, value, mass or packages, is
no finding.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from safelane.domain import Finding, GoodsItem, Lodgement, Party
from safelane.ids import new_id
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.risk.value_distribution import Sketch, Summary, middle
from safelane.risk.value_history import (
    ANY_ORIGIN,
    CHECKPOINT_ROWS,
    DEFAULT_CHECKPOINT_ROWS,
    MEASURES,
    Counted,
    Declared,
    Key,
    ValueHistory,
    declared,
)
from safelane.settings import Settings
from safelane.store.schema import consignments

if TYPE_CHECKING:
    from safelane.store.filings import Assessed

NAME = "valuation"
MIN_HISTORY = "SAFELANE_VALUATION_MIN_HISTORY"
LOW_Z = "SAFELANE_VALUATION_Z"
LOW, HIGH = 0.05, 0.95  # the reference range shown: 5th to 95th percentile
CHART_BINS = 24
MARGIN = 12.0  # per cent of the chart's width kept for a declared value far outside the distribution


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
        try:
            policy = cls(
                min_history=int(options.get(MIN_HISTORY) or cls.min_history),
                low_z=float(options.get(LOW_Z) or cls.low_z),
            )
        except ValueError:
            policy = cls(min_history=0)
        if policy.min_history < 1 or not policy.low_z > 0:
            raise ValueError(f"{MIN_HISTORY} must be a whole number of at least 1 and {LOW_Z} a number above 0")
        return policy


def declared_of(item: GoodsItem, consignor: Party | None, on_date: date) -> Declared | None:
    """A lodged item's unit values, as `value_history.declared_in` reads a stored one; the consignor's country is
    the origin when the item names none (looked up only then). Fields are read from the models' `__dict__`: a
    pydantic model sends every attribute read through its `__getattr__` hook, and this runs for every goods item."""
    fields = item.__dict__
    value = fields["value"]
    if value is None:
        return None
    money = value.__dict__
    return declared(
        fields["hs_code"],
        money["amount"],
        money["currency"],
        fields["net_mass_kg"] or fields["gross_mass_kg"],
        fields["packages"],
        fields["origin_country"] or (consignor.country_code if consignor is not None else None),
        on_date,
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


def chart(summary: Summary, value: float, measure: str) -> dict[str, Any]:
    """What the evidence partial draws, in per cent across: the declarations as `bars` ([x, width, count, title])
    in equal steps on the log scale from the 0.5th to the 99.5th percentile, the 5th-95th percentile range, and the
    declared value; one far outside the bars is drawn in a margin beyond a break in the axis (`gap_at`)."""
    low, high = summary.quantile(0.005) / 1.05, summary.quantile(0.995) * 1.05
    start, end, gap = 0.0, 100.0, None
    if value < low:
        start, gap = MARGIN, MARGIN / 2
    elif value > high:
        end, gap = 100.0 - MARGIN, 100.0 - MARGIN / 2
    span = math.log(high / low)
    step = span / CHART_BINS
    counts = [0] * CHART_BINS
    for k, n in zip(summary.keys, summary.numbers, strict=True):
        at = middle(k)
        if low <= at <= high:
            counts[min(CHART_BINS - 1, int(math.log(at / low) / step))] += n
    width = (end - start) / CHART_BINS

    def across(x: float) -> float:
        if x < low:
            return MARGIN / 4
        if x > high:
            return 100.0 - MARGIN / 4
        return round(start + (end - start) * math.log(x / low) / span, 2)

    def edge(i: int) -> str:
        return _eur(low * math.exp(step * i))

    bars = [
        [round(start + i * width, 3), round(0.9 * width, 3), n, f"EUR {edge(i)} to {edge(i + 1)}/{measure}: {n}"]
        for i, n in enumerate(counts)
        if n
    ]
    return {
        "bars": bars,
        "peak": max(counts),
        "gap_at": gap,
        "declared_at": across(value),
        "low_at": across(summary.quantile(LOW)),
        "high_at": across(summary.quantile(HIGH)),
        "declared_label": f"declared EUR {_eur(value)}/{measure}",
        "low_label": _eur(summary.quantile(LOW)),
        "high_label": _eur(summary.quantile(HIGH)),
    }


# the distribution an item is judged against: its key, its summary, and the summary's log median and spread
_Reference = tuple[Key, Summary, float, float]


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
        # the unit values of the last batch assessed, by consignment: `record` hands them to the history, which
        # then need not read them back (checked against the very lodgement, as the e-commerce assessor does)
        self._declared: dict[str, tuple[Lodgement, tuple[Declared, ...]]] = {}
        self._since = ""
        # the reference each (measure, HS-6, origin) judged gets, kept while the distributions stay as they are
        self._references: dict[Key, _Reference | None] = {}
        self._judged_against: Mapping[Key, Sketch] | None = None

    def _reference(self, sketches: Mapping[Key, Sketch], measure: str, hs6: str, origin: str) -> _Reference | None:
        """The distribution of the subheading from that origin, else from any origin, once it has enough history."""
        least = self.policy.min_history
        for key in ((measure, hs6, origin), (measure, hs6, ANY_ORIGIN)) if origin else ((measure, hs6, ANY_ORIGIN),):
            sketch = sketches.get(key)
            if sketch is not None and sketch.count >= least:
                summary = sketch.summary()
                return key, summary, summary.log_median, summary.spread
        return None

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        self._since = new_id("R")[:12]  # rows stored from this batch are made after this millisecond
        sketches = self._history()
        used = self._version()
        if used != self._used or sketches is not self._judged_against:
            # the distributions changed: the references found for the last batches no longer hold
            self._references.clear()
            self._used, self._judged_against = used, sketches
        references = self._references
        low_z = -self.policy.low_z
        out: list[list[Finding]] = []
        kept: dict[str, tuple[Lodgement, tuple[Declared, ...]]] = {}
        for lodgement in lodgements:
            findings: list[Finding] = []
            consignment = lodgement.consignment
            fields = consignment.__dict__  # not pydantic attribute reads (see `declared_of`)
            consignor = fields["consignor"]
            on_date = lodgement.filed_at.date()
            goods: list[Declared] = []
            for position, item in enumerate(fields["goods"], start=1):
                found = declared_of(item, consignor, on_date)
                if found is None:
                    continue
                goods.append(found)
                per_kg = found.per_kg  # judged per kg where the item gives a mass (`Declared.judged`)
                measure, value = ("kg", per_kg) if per_kg is not None else ("package", found.per_package or 0.0)
                wanted = (measure, found.hs6, found.origin)
                if wanted in references:
                    reference = references[wanted]
                else:
                    reference = references[wanted] = self._reference(sketches, *wanted)
                if reference is None:
                    continue
                key, summary, log_median, spread = reference
                z = (math.log(value) - log_median) / spread  # `Summary.robust_z`, its parts read once
                if z <= low_z:
                    findings.append(self._finding(lodgement, item, position, found, z, measure, value, key, summary))
            out.append(findings)
            kept[lodgement.consignment_id] = (lodgement, tuple(goods))
        self._declared = kept
        return out

    def record(self, conn: sa.Connection, stored: "Sequence[Assessed]") -> None:
        """Tell the history which rows the transaction storing `stored` writes, with their unit values: counted
        from memory once committed, instead of read back (other processes' rows still are). Reads the keys of
        the rows made since the batch was assessed (one index range, no document); a row missed (a clock set
        back) is simply read back later, and a history that cannot keep rows (a test's) reads everything back."""
        keep = getattr(self._history, "stored_here", None)
        if keep is None or not stored or not self._since:
            return
        wanted = {item.lodgement.consignment_id: item.lodgement for item in stored}
        columns = consignments.c.row_id, consignments.c.consignment_id, consignments.c.version
        rows: list[Counted] = []
        for row_id, consignment_id, version in conn.execute(sa.select(*columns).where(columns[0] >= self._since)):
            lodgement = wanted.get(consignment_id)
            # another process cannot have committed this version too: the store keeps one row per filing version
            if lodgement is not None and version == lodgement.version:
                rows.append(Counted(row_id, consignment_id, version, self._goods(lodgement)))
        keep(rows)

    def _goods(self, lodgement: Lodgement) -> tuple[Declared, ...]:
        known = self._declared.get(lodgement.consignment_id)
        if known is not None and known[0] is lodgement:
            return known[1]
        consignment = lodgement.consignment
        on_date = lodgement.filed_at.date()
        found = (declared_of(item, consignment.consignor, on_date) for item in consignment.goods)
        return tuple(d for d in found if d is not None)

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
            "place": _place(percentile),
            "chart": chart(summary, value, measure),
        }
        return Finding(NAME, f"valuation:{found.hs6}:{measure}", round(score, 2), text, evidence)

    def keep_time(self, clock: Callable[[], float]) -> None:
        """Look at the store by this clock (seconds) instead of the machine's: what is judged against what then
        follows the clock, not the machine's speed (the demo runs on simulated time)."""
        if isinstance(self._history, ValueHistory):
            self._history.clock = clock

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
    rows = context.settings.options.get(CHECKPOINT_ROWS) or str(DEFAULT_CHECKPOINT_ROWS)
    if not rows.isdigit():
        raise ValueError(f"{CHECKPOINT_ROWS} must be a whole number of rows (0: no checkpoints), got {rows!r}")
    history = ValueHistory(context.db, checkpoint_rows=int(rows))
    return ValuationAssessor(history, ValuationPolicy.from_settings(context.settings), lambda: history.version)


# No floors: an unusual value is a reason to look at the documents, weighed with everything else by the score.
SPEC = AssessorSpec(
    NAME,
    "Declared value",
    _build,
    order=50,
    settings=(MIN_HISTORY, LOW_Z, CHECKPOINT_ROWS),
    evidence="findings/valuation.html",
)

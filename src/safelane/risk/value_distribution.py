"""The distribution of declared unit values (EUR per kg, EUR per package) of one kind of goods, kept as a sketch.

Unit values of one HS subheading spread over orders of magnitude (a phone case and a phone share 8517 13), so
they are compared on a log scale. A sketch counts values in logarithmic buckets 2 % wide (`GROWTH`), like
DDSketch: adding or removing a declaration is one counter, memory grows with the spread of values and not with
their number, and any percentile is read to within 2 %. The robust centre and spread are the median and the
median absolute deviation of the log values (MAD), so a few wild declarations (the under-valued ones this check
is after among them) do not move the reference they are judged against.
"""

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

GROWTH = 1.02  # bucket k holds values in (GROWTH**(k-1), GROWTH**k]
_LOG_GROWTH = math.log(GROWTH)
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its standard deviation
LEAST_SPREAD = math.log(1.25)  # least standard deviation: identical declarations do not make every other one odd


def bucket(value: float) -> int:
    """The bucket of a positive value."""
    return math.ceil(math.log(value) / _LOG_GROWTH - 1e-9)


def middle(k: int) -> float:
    """The value a bucket stands for: the geometric middle of its bounds."""
    return GROWTH ** (k - 0.5)


@dataclass(frozen=True)
class Summary:
    """What a judgement needs of a sketch, computed once after it changed: sorted buckets, their counts, running
    counts, the median and MAD of the log values."""

    keys: list[int]
    numbers: list[int]  # declarations in keys[i]
    below: list[int]  # declarations in buckets before keys[i]
    count: int
    log_median: float
    log_mad: float

    def percentile(self, value: float) -> float:
        """Share of declarations below `value`, counting those in its own bucket as half below, in per cent."""
        k = bucket(value)
        i = bisect_left(self.keys, k)
        if i == len(self.keys):
            return 100.0
        same = self.numbers[i] if self.keys[i] == k else 0
        return 100.0 * (self.below[i] + same / 2) / self.count

    def quantile(self, share: float) -> float:
        """The value below which `share` (0-1) of the declarations lie, to within a bucket."""
        rank = min(self.count - 1, max(0, math.floor(share * self.count)))
        return middle(self.keys[bisect_right(self.below, rank) - 1])

    @property
    def median(self) -> float:
        return math.exp(self.log_median)

    @property
    def spread(self) -> float:
        """The robust standard deviation of the log values (at least `LEAST_SPREAD`)."""
        return max(MAD_TO_SIGMA * self.log_mad, LEAST_SPREAD)

    def robust_z(self, value: float) -> float:
        """How many robust standard deviations `value` lies from the median, on the log scale."""
        return (math.log(value) - self.log_median) / self.spread


class Sketch:
    """Counts of declared unit values per logarithmic bucket; add and remove as declarations come and are amended."""

    __slots__ = ("_summary", "count", "counts")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.count = 0
        self._summary: Summary | None = None

    def add(self, k: int, times: int = 1) -> None:
        """Count `times` more declarations in bucket k (negative to remove them)."""
        left = self.counts.get(k, 0) + times
        if left < 0:
            raise ValueError(f"bucket {k} holds {left - times} declarations; {-times} cannot be removed")
        if left:
            self.counts[k] = left
        else:
            self.counts.pop(k, None)
        self.count += times
        self._summary = None

    def summary(self) -> Summary:
        """Computed at most once per change, so judging many consignments against it costs a bisection each."""
        if self._summary is None:
            self._summary = summarise(self.counts)
        return self._summary


def _weighted_median(values: list[float], counts: list[int], total: int) -> float:
    """The median of `values` (sorted) each seen `counts` times; an even split lands between two values."""
    half, seen = total / 2, 0
    for i, (value, n) in enumerate(zip(values, counts, strict=True)):
        seen += n
        if seen > half:
            return value
        if seen == half:
            return (value + values[i + 1]) / 2
    raise ValueError("an empty distribution has no median")


def summarise(counts: dict[int, int]) -> Summary:
    if not counts:
        raise ValueError("an empty distribution has no summary")
    keys = sorted(counts)
    numbers = [counts[k] for k in keys]
    total = sum(numbers)
    centre = _weighted_median([float(k) for k in keys], numbers, total)
    deviations: dict[float, int] = {}
    for k, n in zip(keys, numbers, strict=True):
        deviations[abs(k - centre)] = deviations.get(abs(k - centre), 0) + n
    spread = sorted(deviations)
    mad = _weighted_median(spread, [deviations[d] for d in spread], total)
    # log of a bucket's middle is (k - 0.5) * log(GROWTH); deviations between buckets scale the same way
    return Summary(
        keys, numbers, [0, *accumulate(numbers)][:-1], total, (centre - 0.5) * _LOG_GROWTH, mad * _LOG_GROWTH
    )

"""The unit-value sketch: percentiles and quantiles to within a bucket, median and MAD on the log scale, edges."""

import math
import random

import pytest

from safelane.risk.value_distribution import GROWTH, LEAST_SPREAD, Sketch, bucket, middle, summarise


def sketch_of(values) -> Sketch:
    sketch = Sketch()
    for value in values:
        sketch.add(bucket(value))
    return sketch


def test_a_bucket_holds_values_within_two_per_cent():
    for value in (0.004, 0.8, 1.0, 45.0, 310.0, 12_345.0):
        k = bucket(value)
        assert GROWTH ** (k - 1) < value <= GROWTH**k * (1 + 1e-9)
        assert middle(k) == pytest.approx(value, rel=0.011)


def test_percentiles_match_the_declarations_to_within_a_bucket():
    rng = random.Random(5)
    values = [rng.lognormvariate(4.0, 0.6) for _ in range(5000)]
    summary = sketch_of(values).summary()
    for probe in (8.0, 30.0, 55.0, 120.0, 400.0):
        exact = 100 * sum(v < probe for v in values) / len(values)
        assert summary.percentile(probe) == pytest.approx(exact, abs=0.6)
    for share in (0.02, 0.05, 0.5, 0.95):
        exact = sorted(values)[int(share * len(values))]
        assert summary.quantile(share) == pytest.approx(exact, rel=0.021)
    assert summary.median == pytest.approx(math.exp(4.0), rel=0.05)
    assert 1.4826 * summary.log_mad == pytest.approx(0.6, rel=0.05)


def test_beyond_either_end():
    summary = sketch_of([10.0, 20.0, 40.0]).summary()
    assert summary.percentile(0.01) == 0.0
    assert summary.percentile(10_000.0) == 100.0
    assert summary.percentile(20.0) == pytest.approx(100 * 1.5 / 3)  # its own bucket counts half
    assert summary.quantile(0.0) == pytest.approx(10.0, rel=0.011)
    assert summary.quantile(1.0) == pytest.approx(40.0, rel=0.011)


def test_a_few_wild_declarations_do_not_move_the_reference():
    rng = random.Random(9)
    honest = [rng.lognormvariate(3.0, 0.4) for _ in range(200)]
    clean = sketch_of(honest).summary()
    spoiled = sketch_of([*honest, *[0.01] * 15]).summary()  # 7 % declared at almost nothing
    assert spoiled.median == pytest.approx(clean.median, rel=0.1)
    assert spoiled.log_mad == pytest.approx(clean.log_mad, rel=0.15)
    assert spoiled.robust_z(0.01) < -10


def test_an_even_count_has_its_median_between_the_middle_two():
    summary = sketch_of([10.0, 40.0]).summary()
    assert summary.median == pytest.approx(20.0, rel=0.02)  # geometric middle


def test_identical_declarations_have_a_least_spread():
    summary = sketch_of([25.0] * 50).summary()
    assert summary.log_mad == 0
    assert summary.robust_z(25.0) == pytest.approx(0.0, abs=0.01)
    assert summary.robust_z(25.0 * 1.25) == pytest.approx(1.0, abs=0.02)  # one least spread above
    assert LEAST_SPREAD > 0


def test_removing_a_declaration_undoes_adding_it():
    sketch = sketch_of([5.0, 7.0, 9.0])
    before = sketch.summary()
    sketch.add(bucket(100.0))
    assert sketch.summary().count == 4
    sketch.add(bucket(100.0), -1)
    assert sketch.summary() == before
    with pytest.raises(ValueError, match="cannot be removed"):
        sketch.add(bucket(100.0), -1)


def test_an_empty_distribution_has_no_summary():
    with pytest.raises(ValueError, match="empty"):
        summarise({})

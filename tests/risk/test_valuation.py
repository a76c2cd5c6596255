"""The valuation assessor on lodgements from the factories, against distributions given directly (the store's
history is tested in test_value_history.py): thresholds, minimum history, origin fallback, sparse items."""

import random
from datetime import date

import pytest

from safelane.reference.rates import to_eur
from safelane.risk.valuation import LOW_Z, MIN_HISTORY, NAME, ValuationAssessor, ValuationPolicy
from safelane.risk.value_distribution import Sketch, bucket
from safelane.risk.value_history import Key, declared
from safelane.settings import Settings
from tests.factories import air_consignment, lodgement

FILED = "2026-11-20T08:00:00Z"
PHONES = "851713"


def history(*groups: tuple[str, str, list[float]], measure: str = "kg") -> dict[Key, Sketch]:
    """Distributions as the store's history would hold them: (HS-6, origin, EUR per unit of each declaration)."""
    sketches: dict[Key, Sketch] = {}
    for hs6, origin, values in groups:
        for value in values:
            for key in ((measure, hs6, ""), (measure, hs6, origin)):
                sketches.setdefault(key, Sketch()).add(bucket(value))
    return sketches


def spread(count: int, median: float, sigma: float = 0.3, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [rng.lognormvariate(0, sigma) * median for _ in range(count)]


def phones(amount: float, currency: str = "EUR", **changes):
    given = {
        "goods__0__hs_code": PHONES,
        "goods__0__description": "Smartphones",
        "goods__0__value": {"amount": amount, "currency": currency},
        "goods__0__gross_mass_kg": 10.0,
    }
    return air_consignment(**{**given, **changes})


def judge(data, sketches, policy=ValuationPolicy()):
    assessor = ValuationAssessor(lambda: sketches, policy, lambda: "test history")
    [found] = assessor.assess([lodgement(data, filed_at=FILED)])
    return found


def test_a_value_far_below_the_subheading_from_that_origin_is_reported_with_percentile_and_range():
    sketches = history((PHONES, "CN", spread(1240, 300.0)))
    [finding] = judge(phones(8.0), sketches)  # EUR 0.80/kg against a median of EUR 300/kg
    assert finding.assessor == NAME
    assert finding.code == f"valuation:{PHONES}:kg"
    assert finding.explanation.startswith(
        f"Item 1: EUR 0.80/kg (EUR 8.00 for 10.0 kg) is below the 1st percentile of HS {PHONES} from CN "
        "(5th to 95th percentile EUR "
    )
    assert finding.explanation.endswith("over 1,240 declarations)")
    e = finding.evidence
    assert e["percentile"] == 0.0
    assert e["declarations"] == 1240
    assert e["low"] < e["median"] < e["high"]
    assert e["median"] == pytest.approx(300.0, rel=0.05)
    assert e["compared_with"] == f"HS {PHONES} from CN"
    c = e["chart"]
    assert sum(bar[2] for bar in c["bars"]) == pytest.approx(1240, abs=15)  # the outer 1 % may fall outside
    assert c["peak"] == max(bar[2] for bar in c["bars"])
    assert c["declared_at"] < c["gap_at"] < c["bars"][0][0] <= c["low_at"] < c["high_at"] <= 100  # far below: a break
    assert c["declared_label"] == "declared EUR 0.80/kg"
    assert e["place"] == "below the 1st percentile"
    assert finding.score == ValuationPolicy().top_score  # far beyond the threshold


def test_a_value_among_other_low_declarations_is_drawn_on_their_axis():
    sketches = history((PHONES, "CN", [*spread(200, 300.0), *[0.5] * 5]))  # a few declared as low before
    [finding] = judge(phones(8.0), sketches)
    c = finding.evidence["chart"]
    assert c["gap_at"] is None
    assert c["bars"][0][0] == 0.0 < c["declared_at"] < c["low_at"]
    assert c["bars"][0][2] == 5


def test_an_ordinary_value_is_no_finding():
    sketches = history((PHONES, "CN", spread(200, 300.0)))
    assert judge(phones(2500.0), sketches) == []  # EUR 250/kg
    assert judge(phones(30000.0), sketches) == []  # high values are not this check's business


def test_the_threshold_in_robust_standard_deviations():
    sketches = history((PHONES, "CN", [100.0] * 60))  # no spread: the least spread (a quarter) applies
    above, below = 100.0 * 1.25**-3.3, 100.0 * 1.25**-3.7
    assert judge(phones(10 * above), sketches) == []
    [finding] = judge(phones(10 * below), sketches)
    assert -3.8 < finding.evidence["robust_z"] < -3.5
    assert finding.score == pytest.approx(30.0 + 8.0 * (-finding.evidence["robust_z"] - 3.5), abs=0.05)
    assert judge(phones(10 * below), sketches, ValuationPolicy(low_z=4.0)) == []


def test_no_judgement_before_the_minimum_history():
    policy = ValuationPolicy(min_history=30)
    assert judge(phones(8.0), history((PHONES, "CN", spread(29, 300.0))), policy) == []
    assert len(judge(phones(8.0), history((PHONES, "CN", spread(30, 300.0))), policy)) == 1


def test_an_origin_with_too_little_history_is_compared_with_every_origin():
    sketches = history((PHONES, "CN", spread(10, 300.0)), (PHONES, "VN", spread(50, 280.0, seed=2)))
    [finding] = judge(phones(8.0), sketches)
    assert finding.evidence["compared_with"] == f"HS {PHONES} from any origin"
    assert finding.evidence["declarations"] == 60
    assert "of HS 851713 from any origin" in finding.explanation


def test_the_origin_falls_back_to_the_consignors_country():
    sketches = history((PHONES, "CN", spread(100, 300.0)), (PHONES, "US", spread(100, 3.0, seed=3)))
    # Without an origin the consignor's CN decides, so EUR 2/kg is odd; from the US it would be ordinary.
    [finding] = judge(phones(20.0, goods__0__origin_country=None), sketches)
    assert finding.evidence["compared_with"] == f"HS {PHONES} from CN"
    assert judge(phones(20.0, goods__0__origin_country="US"), sketches) == []


def test_per_package_when_the_item_gives_no_mass():
    sketches = history((PHONES, "CN", spread(100, 150.0)), measure="package")
    data = phones(10.0, goods__0__gross_mass_kg=None, goods__0__packages=10)  # EUR 1 per package
    [finding] = judge(data, sketches)
    assert finding.code == f"valuation:{PHONES}:package"
    assert finding.evidence["unit"] == "EUR/package"
    assert "(EUR 10.00 for 10 package(s))" in finding.explanation


def test_the_value_is_converted_at_the_rate_of_the_filing_day():
    sketches = history((PHONES, "CN", spread(100, 300.0)))
    [finding] = judge(phones(9.0, currency="USD"), sketches)
    eur = to_eur(9.0, "USD", date(2026, 11, 20))
    assert eur is not None
    assert finding.evidence["declared_eur"] == round(eur, 2)
    assert finding.evidence["declared"] == pytest.approx(eur / 10, rel=1e-3)
    assert finding.evidence["rate_date"] == "2026-11-20"


@pytest.mark.parametrize(
    "changes",
    [
        {"goods__0__value": None},
        {"goods__0__hs_code": None},
        {"goods__0__gross_mass_kg": None, "goods__0__packages": None},
        {"goods__0__value": {"amount": 0, "currency": "EUR"}},
        {"goods__0__value": {"amount": 8.0, "currency": "AED"}},  # no ECB rate
        {"goods__0__hs_code": "8517"},  # a heading, not a subheading
    ],
)
def test_a_sparse_item_simply_gets_no_finding(changes):
    sketches = history((PHONES, "CN", spread(100, 300.0)))
    data = phones(8.0)
    for key, value in changes.items():
        *path, leaf = key.split("__")
        target = data
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is None:
            target.pop(leaf)
        else:
            target[leaf] = value
    try:
        found = judge(data, sketches)
    except ValueError:  # the domain refuses it before any assessor sees it (e.g. a 4-digit code)
        return
    assert found == []


def test_no_history_at_all_is_no_finding_and_each_item_is_judged_alone():
    assert judge(phones(8.0), {}) == []
    sketches = history((PHONES, "CN", spread(100, 300.0)))
    ordinary = {"hs_code": PHONES, "description": "Phones", "gross_mass_kg": 5.0, "packages": 1, "origin_country": "CN"}
    data = phones(8.0)
    data["goods"].append({**ordinary, "sequence": 2, "value": {"amount": 1500.0, "currency": "EUR"}})
    data["goods"].append({**ordinary, "value": {"amount": 1.0, "currency": "EUR"}})
    data["goods"][0]["sequence"] = 1
    found = judge(data, sketches)
    assert [f.evidence["item"] for f in found] == [1, 3]  # no sequence: its place in the list


def test_declared_needs_a_rated_positive_value_and_a_unit():
    assert declared(PHONES, 10.0, "EUR", None, None, "CN", date(2026, 1, 5)) is None
    found = declared(PHONES, 10.0, "EUR", 2.0, 5, "CN", date(2026, 1, 5))
    assert found is not None
    assert found.per == {"kg": 5.0, "package": 2.0}


def test_settings_and_versions():
    policy = ValuationPolicy.from_settings(Settings(options={MIN_HISTORY: "12", LOW_Z: "2.5"}))
    assert (policy.min_history, policy.low_z) == (12, 2.5)
    assert ValuationPolicy.from_settings(Settings()) == ValuationPolicy()
    for wrong in ({MIN_HISTORY: "0"}, {MIN_HISTORY: "many"}, {LOW_Z: "-1"}, {LOW_Z: "nan"}):
        with pytest.raises(ValueError, match=MIN_HISTORY):
            ValuationPolicy.from_settings(Settings(options=wrong))
    assessor = ValuationAssessor(lambda: {}, ValuationPolicy(), lambda: "7 declarations to R1")
    assert assessor.versions() == {}
    assessor.assess([lodgement(phones(8.0))])
    assert assessor.versions() == {NAME: "7 declarations to R1"}

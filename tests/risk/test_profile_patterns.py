"""Profile patterns run in linear time (RE2): a filer's name cannot stall a backtest or an assessment."""

import subprocess
import sys
import textwrap
from itertools import count

import pytest
import re2

from safelane.risk.profiles import ProfileError, load_text
from safelane.risk.profiles.backtest import backtest
from safelane.risk.profiles.patterns import PatternSet
from tests.factories import air_consignment, lodgement
from tests.risk.test_profiles import profile

EVIL = "^(a+)+$"  # exponential on a backtracking engine: 2 s at 26 characters, doubling with each one more


@pytest.mark.parametrize(
    ("when", "location"),
    [
        ("party: [{name_matches: ['(a)\\1']}]", "<profile>:8 when.party[0].name_matches[0]"),  # backreference
        ("description_matches: ['toys', '(?<=x)y']", "<profile>:8 when.description_matches[1]"),  # lookbehind
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_where_it_was_written(when, location):
    with pytest.raises(ProfileError) as caught:
        load_text(profile(when))
    assert [(p.location, p.code) for p in caught.value.problems] == [(location, "bad_pattern")]


def test_a_pattern_too_big_for_its_memory_is_refused():
    with pytest.raises(ProfileError) as caught:
        load_text(profile("description_matches: ['\\pL{1000}']"))
    assert [(p.location, p.code) for p in caught.value.problems] == [
        ("<profile>:8 when.description_matches[0]", "bad_pattern")
    ]


def test_a_backtracking_pattern_on_a_long_filer_supplied_name_answers_at_once():
    """In a child process, so a regression to a backtracking engine fails on the timeout instead of hanging."""
    script = textwrap.dedent(f"""
        from safelane.risk.profiles import compile_profile, load_text
        from tests.factories import air_consignment, lodgement
        from tests.risk.test_profiles import profile
        compiled = compile_profile(load_text(profile("party: [{{name_matches: ['{EVIL}']}}]")))
        named = air_consignment(consignee={{"name": "a" * 60 + "!", "address": {{"country": "DE"}}}})
        print(compiled.match(lodgement(named)))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "None", done.stderr


def test_the_pattern_still_hits_what_it_describes():
    compiled = load_text(profile(f"party: [{{name_matches: ['{EVIL}']}}]"))
    named = air_consignment(consignee={"name": "AAAA", "address": {"country": "DE"}})
    assert backtest(compiled, [[lodgement(named)]]).hits == 1


def test_a_backtest_stops_at_its_time_limit_and_says_so():
    text = load_text(profile("mode: [air]"))
    ticks = count()  # one second per look at the clock
    report = backtest(text, [[lodgement()] * 10] * 10, seconds=3, clock=lambda: float(next(ticks)))
    assert (report.hits, report.stopped_early) == (4, True)


def test_a_backtest_within_its_time_limit_reads_everything():
    text = load_text(profile("mode: [air]"))
    ticks = count()
    report = backtest(text, [[lodgement()] * 10] * 10, seconds=1000, clock=lambda: float(next(ticks)))
    assert (report.hits, report.stopped_early) == (100, False)


def test_a_pattern_set_answers_which_profiles_patterns_hit_a_text():
    names = PatternSet()
    falcon, star = names.add([r"falcon\s+trading"]), names.add(["nothing here", r"\bstar\b"])
    assert names.hits("FALCON  Trading LLC") == {falcon}
    assert names.hits("Falcon Star Trading") == {star}  # each profile's patterns, any of them
    late = names.add(["llc$"])  # a set grown after a search searches again, not from its cache
    assert names.hits("FALCON  Trading LLC") == {falcon, late}
    with pytest.raises(re2.error):
        names.add(["(?<=lookbehind)"])

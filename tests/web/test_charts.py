"""Charts: round gridline values, SVG that keeps its text size, small shares that stay readable."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safelane.service.web.charts import Bar, bars, hbars, nice_ticks, number, stacked


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (2950, [0, 1000, 2000, 3000]),
        (7, [0, 2, 4, 6, 8]),
        (100, [0, 25, 50, 75, 100]),
        (1000, [0, 250, 500, 750, 1000]),
        (3, [0, 1, 2, 3]),
        (1, [0, 1]),
        (0.2, [0, 1]),  # counts: never a step below one
        (0, [0, 1]),
        (12_345, [0, 5000, 10_000, 15_000]),
    ],
)
def test_ticks_of_counts_are_round_whole_numbers(peak: float, ticks: list[float]) -> None:
    assert nice_ticks(peak) == ticks


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (1.3, [0, 0.5, 1, 1.5]),
        (0.009, [0, 0.0025, 0.005, 0.0075, 0.01]),
    ],
)
def test_ticks_may_be_fractions_where_asked(peak: float, ticks: list[float]) -> None:
    assert nice_ticks(peak, whole=False) == ticks


@given(st.floats(min_value=1e-6, max_value=1e12))
def test_ticks_cover_the_peak_in_a_few_round_steps(peak: float) -> None:
    ticks = nice_ticks(peak, whole=False)
    step = ticks[1]
    mantissa = round(step / 10 ** math.floor(math.log10(step)), 9)
    assert ticks[0] == 0
    assert ticks[-1] >= peak * (1 - 1e-9)  # within a rounding error
    assert ticks[-2] < peak
    assert 2 <= len(ticks) - 1 <= 4
    assert mantissa in (1, 2, 2.5, 5)


def test_numbers_read_as_an_officer_reads_them() -> None:
    assert number(12_000) == "12,000"
    assert number(2.5) == "2.5"
    assert number(36.64) == "36.6"


def svg_texts(markup: str, css_class: str) -> list[str]:
    return re.findall(rf'<text class="{css_class}"[^>]*>([^<]*)</text>', markup)


def test_the_svg_has_no_viewbox_so_its_text_does_not_scale() -> None:
    markup = str(bars("Hits per day", [("11-30", 3), ("12-01", 5)]))
    assert "viewBox" not in markup
    assert 'height="222"' in markup


def test_columns_stand_on_round_gridlines() -> None:
    markup = str(bars("Hits per day", [("11-30", 3), ("12-01", 7)]))
    assert svg_texts(markup, "tick")[:5] == ["0", "2", "4", "6", "8"]
    assert markup.count('class="grid"') == 5


def test_each_column_shows_its_value_on_hover_or_focus() -> None:
    markup = str(bars("Hits per day", [("11-30", 3), ("12-01", 7)]))
    assert svg_texts(markup, "tip") == ["11-30: 3", "12-01: 7"]
    assert re.findall(r'<g class="mark" tabindex="(-?\d)"', markup) == ["0", "-1"]  # one tab stop per chart


def test_many_columns_are_labelled_every_few() -> None:
    markup = str(bars("Hits per day", [(f"d{i}", i) for i in range(30)]))
    assert [t for t in svg_texts(markup, "tick") if t.startswith("d")] == [f"d{i}" for i in range(0, 30, 3)]
    assert len(svg_texts(markup, "tip")) == 30


def test_stacked_columns_name_every_series_in_the_tip_and_the_legend() -> None:
    markup = str(stacked("Filed", ["13:00"], [("air", [12]), ("sea", [3])]))
    assert svg_texts(markup, "tip") == ["13:00: air 12 · sea 3 · total 15"]
    assert '<span class="swatch s1"></span>sea</li>' in markup
    assert markup.count('class="bar s') == 2


def test_a_small_share_keeps_its_row_its_count_and_a_visible_bar() -> None:
    rows = [Bar("ASSESSMENT_COMPLETE", 2950, "2,950 · 99.4 %"), Bar("RFI", 12, "12 · 0.4 %"), Bar("DNL", 0, "0 · 0 %")]
    markup = str(hbars("Referral mix", rows))
    assert svg_texts(markup, "name") == ["ASSESSMENT_COMPLETE", "RFI", "DNL"]
    assert svg_texts(markup, "value") == ["2,950 · 99.4 %", "12 · 0.4 %", "0 · 0 %"]
    assert '<rect class="bar s0" x="0" y="59" width="2" height="14"/>' in markup  # RFI: 0.4 % of the axis
    assert markup.count('<rect class="bar') == 4  # two for each non-zero row, none for DNL


def test_horizontal_bars_have_round_gridlines_in_their_unit() -> None:
    markup = str(
        hbars("Hit rate", [Bar("targeted", 36.6, "36.6 %", low=30.1, high=43.0)], tick=lambda v: f"{number(v)} %")
    )
    assert svg_texts(markup, "tick") == ["0 %", "20 %", "40 %", "60 %"]
    assert '<g class="interval"><line x1="50.167%" x2="71.667%"' in markup


def test_a_long_label_is_shortened_and_kept_whole_in_the_title() -> None:
    name = "Counterfeit pharmaceutical products, tablets and capsules"
    markup = str(hbars("Seizures", [Bar(name, 2, "2")]))
    assert svg_texts(markup, "name") == [name[:35] + "…"]
    assert f"<title>{name}: 2</title>" in markup


def test_an_empty_figure_says_so() -> None:
    assert "Nothing to draw in this window." in str(hbars("Seizures", []))

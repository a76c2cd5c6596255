"""Dashboard and backtest charts in Chromium, at 1366 and 800 pixels wide: labels of at least 11 px, every
referral outcome readable, a column's value on hover and on keyboard focus, and nothing scrolling sideways.
Screenshots: test-artifacts/browser/charts-<page>-<width>.png."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS, Served, sign_in

WIDTHS = (1366, 800)
SMALLEST_TEXT = 11  # pixels, at every width

# Per text element of every chart on the page: its computed font size and its drawn height, in CSS pixels.
TEXT_SIZES = """() => Array.from(document.querySelectorAll("svg.chart text"))
  .filter(t => getComputedStyle(t).visibility === "visible")
  .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize), t.getBoundingClientRect().height])"""


def shot(page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"charts-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_labels_keep_their_size_at_every_width(page, served: Served, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(page, "sam")
    page.goto("/dashboard")
    shot(page, "dashboard", width)
    sizes = page.evaluate(TEXT_SIZES)
    assert len(sizes) > 50  # every chart's ticks, labels and values
    assert [s for s in sizes if s[1] < SMALLEST_TEXT] == []  # font size
    assert [s for s in sizes if s[2] < SMALLEST_TEXT] == []  # as drawn: a scaled drawing would shrink it
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_backtest_labels_keep_their_size_at_every_width(page, served: Served, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(page, "sam")
    page.goto("/profiles/AIR-TONER-YE/backtest")
    shot(page, "backtest", width)
    sizes = page.evaluate(TEXT_SIZES)
    # The window ends at the newest stored filing (the worked filings, filed now), so how many days it draws
    # depends on the calendar; at least the zero tick, one count tick and one day label are always there.
    assert len(sizes) >= 3
    assert [s for s in sizes if s[2] < SMALLEST_TEXT] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_every_referral_outcome_has_a_row_with_its_count(page, served: Served) -> None:
    sign_in(page, "sam")
    page.goto("/dashboard")
    chart = page.locator("section#referrals svg.chart")
    assert chart.locator("text.name").all_text_contents() == ["ASSESSMENT_COMPLETE", "RFI", "RFS", "DNL"]
    counts = [value.split(" · ")[0] for value in chart.locator("text.value").all_text_contents()]
    cells = page.locator("section#referrals tbody tr td:nth-child(2)").all_inner_texts()
    assert counts == cells  # the chart writes the table's counts
    assert "0" not in counts[1:]  # the day has RFIs, RFSs and DNLs, small beside the completed ones


def test_a_column_shows_its_value_on_hover_and_on_focus(page, served: Served) -> None:
    sign_in(page, "sam")
    page.goto("/dashboard")
    marks = page.locator("section#filings svg.chart .mark")
    tips = page.locator("section#filings svg.chart .tip")
    assert not tips.nth(3).is_visible()
    marks.nth(3).locator(".slot").hover()
    assert tips.nth(3).is_visible()
    assert tips.nth(3).text_content() == marks.nth(3).get_attribute("aria-label")
    page.mouse.move(0, 0)
    marks.first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == marks.nth(1).get_attribute(
        "aria-label"
    )
    assert tips.nth(1).is_visible()
    assert marks.nth(1).get_attribute("tabindex") == "0"  # the one tab stop moved with the focus
    shot(page, "dashboard-focus", 1366)


def test_dashboard_shows_the_joint_inspection_measures_the_api_gives(page, served: Served) -> None:
    """Customs' dashboard and GET /v1/inspections, for the same three days, give the same inspections saved by
    joining and the same arrival-to-release rows (the session's plant health inspection among them)."""
    first = datetime.now(UTC).date() - timedelta(days=1)  # from yesterday: the fixture's day even past midnight
    last = first + timedelta(days=3)
    answer = httpx.get(
        f"{served.url}/v1/inspections",
        params={"from": first.isoformat(), "days": 4},
        headers={"Authorization": f"Bearer {served.keys['sam']}"},
        timeout=60,
    )
    measures = answer.json()["measures"]
    assert answer.status_code == 200 and measures["inspections"] >= 1
    sign_in(page, "sam")
    page.goto(f"/dashboard?from={first.isoformat()}&to={last.isoformat()}")
    section = page.locator("section#inspection-measures")
    text = " ".join(section.locator("p").first.inner_text().split())
    assert text.startswith(f"{measures['inspections']} inspection") and f"{measures['saved']} saved." in text
    rows = section.locator("tbody tr")
    assert rows.count() == max(1, len(measures["arrival_to_release"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

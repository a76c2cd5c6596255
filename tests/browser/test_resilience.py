"""The TRS page and the resilience dashboard in Chromium: the figures and charts render, the nav reaches them
(TRS through the dashboard), nothing scrolls sideways at 1366 pixels and nothing leaves this server.
Screenshots: test-artifacts/browser/."""

from tests.browser.conftest import ARTIFACTS, Served, sign_in
from tests.browser.test_access import no_external_requests


def test_trs_page_shows_segments_published_figures_and_daily_charts(page, served: Served) -> None:
    sign_in(page, "sam")
    page.wait_for_url("**/queue")
    page.get_by_role("link", name="Resilience").click()  # the study opens from the resilience dashboard
    page.get_by_role("link", name="the full study").click()
    page.wait_for_url("**/trs")
    assert page.get_by_role("heading", name="Time Release Study").is_visible()
    assert page.get_by_role("heading", name="Against the published studies").is_visible()
    assert page.get_by_role("cell", name="IN NTRS 2023 (CBIC)").first.is_visible()
    assert page.locator("svg.chart.columns").count() == 2
    first = page.locator("table.rows tbody tr").first.inner_text()
    assert first.startswith("all")  # the worked filings of today are in the window
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trs-page.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    no_external_requests(served)


def test_resilience_dashboard_shows_backlog_and_baseline(page, served: Served) -> None:
    sign_in(page, "sam")
    page.wait_for_url("**/queue")
    page.get_by_role("link", name="Resilience").click()
    page.wait_for_url("**/resilience")
    for heading in ("Disruptions not ended", "Backlog per office and tier", "Clearance forecast",
                    "Release times now against the baseline"):  # fmt: skip
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    assert page.locator("svg.chart.columns").count() == 1
    assert page.get_by_text("No disruption declared").is_visible()
    backlog = page.locator("section[aria-labelledby=backlog-title] table tbody tr").all_inner_texts()
    assert any(row.startswith("BEANR") for row in backlog)  # the generated day has open BEANR cases
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "resilience-page.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    no_external_requests(served)

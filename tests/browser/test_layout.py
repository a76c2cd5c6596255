"""In the browser at 1366x768: the queue keeps each row on one line, and the offices page is one compact table."""

from tests.browser.conftest import ARTIFACTS, Served, sign_in


def test_queue_rows_do_not_wrap(page, served: Served) -> None:
    sign_in(page, "olga")
    page.wait_for_url("**/queue")
    heights = page.locator("table.queue tbody tr").evaluate_all("rows => rows.map(r => r.offsetHeight)")
    line = page.locator("table.queue tbody td").first.evaluate(
        "td => parseFloat(getComputedStyle(td).lineHeight) + parseFloat(getComputedStyle(td).paddingTop)"
        " + parseFloat(getComputedStyle(td).paddingBottom)"
    )
    assert heights and max(heights) <= line + 4, (max(heights), line)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(ARTIFACTS / "layout-queue.png"))


def test_the_offices_page_is_one_table_that_fits_a_screen_or_two(page, served: Served) -> None:
    sign_in(page, "sam")
    page.goto("/offices")
    assert page.locator("table.offices").count() == 1
    assert page.evaluate("document.documentElement.scrollHeight") <= 2 * 768
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "layout-offices.png"), full_page=True)

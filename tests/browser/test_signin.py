"""In the browser: sign-in, keyboard use, no request leaves the server."""

from tests.browser.conftest import Served, sign_in


def test_an_officer_signs_in_and_lands_on_the_queue(page, served: Served) -> None:
    page.goto("/queue")
    assert "/signin" in page.url  # not signed in yet
    sign_in(page, "olga")
    assert page.url.endswith("/queue")
    assert page.get_by_role("heading", name="Queue").is_visible()
    assert all(url.startswith(served.url) for url in served.requests), served.requests


def test_a_filer_gets_no_workbench(page, served: Served) -> None:
    sign_in(page, "acme")
    assert page.get_by_role("alert").inner_text() == "The workbench is for customs and border agency officers."
    page.goto("/queue")
    assert "/signin" in page.url


def test_keyboard_alone_signs_in_and_reaches_the_navigation(page, served: Served) -> None:
    page.goto("/signin")
    assert page.evaluate("document.activeElement.name") == "name"  # the name field has the focus
    page.keyboard.type("olga")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue")
    page.keyboard.press("Tab")  # the skip link comes first on every page
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    stops = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent"))
    assert stops == ["safelane", "Queue", "Dashboard", "Profiles", "Seizures", "Offices"]

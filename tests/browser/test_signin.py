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
    assert page.get_by_role("alert").inner_text() == "The workbench is for customs officers."
    page.goto("/queue")
    assert "/signin" in page.url


def test_the_keyboard_reaches_the_sign_in_form_and_the_navigation(page, served: Served) -> None:
    page.goto("/signin")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Name").fill("olga")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue")
    focusable = page.evaluate("Array.from(document.querySelectorAll('nav a')).map(a => a.textContent)")
    assert focusable == ["Queue", "Dashboard", "Profiles", "Seizures", "Offices"]

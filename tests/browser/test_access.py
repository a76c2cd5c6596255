"""In the browser: who may open what (a filer nothing, an officer their own office), and the keyboard at the queue.

The sign-in refusal of a filer is in test_signin.py; here the filer goes straight to a consignment's address.
Nothing here changes a decision, so the journey's steps find the store as they expect, whichever runs first.
"""

from tests.browser.conftest import Served, sign_in

RED = "MSCU7654321"  # filed at NLRTM
DNL = "HAWB-TONER-1"  # filed at DEFRA


def no_external_requests(served: Served) -> None:
    assert served.requests and all(url.startswith(served.url) for url in served.requests), served.requests


def test_a_filers_credential_opens_no_consignment(page, served: Served) -> None:
    sign_in(page, "acme")  # ACME filed both worked consignments itself
    assert page.get_by_role("alert").inner_text() == "The workbench is for customs and border agency officers."
    for path in (
        f"/consignments/{served.consignments[DNL]}",
        f"/consignments/{served.consignments[RED]}/outcome",
        "/seizures?format=csv",
    ):
        page.goto(path)
        assert "/signin" in page.url, path
        assert page.get_by_label("Password").is_visible()
        assert DNL not in page.content()
        assert RED not in page.content()
    assert not [c for c in page.context.cookies() if c["name"] == "safelane_session"]
    no_external_requests(served)


def test_an_officer_at_one_office_sees_only_that_office(page, served: Served) -> None:
    sign_in(page, "pieter")
    page.wait_for_url("**/queue")
    assert "open at BEANR" in page.get_by_role("heading", name="Queue").inner_text()
    offices = page.locator("table.queue tbody tr td:nth-child(7)").all_inner_texts()
    assert offices
    assert set(offices) == {"BEANR"}  # the generated day has BEANR cases, and nothing else shows
    shown = page.locator("table.queue tbody tr td:first-child a").all_inner_texts()
    assert RED not in shown
    assert DNL not in shown

    response = page.goto("/queue?office=NLRTM")  # asking for another office by the address changes nothing
    assert response is not None
    assert response.status == 422
    assert page.get_by_text("You see BEANR only.").is_visible()
    assert RED not in page.locator("table.queue").inner_text()

    for path in (f"/consignments/{served.consignments[RED]}", f"/consignments/{served.consignments[RED]}/outcome"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path  # as if there were no such consignment
        assert page.get_by_role("heading", name="Not found").is_visible()
        assert "NLRTM" not in page.get_by_role("alert").inner_text()
        assert "Falcon Star" not in page.content()  # none of the case file leaks onto the refusal
    no_external_requests(served)


def test_j_and_k_move_through_the_queue_and_enter_opens_the_consignment(page, served: Served) -> None:
    sign_in(page, "olga")
    page.wait_for_url("**/queue")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() >= 2
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("table.queue tbody tr.selected").count() == 1
    assert "selected" in (rows.nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    assert "selected" in (rows.nth(0).get_attribute("class") or "")
    assert page.locator("table.queue tbody tr.selected").count() == 1
    first = rows.nth(0).get_by_role("link")
    reference, target = first.inner_text(), first.get_attribute("href")
    assert page.evaluate("document.activeElement.textContent") == reference
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    assert page.get_by_role("heading", name=f"Consignment {reference}").is_visible()
    no_external_requests(served)


def _focus_until(page, test: str, limit: int) -> int:
    """Press Tab until the script `test` holds for the focused element; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return presses
    raise AssertionError(f"{limit} presses of Tab did not reach {test}")


def test_tab_reaches_the_actions_and_a_note_is_added_by_keyboard(page, served: Served) -> None:
    sign_in(page, "olga")
    page.goto(f"/consignments/{served.consignments[RED]}")
    presses = _focus_until(page, "el.getAttribute('href') === '#actions'", 16)  # the jump links come first
    assert presses <= 15  # the header (its links, Inspections and Traders among them, the audit status), the jumps
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#actions form') !== null")
    _focus_until(page, "el.name === 'text' && el.form.getAttribute('aria-label') === 'Add a note'", 30)
    page.keyboard.type("Keyboard only: container sealed, seal number checked.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add note"
    page.keyboard.press("Enter")
    page.wait_for_url("**?done=note*")
    assert page.get_by_role("status").inner_text() == "Note added."
    assert "Keyboard only: container sealed" in page.locator("#case").inner_text()
    no_external_requests(served)

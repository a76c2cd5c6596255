"""In the browser: plant health's officer signs in, finds the bananas its agency holds in its queue, opens them
and records its own inspection result in its own codes; customs' pages are refused with a clear page."""

from tests.browser.conftest import PLANT_RULE, PLANTS, Served, sign_in

RED = "MSCU7654321"  # customs' red consignment (bananas too, so in plant health's scope), held by no agency
DNL = "HAWB-TONER-1"  # printer toner at DEFRA: outside plant health's competence and pia's office


def test_an_agency_officer_works_its_queue_to_a_recorded_result(page, served: Served) -> None:
    sign_in(page, "pia")
    page.wait_for_url("**/queue")
    nav = page.get_by_role("navigation", name="Workbench")
    assert nav.get_by_role("link").all_inner_texts() == ["Queue", "Dashboard", "Profiles", "Inspections"]
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and RED not in page.content()
    assert "Bananas from Ecuador: plant health inspects" in rows.first.inner_text()

    rows.first.get_by_role("link", name=PLANTS).click()
    page.wait_for_url(f"**/consignments/{served.consignments[PLANTS]}")
    section = page.locator("#inspection")
    assert "plant health\tpending" in section.inner_text() and "Held by" in section.inner_text()
    assert page.locator("#actions").count() == 0  # customs' actions are not an agency's
    page.get_by_role("link", name="Record your agency's result").first.click()

    page.get_by_label("Compliant, no pest found").check()
    page.get_by_label("Note").fill("Fruit clean, no pest found on sampled boxes")
    page.get_by_role("button", name="Record result").click()
    page.wait_for_url("**?done=result#inspection")
    assert page.get_by_role("status").first.inner_text() == "Your agency's inspection result was recorded."
    recorded = page.locator("#inspection tbody tr.mine").inner_text()
    assert "compliant" in recorded and "pia" in recorded and "Fruit clean" in recorded

    page.goto("/queue")
    assert page.locator("table.queue tbody tr").count() == 0  # released by plant health: nothing waits for it
    page.goto("/seizures")  # customs' own work; profiles an agency sees, but only its own
    assert "This page is for customs officers." in page.locator("main").inner_text()
    page.goto(f"/consignments/{served.consignments[DNL]}")
    assert "There is no consignment" in page.locator("main").inner_text()
    assert all(url.startswith(served.url) for url in served.requests), served.requests


def test_an_agency_profile_shows_its_agencys_figures_to_its_officer_and_to_customs(page, served: Served) -> None:
    sign_in(page, "pia")
    page.wait_for_url("**/queue")
    page.get_by_role("navigation", name="Workbench").get_by_role("link", name="Profiles").click()
    page.wait_for_url("**/profiles")
    assert page.get_by_role("heading", name="Your agency's profiles").is_visible()
    assert page.get_by_role("link").filter(has_text="AIR-TONER-YE").count() == 0  # customs' rules are not its own
    page.get_by_role("link", name=PLANT_RULE).click()
    page.wait_for_url(f"**/profiles/{PLANT_RULE}")
    figures = _facts(page, "#effect")
    assert (figures["Hits"], figures["Holds"]) == ("1", "1"), figures
    assert "Selections" not in figures  # customs' measures read zero for an agency's rule

    page.context.clear_cookies()
    sign_in(page, "sam")
    page.wait_for_url("**/queue")
    page.goto("/profiles")
    row = page.locator("table.rows tbody tr").filter(has_text=PLANT_RULE)
    assert row.locator("td").nth(2).inner_text() == "plant health"  # the owner agency
    row.get_by_role("link", name=PLANT_RULE).click()
    page.wait_for_url(f"**/profiles/{PLANT_RULE}")
    assert _facts(page, "#effect") == figures  # customs reads the same figures
    assert _facts(page, "#about")["Agency"].startswith("plant health")


def _facts(page, section: str) -> dict[str, str]:
    facts = page.locator(f"section:has({section}) dl.facts")
    terms, values = facts.locator("dt").all_inner_texts(), facts.locator("dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))

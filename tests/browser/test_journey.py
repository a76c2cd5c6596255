"""An officer's shift in the browser, step by step: queue, consignment, lift a DNL, a seizure, a profile, the dashboard.

The steps share one served store and run in file order: each works on what the one before left (the lifted DNL is
gone from the queue, the seizure is on the seizures list). After every step the page is screenshotted as
test-artifacts/browser/journey-NN-<step>.png, and checked for what the workbench promises on any page: no request
left this server, and nothing scrolls sideways on a 1366 pixel wide screen.
"""

import csv
import io

from tests.browser.conftest import ARTIFACTS, Served, sign_in

DNL = "HAWB-TONER-1"
RED = "MSCU7654321"
PROFILE = "BROWSER-PHONES-NIGHT"
PROFILE_SOURCE = """\
id: BROWSER-PHONES-NIGHT
version: 1
title: Phones by express overnight
owner: customs
rationale: >
  Phones flown in overnight by express are a known route for counterfeit handsets.
valid_from: 2026-01-01
applies_to: [pre_loading]
when:
  mode: [air, express]
  hs_prefix: ["8517"]
outcome:
  score: {score}
  referral: RFI
"""


def check(page, served: Served, shot: str) -> None:
    """Keep a screenshot of the step; no external request, no horizontal scrollbar at 1366 wide."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{shot}.png"), full_page=True)
    assert served.requests and all(url.startswith(served.url) for url in served.requests), served.requests
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366, f"{shot} scrolls sideways"


def queue_row(page, reference: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))


def references(page) -> list[str]:
    return page.locator("table.queue tbody tr td:first-child a").all_inner_texts()


def test_01_an_officer_signs_in_to_the_queue(page, served: Served) -> None:
    sign_in(page, "olga")
    page.wait_for_url("**/queue")
    assert page.get_by_role("heading", name="Queue").is_visible()
    assert "olga · officer" in page.locator("form.who").inner_text()
    check(page, served, "01-signin")


def test_02_the_queue_shows_the_dnl_with_its_deadline_highlighted(page, served: Served) -> None:
    sign_in(page, "olga")
    row = queue_row(page, DNL)
    assert row.count() == 1, references(page)
    assert row.locator(".badge").inner_text() == "DNL"
    deadline = row.locator("td.due-soon")  # departs within the hour: under two hours left
    assert deadline.count() == 1
    assert deadline.inner_text().strip() != ""
    check(page, served, "02-queue")


def test_03_filters_narrow_the_queue(page, served: Served) -> None:
    sign_in(page, "olga")
    everything = page.locator("table.queue tbody tr").count()
    page.get_by_label("Referral / channel").select_option("DNL")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/queue?*outcome=DNL*")
    dnl_rows = page.locator("table.queue tbody tr")
    assert 0 < dnl_rows.count() < everything
    assert set(dnl_rows.locator(".badge").all_inner_texts()) == {"DNL"}
    assert DNL in references(page)
    page.get_by_label("Mode").select_option("sea")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/queue?*mode=sea*")
    assert DNL not in references(page)  # an air consignment: a DNL filter with mode sea leaves it out
    page.get_by_label("Mode").select_option("air")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/queue?*mode=air*")
    assert DNL in references(page)
    modes = page.locator("table.queue tbody tr td:nth-child(6)").all_inner_texts()
    assert set(modes) == {"air"}
    check(page, served, "03-queue-filtered")


def test_04_the_consignment_page_explains_its_findings(page, served: Served) -> None:
    sign_in(page, "olga")
    page.get_by_role("link", name=DNL, exact=True).click()
    page.wait_for_url(f"**/consignments/{served.consignments[DNL]}")
    assert page.get_by_role("heading", name=f"Consignment {DNL}").is_visible()
    findings = page.locator("#findings")
    assert "explosive devices hidden in printer toner cartridges" in findings.inner_text()  # the profile rationale
    assert findings.locator(".badge.DNL").count() >= 1
    assert (
        "Printer toner cartridges"
        in page.locator("section", has=page.get_by_role("heading", name="Goods")).inner_text()
    )
    assert page.get_by_role("form", name="Lift the DNL").is_visible()
    check(page, served, "04-consignment")


def test_05_lifting_the_dnl_shows_in_the_history_and_clears_the_queue(page, served: Served) -> None:
    sign_in(page, "olga")
    page.goto(f"/consignments/{served.consignments[DNL]}")
    lift = page.get_by_role("form", name="Lift the DNL")
    lift.get_by_label("Reason").fill("Cartridges screened by X-ray at the airport: nothing found.")
    lift.get_by_role("button", name="Lift").click()
    page.wait_for_url("**?done=lift*")
    assert page.get_by_role("status").inner_text() == "Referral lifted."
    history = page.locator("#history tbody tr").filter(has_text="Cartridges screened by X-ray")
    assert history.count() == 1
    assert "olga" in history.inner_text()
    assert "lift" in history.inner_text()
    assert page.get_by_role("form", name="Lift the DNL").count() == 0
    check(page, served, "05-dnl-lifted")
    page.goto("/queue?outcome=DNL")
    assert DNL not in references(page)
    page.goto(f"/queue?party={DNL}")
    assert DNL not in references(page)


def test_06_a_seizure_is_recorded_on_the_red_consignment(page, served: Served) -> None:
    sign_in(page, "olga")
    page.get_by_label("Party name").fill("Falcon Star")
    page.get_by_role("button", name="Filter").click()
    row = queue_row(page, RED)
    assert row.locator(".badge").inner_text() == "red"
    row.get_by_role("link", name=RED).click()
    page.get_by_role("link", name="Record inspection outcome").first.click()
    page.wait_for_url("**/outcome")
    page.get_by_label("Physical examination").check()
    page.get_by_label("Seizure", exact=True).check()
    page.get_by_label("Note").fill("Cocaine bricks behind the cooling unit of the container.")
    page.get_by_label("Commodity", exact=True).select_option("cocaine")
    page.get_by_label("Quantity", exact=True).fill("48.5")
    page.get_by_label("Unit", exact=True).select_option("kg")
    page.get_by_label("Concealment method", exact=True).select_option("container_structure")
    page.get_by_label("Detection method", exact=True).select_option("physical_examination")
    page.get_by_label("Offence type", exact=True).select_option("smuggling")
    check(page, served, "06-outcome-form")
    page.get_by_role("button", name="Record outcome").click()
    page.wait_for_url(f"**/consignments/{served.consignments[RED]}?done=outcome")
    outcomes = page.locator("#outcomes tbody tr")
    assert outcomes.count() == 1
    assert "Seizure" in outcomes.inner_text().title()
    assert "olga" in outcomes.inner_text()
    check(page, served, "06-seizure-recorded")


def test_07_the_seizure_is_listed_and_exported(page, served: Served) -> None:
    sign_in(page, "olga")
    page.get_by_role("navigation", name="Workbench").get_by_role("link", name="Seizures").click()
    page.wait_for_url("**/seizures")
    row = queue_row(page, RED)
    assert row.count() == 1
    text = row.inner_text()
    assert "Cocaine" in text
    assert "48.5 kg" in text
    assert "Smuggling" in text
    check(page, served, "07-seizures")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename == "seizures.csv"
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    seized = [r for r in rows if r["reference"] == RED]
    assert len(seized) == 1
    assert seized[0]["consignment_id"] == served.consignments[RED]
    assert (seized[0]["commodity"], float(seized[0]["quantity"]), seized[0]["unit"]) == ("cocaine", 48.5, "kg")
    assert (seized[0]["concealment"], seized[0]["detection"], seized[0]["offence"]) == (
        "container_structure",
        "physical_examination",
        "smuggling",
    )
    assert (seized[0]["method"], seized[0]["recorded_by"]) == ("physical", "olga")


def test_08_a_supervisor_writes_a_profile_and_sees_its_error_in_place(page, served: Served) -> None:
    sign_in(page, "sam")
    page.goto("/profiles")
    page.get_by_role("link", name="New profile").click()
    page.wait_for_url("**/profiles/new")
    page.get_by_label("Profile file (YAML)").fill(PROFILE_SOURCE.format(score="lots"))
    page.get_by_role("button", name="Save draft").click()
    errors = page.locator("section.profile-errors")
    assert "1 error: nothing was saved" in errors.get_by_role("heading").inner_text()
    problem = errors.get_by_role("listitem").filter(has=page.get_by_role("link", name="line 13"))
    assert "outcome.score" in problem.inner_text()
    assert page.locator("#line-13.error-at code").inner_text().strip() == "score: lots"
    assert page.get_by_label("Profile file (YAML)").get_attribute("aria-invalid") == "true"
    assert "score: lots" in page.get_by_label("Profile file (YAML)").input_value()  # the text is kept
    check(page, served, "08-profile-error")
    page.get_by_label("Profile file (YAML)").fill(PROFILE_SOURCE.format(score="45"))
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"**/profiles/{PROFILE}?version=1&done=created")
    assert page.get_by_role("heading", name=f"Profile {PROFILE}").inner_text().endswith("v1 draft")
    check(page, served, "08-profile-draft")


def test_09_the_draft_is_backtested_and_activated(page, served: Served) -> None:
    sign_in(page, "sam")
    page.goto(f"/profiles/{PROFILE}")
    page.get_by_role("link", name="Backtest v1").click()
    page.wait_for_url(f"**/profiles/{PROFILE}/backtest?version=1")
    backtest = page.locator("section.backtest")
    assert backtest.locator("svg.chart").count() == 1
    assert backtest.locator("svg.chart").get_attribute("aria-label") == f"Hits per day of {PROFILE} v1"
    days = page.get_by_role("table", name="Hits per day").locator("tbody tr")
    assert days.count() >= 1
    assert "consignments" in backtest.get_by_role("heading", level=2).inner_text()
    check(page, served, "09-backtest")
    page.get_by_role("button", name="Activate v1").click()
    page.wait_for_url("**done=activated")
    assert page.get_by_role("status").inner_text().startswith("Activated")
    assert page.get_by_role("heading", name=f"Profile {PROFILE}").inner_text().endswith("v1 active")
    assert page.get_by_role("button", name="Deactivate v1").is_visible()
    check(page, served, "09-profile-active")
    page.goto("/profiles")
    assert "active" in queue_row(page, PROFILE).inner_text()


def test_10_the_dashboard_draws_its_charts_and_tables(page, served: Served) -> None:
    sign_in(page, "sam")
    page.get_by_role("navigation", name="Workbench").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard")
    sections = page.locator(".dashboard > section")
    assert sections.count() >= 6
    assert page.locator(".dashboard svg.chart").count() == sections.count()  # a chart per figure
    assert page.locator(".dashboard table").count() == sections.count()  # and its table
    filings = page.locator("section#filings tbody tr")
    assert filings.count() >= 1
    assert "Nothing in this window" not in filings.first.inner_text()
    seized = page.locator("section#seizures").inner_text()
    assert "cocaine" in seized.lower()
    check(page, served, "10-dashboard")

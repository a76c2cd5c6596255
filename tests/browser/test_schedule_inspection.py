"""In the browser: a customs officer schedules the joint inspection from the consignment page; a start that has
passed is refused with its reason on the form, a free slot is booked at the place typed."""

from datetime import UTC, datetime, timedelta

import httpx

from tests.browser.conftest import Served, sign_in
from tests.factories import filing, sea_consignment


def _red_consignment(served: Served) -> str:
    """A consignment of its own (the session's others belong to other tests), moved to the red channel."""
    data = filing(sea_consignment(master_document="MSCU4400001"), document_number="BL-SCHEDULE-1")
    filed = httpx.post(
        f"{served.url}/v1/filings", json=data, headers={"Authorization": f"Bearer {served.keys['acme']}"}, timeout=60
    )
    assert filed.status_code == 201, filed.text
    item = (
        filed.json()["filings"][0]["consignments"][0] if "filings" in filed.json() else filed.json()["consignments"][0]
    )
    cid = str(item["consignment_id"])
    if item.get("channel") != "red":
        moved = httpx.post(
            f"{served.url}/v1/consignments/{cid}/channel",
            json={"channel": "red", "note": "examination"},
            headers={"Authorization": f"Bearer {served.keys['sam']}"},
            timeout=60,
        )
        assert moved.status_code == 200, moved.text
    return cid


def test_an_officer_schedules_the_inspection_and_sees_a_refusal(page, served: Served) -> None:
    cid = _red_consignment(served)
    sign_in(page, "sam")
    page.wait_for_url("**/queue")
    page.goto(f"/consignments/{cid}")
    form = page.locator("form.schedule-inspection")
    assert form.get_by_label("customs").is_checked()
    form.get_by_label("Place").fill("Quay 7 shed")
    form.get_by_label("Start (UTC)").fill("2020-01-06T10:00")
    form.get_by_role("button", name="Schedule inspection").click()
    assert "2020-01-06 10:00 UTC has passed" in page.get_by_role("alert").first.inner_text()
    assert page.locator("form.schedule-inspection").get_by_label("Place").input_value() == "Quay 7 shed"

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    page.locator("form.schedule-inspection").get_by_label("Start (UTC)").fill(tomorrow)
    page.locator("form.schedule-inspection").get_by_role("button", name="Schedule inspection").click()
    page.wait_for_url("**?done=schedule#inspection")
    assert page.get_by_role("status").first.inner_text() == "Joint inspection scheduled."
    section = page.locator("#inspection").inner_text()
    assert "Quay 7 shed" in section and "customs\tpending" in section
    assert page.locator("form.schedule-inspection").count() == 0

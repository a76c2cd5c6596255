"""In the browser: a standard message without HS codes, values or package counts (an IATA XFZB house waybill),
filed over the API, opens for an officer with its goods, and its outcome form too.

Every accepted fixture message is covered without a browser in tests/web/test_every_message.py.
"""

import httpx

from tests.browser.conftest import Served, sign_in
from tests.conftest import FIXTURES

XFZB = FIXTURES / "messages" / "cargo-xml" / "riege__SEL22222222_XFZB.xml"


def test_a_house_waybill_without_hs_codes_opens_with_its_goods(page, served: Served) -> None:
    filed = httpx.post(
        f"{served.url}/v1/filings",
        content=XFZB.read_bytes(),
        headers={"Authorization": f"Bearer {served.keys['acme']}"},
    )
    assert filed.status_code == 201, filed.text
    [consignment] = filed.json()["filings"][0]["consignments"]
    sign_in(page, "olga")
    page.wait_for_url("**/queue")
    response = page.goto(f"/consignments/{consignment['consignment_id']}")
    assert response is not None
    assert response.status == 200
    assert page.get_by_role("heading", name=f"Consignment {consignment['reference']}").is_visible()
    assert page.locator("#goods-h + table tbody tr").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    response = page.goto(f"/consignments/{consignment['consignment_id']}/outcome")
    assert response is not None
    assert response.status == 200
    assert page.get_by_role("heading", name=f"Inspection outcome · {consignment['reference']}").is_visible()

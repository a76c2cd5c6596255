"""Bad input: a 4xx with located problems, nothing stored but one `filing.rejected` audit event, and the
server answers the next valid request as usual."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from tests.factories import air_consignment, filing

LIMIT = 5 * 1024 * 1024
CASES = {
    "malformed json": (b'{"document_number": "DOC-1", "consignments": [', 422, "$", "malformed_json"),
    "wrong type": (
        filing(air_consignment(goods__0__packages="ten")),
        422,
        "consignments[0].goods[0].packages",
        "int_parsing",
    ),
    "missing field": (filing(air_consignment(goods=None)), 422, "consignments[0].goods", "missing"),
    "unknown hs chapter": (
        filing(air_consignment(goods__0__hs_code="770000")),
        422,
        "consignments[0].goods[0].hs_code",
        "unknown_hs_chapter",
    ),
    "unknown country": (
        filing(air_consignment(consignor__address__country="QQ")),
        422,
        "consignments[0].consignor.address.country",
        "unknown_country",
    ),
    "unknown locode": (
        filing(air_consignment(itinerary__place_of_loading="HKZZZ")),
        422,
        "consignments[0].itinerary.place_of_loading",
        "unknown_locode",
    ),
    "unknown currency": (
        filing(air_consignment(goods__0__value={"amount": 10, "currency": "XYZ"})),
        422,
        "consignments[0].goods[0].value.currency",
        "unknown_currency",
    ),
    "unknown format": (b"\x00\x01 binary", 422, "$", "unknown_format"),
    "6 MB body": (b"{" + b" " * (6 * 1024 * 1024) + b"}", 413, "$", "too_large"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_located_problems_and_stores_nothing(api, case):
    body, status, location, code = CASES[case]
    before = api.counts()
    response = api.submit("acme", body)
    assert response.status_code == status, response.text
    problems = response.json()["problems"]
    assert (problems[0]["location"], problems[0]["code"]) == (location, code)
    assert all(p["message"] for p in problems)
    assert api.counts() == {**before, "audit_events": before["audit_events"] + 1}
    assert api.audit("filing.rejected") == 1
    assert api.submit("acme", filing()).status_code == 201  # still serving


def test_every_defect_is_listed_not_only_the_first(api):
    data = filing(air_consignment(goods__0__hs_code="770000", itinerary__place_of_loading="HKZZZ"))
    locations = {p["location"] for p in api.submit("acme", data).json()["problems"]}
    assert locations == {"consignments[0].goods[0].hs_code", "consignments[0].itinerary.place_of_loading"}


def test_an_unknown_format_name_is_refused(api):
    response = api.submit("acme", filing(), format="edifact-d99")
    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "unknown_format"


def test_chunked_oversize_upload_is_refused_without_reading_it_all(api):
    """No Content-Length: the limit holds while streaming, and the rest of the upload is never pulled."""
    chunk = b" " * 65536
    sent = 0

    async def upload() -> AsyncIterator[bytes]:
        nonlocal sent
        sent += 1
        yield b"{"
        for _ in range(2 * LIMIT // len(chunk)):
            sent += len(chunk)
            yield chunk

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://safelane") as client:
            return await client.post("/v1/filings", content=upload(), headers=api.as_("acme"))

    before = api.counts()
    response = asyncio.run(post())
    assert response.status_code == 413
    assert response.json()["problems"][0] == {
        "location": "$",
        "code": "too_large",
        "message": f"the message exceeds the limit of {LIMIT} bytes; split the batch",
    }
    assert LIMIT < sent <= LIMIT + 2 * len(chunk)
    assert api.counts() == {**before, "audit_events": before["audit_events"] + 1}
    assert api.submit("acme", orjson.dumps(filing())).status_code == 201


def test_malformed_action_body_is_a_located_problem(api):
    result = api.accepted("acme", filing(air_consignment(consignee__name="Falcon Star General Trading")))
    url = f"/v1/decisions/{result['consignments'][0]['decision_id']}/screening"
    response = api.client.post(
        url, content=b'{"method": ', headers={**api.as_("acme"), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == "$"
    assert response.json()["problems"][0]["code"] == "json_invalid"

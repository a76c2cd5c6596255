"""Integers out of range get a located 422, never an overflow (500) in the database driver, on both engines."""

from datetime import UTC, datetime

import pytest

from safelane.store import users as user_store
from tests.factories import air_consignment, filing

HUGE = 2**63  # one past the largest 64-bit integer: SQLite and PostgreSQL overflow on it


@pytest.mark.parametrize("path", ["/v1/filings", "/v1/decisions", "/v1/seizures"])
@pytest.mark.parametrize("offset", [HUGE, 2**63 - 1, 2**31])
def test_an_offset_beyond_any_store_is_refused(api, path, offset):
    response = api.client.get(path, params={"offset": offset}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "query.offset")


def test_the_largest_offset_answers_an_empty_page(api):
    response = api.client.get("/v1/filings", params={"offset": 2**31 - 1}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["filings"]) == (200, [])


@pytest.mark.parametrize("version", [HUGE, 2**31, 2**31 - 1])
def test_a_filing_version_beyond_the_store_is_refused(api, version):
    response = api.submit("acme", filing(version=version))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "version")


def test_the_largest_version_is_stored(api):
    assert api.accepted("acme", filing(version=2**31 - 2))["version"] == 2**31 - 2


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"goods__0__packages": HUGE}, "consignments[0].goods[0].packages"),
        ({"goods__0__sequence": HUGE}, "consignments[0].goods[0].sequence"),
        ({"total_packages": HUGE}, "consignments[0].total_packages"),
    ],
)
def test_counts_in_a_consignment_are_bounded(api, changes, location):
    response = api.submit("acme", filing(air_consignment(**changes)))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, location)


def test_nothing_is_stored_for_a_refused_number(api):
    before = api.counts()
    api.submit("acme", filing(version=HUGE))
    assert api.counts()["filings"] == before["filings"]


@pytest.mark.parametrize("capacity", [HUGE, 2**64])
def test_an_office_capacity_beyond_any_office_is_refused(api, capacity):
    with api.db.write() as conn:
        key = user_store.add(conn, "sven", "supervisor", at=datetime(2026, 11, 20, tzinfo=UTC), actor="test")
    response = api.client.put(
        "/v1/offices/NLRTM", json={"capacity": {"physical": capacity}}, headers={"Authorization": f"Bearer {key}"}
    )
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "capacity.physical")

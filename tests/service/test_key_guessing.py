"""Guessing API keys: an address that sends too many unknown keys is refused (429) before any database read."""

from fastapi.testclient import TestClient

from safelane.service.auth import UNKNOWN_KEYS


def _guesser(api, address: str) -> TestClient:
    return TestClient(api.client.app, client=(address, 40000))


def test_an_address_guessing_keys_is_throttled(api):
    guesser = _guesser(api, "192.0.2.10")
    statuses = [
        guesser.get("/v1/filings", headers={"Authorization": f"Bearer sl_guess{i}"}).status_code
        for i in range(UNKNOWN_KEYS + 5)
    ]
    assert (statuses.count(401), statuses.count(429)) == (UNKNOWN_KEYS, 5)


def test_the_refusal_says_when_to_retry(api):
    guesser = _guesser(api, "192.0.2.11")
    for i in range(UNKNOWN_KEYS):
        guesser.get("/v1/filings", headers={"Authorization": f"Bearer sl_guess{i}"})
    refused = guesser.get("/v1/filings", headers={"Authorization": "Bearer sl_one_more"})
    assert int(refused.headers["retry-after"]) > 0


def test_other_addresses_are_not_throttled(api):
    guesser = _guesser(api, "192.0.2.12")
    for i in range(UNKNOWN_KEYS + 1):
        guesser.get("/v1/filings", headers={"Authorization": f"Bearer sl_guess{i}"})
    assert _guesser(api, "198.51.100.8").get("/v1/filings", headers=api.as_("acme")).status_code == 200


def test_a_known_key_used_before_still_works_from_a_throttled_address(api):
    guesser = _guesser(api, "192.0.2.13")
    assert guesser.get("/v1/filings", headers=api.as_("acme")).status_code == 200
    for i in range(UNKNOWN_KEYS + 1):
        guesser.get("/v1/filings", headers={"Authorization": f"Bearer sl_guess{i}"})
    assert guesser.get("/v1/filings", headers=api.as_("acme")).status_code == 200

"""Until the field filter per agency lands (issue 14 point 3), an agency officer's key reads nothing over the API:
its scope already confines the store to its agency's consignments, but a consignment's answer still carries every
agency's findings and every field, so the service refuses the key rather than leak them."""

from datetime import UTC, datetime

from safelane.store import users as user_store
from tests.factories import filing, sea_consignment


def test_an_agency_key_reads_nothing_over_the_api(api) -> None:
    result = api.accepted("acme", filing(sea_consignment()))
    [consignment] = result["consignments"]
    with api.db.write() as conn:
        key = user_store.add(
            conn, "pia", "agency_officer", at=datetime(2026, 11, 20, tzinfo=UTC), agency="plant_health", actor="test"
        )
    headers = {"Authorization": f"Bearer {key}"}
    for path in (
        f"/v1/consignments/{consignment['consignment_id']}",
        f"/v1/consignments/{consignment['consignment_id']}/outcomes",
        f"/v1/decisions/{consignment['decision_id']}",
        "/v1/decisions",
        f"/v1/filings/{result['filing_id']}",
        "/v1/filings",
    ):
        response = api.client.get(path, headers=headers)
        assert response.status_code in (403, 404), (path, response.status_code, response.text)
        assert consignment["consignment_id"] not in response.text
    assert api.client.get("/v1/decisions", headers=api.as_("olga")).status_code == 200

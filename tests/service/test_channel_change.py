"""Changing a channel over the decisions API: officers only, with a reason, recorded as an event."""

from tests.factories import filing, sea_consignment
from tests.service.conftest import Api


def _red(api: Api) -> str:
    red = sea_consignment(consignor__name="Falcon Star General Trading")
    [item] = api.accepted("acme", filing(red, document_number="BL-CH-1"))["consignments"]
    assert item["channel"] == "red"
    return item["decision_id"]


def test_an_officer_changes_the_channel_with_a_reason(api: Api) -> None:
    decision_id = _red(api)
    response = api.act("olga", decision_id, "channel", channel="yellow", note="scan image clear; documents suffice")
    assert response.status_code == 200, response.text
    assert response.json()["decision"]["outcome"] == "yellow"
    events = api.client.get(f"/v1/decisions/{decision_id}", headers=api.as_("olga")).json()["events"]
    assert events[-1]["action"] == "channel"
    assert events[-1]["note"] == "scan image clear; documents suffice"


def test_a_channel_change_needs_a_reason_and_an_officer(api: Api) -> None:
    decision_id = _red(api)
    assert api.act("olga", decision_id, "channel", channel="green").status_code == 422
    assert api.act("acme", decision_id, "channel", channel="green", note="please").status_code == 403
    assert api.act("olga", decision_id, "channel", channel="purple", note="x").status_code == 422

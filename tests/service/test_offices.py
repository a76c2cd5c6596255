"""/v1/offices: officers read capacity settings and today's usage; only supervisors and admins change them."""

from datetime import UTC, datetime

from safelane.store import users as user_store
from tests.factories import filing, sea_consignment

SETTINGS = {"capacity": {"physical": 1, "nii": 0, "documentary": 4}, "random_rate": 0.0, "explore_rate": 0.0}


def _supervisor(api) -> dict[str, str]:
    with api.db.write() as conn:
        key = user_store.add(conn, "sven", "supervisor", at=datetime.now(UTC), actor="test")
    return {"Authorization": f"Bearer {key}"}


def test_only_supervisors_and_admins_change_settings_and_filers_read_nothing(api):
    assert api.client.get("/v1/offices", headers=api.as_("acme")).status_code == 403
    assert api.client.get("/v1/offices/NLRTM", headers=api.as_("acme")).status_code == 403
    refused = api.client.put("/v1/offices/NLRTM", json=SETTINGS, headers=api.as_("olga"))
    assert refused.status_code == 403
    assert refused.json()["problems"][0]["code"] == "forbidden"
    assert api.client.put("/v1/offices/NLRTM", json=SETTINGS, headers=api.as_("acme")).status_code == 403
    assert api.audit("office.settings_changed") == 0

    supervisor = _supervisor(api)
    changed = api.client.put("/v1/offices/NLRTM", json=SETTINGS, headers=supervisor)
    assert changed.status_code == 200, changed.text
    assert changed.json()["before"] is None
    assert changed.json()["settings"]["capacity"] == {"documentary": 4, "nii": 0, "physical": 1}
    assert api.audit("office.settings_changed") == 1

    listed = api.client.get("/v1/offices", headers=api.as_("olga")).json()
    assert [(o["office"], o["changed_by"]) for o in listed["offices"]] == [("NLRTM", "sven")]
    assert api.client.get("/v1/offices/NLRTM", headers=api.as_("olga")).json()["source"] == "office"
    other = api.client.get("/v1/offices/DEHAM", headers=api.as_("olga")).json()
    assert other["source"] == "built-in"
    assert other["settings"]["capacity"] == {}
    api.client.put("/v1/offices/*", json={"capacity": {"physical": 3}}, headers=supervisor)
    default = api.client.get("/v1/offices/DEHAM", headers=api.as_("olga")).json()
    assert default["source"] == "default"
    assert default["settings"]["capacity"] == {"physical": 3}


def test_bad_settings_are_refused_with_located_problems(api):
    supervisor = _supervisor(api)
    bad = {"capacity": {"physical": -2, "xray": 1}, "random_rate": 5, "speed": "fast"}
    response = api.client.put("/v1/offices/NLRTM", json=bad, headers=supervisor)
    assert response.status_code == 422
    assert {(p["location"], p["code"]) for p in response.json()["problems"]} == {
        ("speed", "unknown_field"),
        ("capacity.physical", "invalid_capacity"),
        ("capacity.xray", "unknown_kind"),
        ("random_rate", "invalid_rate"),
    }
    wrong_office = api.client.put("/v1/offices/nl-rtm", json=SETTINGS, headers=supervisor)
    assert wrong_office.status_code == 422
    assert wrong_office.json()["problems"][0]["location"] == "office"
    assert api.client.put("/v1/offices/NLRTM", json=[1, 2], headers=supervisor).status_code == 422
    assert api.audit("office.settings_changed") == 0


def test_a_change_takes_effect_at_once(api):
    supervisor = _supervisor(api)
    plain = lambda ref: sea_consignment(master_document=ref, itinerary__routing_countries=[])  # noqa: E731
    api.client.put("/v1/offices/NLRTM", json={"random_rate": 1.0}, headers=supervisor)
    [sampled] = api.accepted("acme", filing(plain("P1"), document_number="P1", kind="pre_arrival"))["consignments"]
    assert sampled["channel"] == "red"
    assert "random compliance sample" in sampled["basis"]
    api.client.put("/v1/offices/NLRTM", json={"random_rate": 0.0}, headers=supervisor)
    [released] = api.accepted("acme", filing(plain("P2"), document_number="P2", kind="pre_arrival"))["consignments"]
    assert released["channel"] == "green"


def test_capacity_shows_todays_usage(api):
    supervisor = _supervisor(api)
    assert api.client.put("/v1/offices/NLRTM", json=SETTINGS, headers=supervisor).status_code == 200
    bananas = [sea_consignment(master_document=f"BAN{i}") for i in range(2)]  # red by a profile's floor
    result = api.accepted("acme", filing(*bananas, kind="pre_arrival"))["consignments"]
    assert [c["channel"] for c in result] == ["red", "red"]

    usage = api.client.get("/v1/offices/NLRTM/capacity", headers=api.as_("olga"))
    assert usage.status_code == 200
    physical = usage.json()["kinds"]["physical"]
    assert physical["capacity"] == 1
    assert physical["used"] == 2
    assert physical["left"] == 0
    assert physical["by_selection"]["mandatory"] == 2
    assert usage.json()["kinds"]["referral"]["capacity"] is None
    assert (
        api.client.get("/v1/offices/DEHAM/capacity", headers=api.as_("olga")).json()["kinds"]["physical"]["used"] == 0
    )
    assert api.client.get("/v1/offices/NLRTM/capacity", headers=api.as_("acme")).status_code == 403

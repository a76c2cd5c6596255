"""What the OpenAPI document promises, and the answers that keep the promise (each found by schemathesis)."""

from datetime import UTC, datetime

import pytest

from safelane.store import users as user_store
from tests.factories import air_consignment, filing, sea_consignment
from tests.service.conftest import RFS_FALCON


def _operations(api):
    document = api.client.get("/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_error_answer_of_every_operation_is_a_list_of_problems(api):
    for method, path, operation in _operations(api):
        for status, response in operation["responses"].items():
            if status >= "4":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problems"}, (method, path, status)


def test_every_authenticated_operation_declares_the_answers_of_the_key_check_and_the_store(api):
    operations = [(m, p, o) for m, p, o in _operations(api) if p.startswith("/v1/")]
    assert len(operations) > 20
    for method, path, operation in operations:
        assert {"401", "403", "429", "503"} <= set(operation["responses"]), (method, path)
        if "_id}" in path:
            assert "404" in operation["responses"], (method, path)


def test_json_answers_are_declared_as_objects_not_strings(api):
    for method, path, operation in _operations(api):
        for status, response in operation["responses"].items():
            json = response.get("content", {}).get("application/json", {})
            if status.startswith("2") and json:
                assert json["schema"].get("type") != "string", (method, path, status)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/v1/decisions", "outcome"), ("/v1/seizures", "commodity"), ("/v1/filings/F1/answer", "standard")],
)
def test_a_vocabulary_in_a_query_is_declared_so_an_empty_value_is_not_valid(api, path, parameter):
    operation = next(o for m, p, o in _operations(api) if m == "GET" and p.replace("{filing_id}", "F1") == path)
    [declared] = [p for p in operation["parameters"] if p["name"] == parameter]
    assert "" not in declared["schema"]["enum"]


def test_an_empty_vocabulary_value_is_refused_where_it_is(api):
    response = api.client.get("/v1/seizures", params={"commodity": ""}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "query.commodity")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/v1/filings", "GET, POST"),
        ("DELETE", "/v1/consignments/C1/notes", "GET, POST"),
        ("PATCH", "/v1/consignments/C1/outcomes", "GET, POST"),
        ("DELETE", "/v1/offices/NLRTM", "GET, PUT"),
        ("PUT", "/healthz", "GET"),
    ],
)
def test_405_names_every_method_the_path_has(api, method, path, allow):
    response = api.client.request(method, path, headers=api.as_("olga"))
    assert (response.status_code, response.headers["Allow"]) == (405, allow)
    [problem] = response.json()["problems"]
    assert (problem["location"], problem["code"]) == ("path", "method_not_allowed")
    assert allow in problem["message"]


def test_a_body_that_is_not_utf8_is_a_located_422_not_a_400(api):
    decision_id = api.accepted("acme", filing(air_consignment(**RFS_FALCON)))["consignments"][0]["decision_id"]
    response = api.client.post(
        f"/v1/decisions/{decision_id}/screening",
        content=b"\xff\x00{",
        headers={**api.as_("acme"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["location"], problem["code"]) == ("$", "json_invalid")


def test_two_different_keys_are_refused_rather_than_one_chosen(api):
    headers = {**api.as_("acme"), "X-API-Key": api.keys["olga"]}
    response = api.client.get("/v1/filings", headers=headers)
    assert response.status_code == 401
    assert response.json()["problems"][0]["location"] == "header.X-API-Key"
    same = {**api.as_("olga"), "X-API-Key": api.keys["olga"]}
    assert api.client.get("/v1/filings", headers=same).status_code == 200


@pytest.mark.parametrize("day", ["0", "20261120", "1764547200"])
def test_a_seizure_day_is_a_date_not_a_number(api, day):
    response = api.client.get("/v1/seizures", params={"to": day}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "query.to")


def test_a_seizure_day_as_documented_is_read(api):
    response = api.client.get("/v1/seizures", params={"from": "2026-11-20"}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["seizures"]) == (200, [])


def test_seizure_details_without_the_result_seizure_are_refused(api):
    consignment_id = api.accepted("acme", filing(air_consignment()))["consignments"][0]["consignment_id"]
    response = api.client.post(
        f"/v1/consignments/{consignment_id}/outcomes",
        json={"method": "documentary", "result": "no_irregularity", "seizure": {}},
        headers=api.as_("olga"),
    )
    assert (response.status_code, response.json()["problems"][0]["location"]) == (422, "seizure")


def test_moving_a_consignment_to_the_channel_it_is_in_is_a_conflict(api):
    data = filing(sea_consignment(), document_number="MAEU123456789")
    [consignment] = api.accepted("acme", data)["consignments"]
    assert consignment["channel"] == "red"
    response = api.client.post(
        f"/v1/consignments/{consignment['consignment_id']}/channel",
        json={"channel": "red", "note": "again"},
        headers=api.as_("olga"),
    )
    assert (response.status_code, response.json()["problems"][0]["location"]) == (409, "channel")


@pytest.mark.parametrize(
    ("capacity", "status", "stored"),
    [({"physical": 20.0}, 200, {"physical": 20}), (None, 200, {}), (False, 422, None), ({"nii": 2.5}, 422, None)],
)
def test_office_capacity_is_read_as_json_numbers_are(api, capacity, status, stored):
    with api.db.write() as conn:
        key = user_store.add(conn, "sven", "supervisor", at=datetime(2026, 11, 20, tzinfo=UTC), actor="test")
    response = api.client.put(
        "/v1/offices/NLRTM", json={"capacity": capacity}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == status, response.text
    if stored is not None:
        assert response.json()["settings"]["capacity"] == stored


def test_unassigning_a_case_nobody_has_is_a_conflict_not_invalid_data(api):
    consignment_id = api.accepted("acme", filing(air_consignment()))["consignments"][0]["consignment_id"]
    response = api.client.post(f"/v1/consignments/{consignment_id}/assignment", json={}, headers=api.as_("olga"))
    assert (response.status_code, response.json()["problems"][0]["location"]) == (409, "officer")

"""Referrals through the API: answered, screened, searched, read with their history."""

import pytest

from tests.factories import air_consignment, filing
from tests.service.conftest import RFI_LAPTOPS_VIA_KP, RFS_FALCON


def decision_of(api, scenario, document_number="DOC-1", user="acme") -> str:
    result = api.accepted(user, filing(air_consignment(**scenario), document_number=document_number))
    return result["consignments"][0]["decision_id"]


@pytest.mark.parametrize(
    ("result", "outcome", "state"), [("clear", "ASSESSMENT_COMPLETE", "closed"), ("not_clear", "DNL", "open")]
)
def test_rfs_screening_result(api, result, outcome, state):
    decision_id = decision_of(api, RFS_FALCON)
    response = api.act("acme", decision_id, "screening", method="XRY", result=result)
    assert response.status_code == 200
    decision = response.json()["decision"]
    assert (decision["outcome"], decision["state"]) == (outcome, state)
    assert decision["updated_at"].endswith("+00:00")


def test_screening_data_is_checked_with_its_location(api):
    decision_id = decision_of(api, RFS_FALCON)
    response = api.act("acme", decision_id, "screening", method="SNIFF", result="clear")
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == "method"
    unknown_field = api.act("acme", decision_id, "screening", method="XRY", result="clear", colour="blue")
    assert unknown_field.status_code == 422
    assert unknown_field.json()["problems"][0]["location"] == "colour"


def test_rfi_answered_with_information_then_closed_by_an_officer(api):
    decision_id = decision_of(api, RFI_LAPTOPS_VIA_KP)
    answered = api.act("acme", decision_id, "information", text="End user is a hospital in Rotterdam.")
    assert answered.json()["decision"]["state"] == "answered"
    assert api.act("acme", decision_id, "close").status_code == 403
    closed = api.act("olga", decision_id, "close", note="end user verified")
    assert (closed.json()["decision"]["outcome"], closed.json()["decision"]["state"]) == (
        "ASSESSMENT_COMPLETE",
        "closed",
    )
    again = api.act("olga", decision_id, "close")
    assert again.status_code == 409
    assert again.json()["problems"][0]["code"] == "not_applicable"
    detail = api.client.get(f"/v1/decisions/{decision_id}", headers=api.as_("acme")).json()
    assert [(e["action"], e["actor"]) for e in detail["events"]] == [
        ("decided", "safelane"),
        ("information", "acme"),
        ("close", "olga"),
    ]
    assert detail["events"][1]["data"] == {"text": "End user is a hospital in Rotterdam."}


def test_officer_issues_a_referral_with_a_note(api):
    decision_id = decision_of(api, {})
    assert api.act("olga", decision_id, "issue", referral="RFI").status_code == 422  # no note
    issued = api.act("olga", decision_id, "issue", referral="RFI", note="intelligence report 42")
    assert (issued.json()["decision"]["outcome"], issued.json()["decision"]["state"]) == ("RFI", "open")


def test_unknown_action_and_unknown_decision_are_404(api):
    decision_id = decision_of(api, RFS_FALCON)
    assert api.act("olga", decision_id, "explode").status_code == 404
    assert api.act("olga", "D000nothing", "close").status_code == 404
    assert api.client.get("/v1/decisions/D000nothing", headers=api.as_("olga")).status_code == 404


def test_search_by_state_answer_and_outcome(api):
    rfs = decision_of(api, RFS_FALCON, "A")
    rfi = decision_of(api, RFI_LAPTOPS_VIA_KP, "B")
    decision_of(api, {}, "C")
    decision_of(api, RFS_FALCON, "D", user="globex")

    def ids(user, **params):
        response = api.client.get("/v1/decisions", params=params, headers=api.as_(user))
        assert response.status_code == 200, response.text
        return {d["decision_id"] for d in response.json()["decisions"]}

    assert ids("acme", state="open", answer="referral") == {rfs, rfi}
    assert ids("acme", state="open", answer="referral", outcome="RFI") == {rfi}
    assert len(ids("acme")) == 3
    assert len(ids("olga")) == 4
    assert len(ids("olga", outcome="RFS")) == 2


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("state=pending", "query.state"),
        ("outcome=MAYBE", "query.outcome"),
        ("limit=501", "query.limit"),
        ("offset=-1", "query.offset"),
    ],
)
def test_bad_query_parameters_come_back_as_problems(api, query, location):
    response = api.client.get(f"/v1/decisions?{query}", headers=api.as_("olga"))
    assert response.status_code == 422
    assert [p["location"] for p in response.json()["problems"]] == [location]


def test_a_body_without_a_json_content_type_is_told_to_send_json(api):
    decision_id = decision_of(api, RFS_FALCON)
    response = api.client.post(
        f"/v1/decisions/{decision_id}/screening",
        content=b"method=XRY&result=clear",
        headers={**api.as_("acme"), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["location"], problem["code"]) == ("$", "json_expected")
    assert problem["message"] == (
        "the body must be JSON sent with Content-Type: application/json (got application/x-www-form-urlencoded)"
    )

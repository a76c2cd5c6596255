"""Reviews over the API (`/v1/traders/reviews`, `POST /v1/traders/{operator}/review`): the workbench's path, its
refusals and audit, and a "keep" re-opened when the operator is flagged again on more inspections; both engines."""

from tests.traders.test_compliance import _sampled
from tests.web.conftest import Bench, bench  # noqa: F401  (the workbench fixture)


def _as(bench: Bench, name: str) -> dict[str, str]:  # noqa: F811
    return {"Authorization": f"Bearer {bench.keys[name]}"}


def _audited(bench: Bench) -> list[dict]:  # noqa: F811
    from safelane.store.schema import audit_events

    with bench.db.read() as conn:
        rows = conn.execute(audit_events.select().where(audit_events.c.action == "trader.review")).mappings()
        return [dict(r) for r in rows]


def test_supervisors_review_over_the_api_and_a_kept_review_reopens_on_new_inspections(
    bench: Bench,  # noqa: F811
    register_text: str,
) -> None:
    first = _sampled(bench, register_text, filings=60)
    assert len(first["aeo"]) >= 5  # every sampled AEO inspection irregular, every peer's regular: flagged
    api = bench.anonymous()
    listed = api.get("/v1/traders/reviews", headers=_as(bench, "olga"))
    assert listed.status_code == 200, listed.text
    [open_one] = listed.json()["reviews"]
    assert open_one["group"] == "Northwind Retail GmbH"
    assert open_one["previous"] is None
    assert open_one["inspections"] == len(first["aeo"])
    northwind = open_one["operator_id"]
    path = f"/v1/traders/{northwind}/review"
    assert api.get("/v1/traders/reviews", headers=_as(bench, "acme")).status_code == 403
    assert api.post(path, json={"decision": "keep", "reason": "x"}, headers=_as(bench, "olga")).status_code == 403
    assert api.post(path, json={"decision": "keep", "reason": "x"}, headers=_as(bench, "acme")).status_code == 403
    bad = api.post(path, json={"decision": "ignore", "reason": " "}, headers=_as(bench, "sam"))
    assert bad.status_code == 422
    assert {p["location"] for p in bad.json()["problems"]} == {"decision", "reason"}
    typed = api.post(path, json={"decision": 1, "why": "x"}, headers=_as(bench, "sam"))
    assert {p["location"] for p in typed.json()["problems"]} == {"decision", "reason", "why"}
    missing = api.post("/v1/traders/O404/review", json={"decision": "keep", "reason": "x"}, headers=_as(bench, "sam"))
    assert missing.status_code == 404
    assert _audited(bench) == []  # nothing refused was recorded

    kept = api.post(path, json={"decision": "keep", "reason": "clerical, corrected"}, headers=_as(bench, "sam"))
    assert kept.status_code == 200, kept.text
    assert kept.json()["decision"] == "keep"
    assert kept.json()["suspended"] == []
    assert kept.json()["inspections"] == len(first["aeo"])
    [audit] = _audited(bench)
    assert (audit["actor"], audit["subject"], audit["detail"]["decision"]) == ("sam", northwind, "keep")
    assert api.get("/v1/traders/reviews", headers=_as(bench, "olga")).json()["reviews"] == []  # decided
    workbench = bench.client("sam")
    assert "Record the review" not in workbench.get("/traders/compliance").text

    more = _sampled(bench, register_text, filings=30, first=60)  # new evidence: more irregular inspections
    assert more["aeo"]
    [again] = api.get("/v1/traders/reviews", headers=_as(bench, "olga")).json()["reviews"]
    assert again["operator_id"] == northwind
    assert again["inspections"] == len(first["aeo"]) + len(more["aeo"])
    assert again["previous"]["decision"] == "keep"
    assert again["previous"]["reason"] == "clerical, corrected"
    assert again["previous"]["inspections"] == len(first["aeo"])
    page = workbench.get("/traders/compliance").text
    assert "previous review: keep" in page
    assert "flagged again on new inspections" in page
    assert "Record the review" in page

    suspended = bench.post(workbench, f"/traders/{northwind}/review", decision="suspend", reason="irregular again")
    assert suspended.status_code == 303  # the workbench records through the same path
    assert [a["detail"]["decision"] for a in _audited(bench)] == ["keep", "suspend"]
    assert api.get("/v1/traders/reviews", headers=_as(bench, "olga")).json()["reviews"] == []
    operator = api.get(f"/v1/traders/{northwind}", headers=_as(bench, "olga")).json()
    assert operator["authorisations"][0]["history"][-1]["reason"] == "compliance review: irregular again"

"""The consignment page and its actions: the case file, office limits, and every form with its checks."""

import html

from tests.factories import air_consignment, filing, sea_consignment
from tests.service.conftest import DNL_TONER_YEMEN, RFS_FALCON
from tests.web.conftest import Bench, add_users


def file(bench: Bench, number: str, consignment: dict) -> str:
    return bench.file("acme", filing(consignment, document_number=number))["consignments"][0]["consignment_id"]


def text(response) -> str:
    return html.unescape(response.text)


def test_the_case_file(bench: Bench) -> None:
    consignment_id = file(bench, "A-DNL", air_consignment(**DNL_TONER_YEMEN, itinerary__routing_countries=["OM"]))
    response = bench.client("sam").get(f"/consignments/{consignment_id}")
    assert response.status_code == 200
    page = text(response)
    for expected in (
        'class="route"',
        "Oman (OM)",
        "Yemen",
        "Frankfurt",
        "844399",
        "Printer toner cartridges",
        "Risk profiles",
        "Profile AIR-TONER-YE",
        "Decision history",
        "decided",
        "safelane-json",
        "Northwind Retail GmbH",
        "EORI DE123456789012345",
        f"/consignments/{consignment_id}/outcome",
        "Record inspection outcome",
        "No inspection outcome recorded",
        '"document_number":"A-DNL"',
    ):
        assert expected in page, expected
    assert '<pre class="raw"' in response.text  # the message as received


def test_unknown_consignments_and_other_offices(bench: Bench) -> None:
    antwerp = file(bench, "S-ANR", sea_consignment(itinerary__place_of_unloading="BEANR"))
    olga = bench.client("olga")
    assert olga.get("/consignments/C-nothing").status_code == 404
    refused = olga.get(f"/consignments/{antwerp}")
    assert refused.status_code == 404  # as for no consignment: another office's is not revealed
    assert "BEANR" not in refused.text
    assert "Fresh Fruit" not in refused.text
    posted = bench.post(olga, f"/consignments/{antwerp}/actions/note", text="looking")
    assert posted.status_code == 404
    assert bench.client("pieter").get(f"/consignments/{antwerp}").status_code == 200


def test_lift_a_dnl_through_the_form(bench: Bench) -> None:
    consignment_id = file(bench, "A-DNL", air_consignment(**DNL_TONER_YEMEN))
    sam = bench.client("sam")
    missing = bench.post(sam, f"/consignments/{consignment_id}/actions/lift", note="")
    assert missing.status_code == 422
    assert 'id="err-lift-note"' in missing.text
    assert "lift needs a note giving the reason" in text(missing)
    done = bench.post(sam, f"/consignments/{consignment_id}/actions/lift", note="cartridges checked at origin")
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/consignments/{consignment_id}?done=lift")
    page = text(sam.get(done.headers["location"]))
    assert "Referral lifted." in page
    history = page.split('id="history-h"')[1].split("</table>")[0]
    assert "lift" in history
    assert "cartridges checked at origin" in history
    assert "ASSESSMENT_COMPLETE" in history
    assert 'aria-label="Lift the' not in page  # nothing left to lift
    assert consignment_id not in sam.get("/queue").text  # closed: out of the queue


def test_change_channel_needs_a_reason(bench: Bench) -> None:
    consignment_id = file(bench, "S-RTM", sea_consignment())  # red at NLRTM
    olga = bench.client("olga")
    refused = bench.post(olga, f"/consignments/{consignment_id}/actions/channel", channel="green", note=" ")
    assert refused.status_code == 422
    assert 'id="err-channel-note"' in refused.text
    assert '<option value="green" selected>' in refused.text  # the officer's choice is kept
    done = bench.post(
        olga, f"/consignments/{consignment_id}/actions/channel", channel="yellow", note="documents explain the route"
    )
    assert done.status_code == 303
    page = text(olga.get(done.headers["location"]))
    assert "Channel changed." in page
    assert "red open → " in page
    assert "documents explain the route" in page


def test_assign_and_note_appear(bench: Bench) -> None:
    consignment_id = file(bench, "S-RTM", sea_consignment())
    sam = bench.client("sam")
    wrong = bench.post(sam, f"/consignments/{consignment_id}/actions/assign", officer="pieter")
    assert wrong.status_code == 422
    assert "pieter works at BEANR, not NLRTM" in wrong.text
    form = sam.get(f"/consignments/{consignment_id}").text
    assert '<option value="olga"' in form
    assert '<option value="pieter"' not in form
    assert bench.post(sam, f"/consignments/{consignment_id}/actions/assign", officer="olga").status_code == 303
    assert (
        bench.post(
            sam, f"/consignments/{consignment_id}/actions/note", text="Reefer temperature log requested by phone."
        ).status_code
        == 303
    )
    page = text(sam.get(f"/consignments/{consignment_id}"))
    assert "Assigned to <strong>olga</strong>" in page
    assert "Reefer temperature log requested by phone." in page
    assert "assigned to olga" in page.split('id="history-h"')[1]
    olga = bench.client("olga")
    assert consignment_id in olga.get("/queue?assigned=me").text
    empty = bench.post(olga, f"/consignments/{consignment_id}/actions/note", text="")
    assert empty.status_code == 422
    assert 'id="err-note-text"' in empty.text


def test_a_document_request_reaches_its_filer_only(bench: Bench) -> None:
    keys = add_users(bench.system, {"globex": ("filer", "GLOBEX", None)})
    consignment_id = file(bench, "S-RTM", sea_consignment())
    olga = bench.client("olga")
    none_chosen = bench.post(olga, f"/consignments/{consignment_id}/actions/request", text="please")
    assert none_chosen.status_code == 422
    assert 'id="err-request-documents"' in none_chosen.text
    done = bench.post(
        olga,
        f"/consignments/{consignment_id}/actions/request",
        **{"document.commercial_invoice": "1", "document.certificate_of_origin": "1"},
        text="Invoice and origin certificate for the bananas, please.",
    )
    assert done.status_code == 303
    assert "Commercial invoice; Certificate of origin" in text(olga.get(done.headers["location"]))
    api = bench.anonymous()
    mine = api.get(
        f"/v1/consignments/{consignment_id}/requests", headers={"Authorization": f"Bearer {bench.keys['acme']}"}
    )
    assert mine.status_code == 200
    [request] = mine.json()["requests"]
    assert request["documents"] == ["commercial_invoice", "certificate_of_origin"]
    assert request["text"] == "Invoice and origin certificate for the bananas, please."
    assert "requested_by" not in request  # officers' names stay inside customs
    other = api.get(
        f"/v1/consignments/{consignment_id}/requests", headers={"Authorization": f"Bearer {keys['globex']}"}
    )
    assert other.status_code == 404
    notes = api.get(
        f"/v1/consignments/{consignment_id}/notes", headers={"Authorization": f"Bearer {bench.keys['acme']}"}
    )
    assert notes.status_code == 403  # a filer reads requests, never officers' notes


def test_the_json_twins(bench: Bench) -> None:
    consignment_id = file(bench, "S-RTM", sea_consignment())
    api = bench.anonymous()
    keys = add_users(bench.system, {"rita": ("officer", None, "NLRTM"), "bob": ("officer", None, "BEANR")})
    rita = {"Authorization": f"Bearer {keys['rita']}"}
    base = f"/v1/consignments/{consignment_id}"
    assert api.post(f"{base}/notes", json={"text": "seal checked"}, headers=rita).status_code == 201
    assert api.post(f"{base}/assignment", json={"officer": "rita"}, headers=rita).status_code == 200
    assert (
        api.post(
            f"{base}/requests", json={"documents": ["packing_list"], "text": "for the scan"}, headers=rita
        ).status_code
        == 201
    )
    no_reason = api.post(f"{base}/channel", json={"channel": "green"}, headers=rita)
    assert no_reason.status_code == 422
    assert no_reason.json()["problems"][0]["location"] == "note"
    changed = api.post(f"{base}/channel", json={"channel": "green", "note": "scan clean"}, headers=rita)
    assert changed.status_code == 200
    assert changed.json()["decision"]["outcome"] == "green"
    listed = api.get(f"{base}/notes", headers=rita).json()["notes"]
    assert [n["kind"] for n in listed] == ["note", "assignment", "document_request"]
    bob = {"Authorization": f"Bearer {keys['bob']}"}
    assert api.post(f"{base}/notes", json={"text": "x"}, headers=bob).status_code == 404  # another office's: none
    assert api.get(f"{base}/notes", headers=bob).status_code == 404
    acme = {"Authorization": f"Bearer {bench.keys['acme']}"}
    assert api.post(f"{base}/channel", json={"channel": "red", "note": "x"}, headers=acme).status_code == 403


def _why(page: str) -> str:
    return page.split("<dt>Why</dt><dd>")[1].split("</dd>")[0]


def test_after_a_dnl_is_lifted_why_names_the_lift_and_its_reason(bench: Bench) -> None:
    consignment_id = file(bench, "A-DNL", air_consignment(**DNL_TONER_YEMEN))
    sam = bench.client("sam")
    assert _why(text(sam.get(f"/consignments/{consignment_id}"))).startswith("DNL required")
    bench.post(sam, f"/consignments/{consignment_id}/actions/lift", note="cartridges checked at origin")
    page = text(sam.get(f"/consignments/{consignment_id}"))
    assert _why(page) == "ASSESSMENT_COMPLETE closed after lift by sam: cartridges checked at origin"
    assert '· <span class="muted">closed</span>' in page  # the deadline no longer counts down or overdue


def test_an_officer_records_a_screening_result_on_an_rfs(bench: Bench) -> None:
    consignment_id = file(bench, "A-RFS", air_consignment(**RFS_FALCON))
    sam = bench.client("sam")
    assert 'aria-label="Record the screening result"' in sam.get(f"/consignments/{consignment_id}").text
    missing = bench.post(sam, f"/consignments/{consignment_id}/actions/screening", method="XRY")
    assert missing.status_code == 422
    assert 'id="err-screening-result"' in missing.text
    done = bench.post(
        sam,
        f"/consignments/{consignment_id}/actions/screening",
        method="XRY",
        result="not_clear",
        note="dense organic mass in the x-ray image",
    )
    assert done.status_code == 303
    page = text(sam.get(done.headers["location"]))
    assert "Screening result recorded." in page
    assert '<span class="badge DNL">DNL</span> open' in page
    assert 'aria-label="Record the screening result"' not in page  # no longer an open RFS

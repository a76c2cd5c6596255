"""Inspection outcomes and seizures at the workbench and over the API, down to the model's training data."""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from safelane.cli.main import app as cli
from safelane.risk.model.dataset import from_store
from safelane.store import decisions as decision_store
from safelane.store import models as model_store
from safelane.store.schema import audit_events, decision_events, inspection_outcomes, seizures
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench

SEIZURE = {
    "method": "physical",
    "result": "seizure",
    "note": "Found behind the cooling unit",
    "commodity": "cocaine",
    "quantity": "48.5",
    "unit": "kg",
    "concealment": "container_structure",
    "detection": "risk_profile",
    "offence": "smuggling",
    "hs_code": "080390",
    "description": "42 bricks",
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def red(bench: Bench, number: str = "DOC-1", **changes: str) -> dict:
    """A red-channel consignment (bananas from Ecuador via Panama), filed by ACME; its answer."""
    [item] = bench.file(
        "acme", filing(sea_consignment(master_document=f"M{number}", **changes), document_number=number)
    )["consignments"]
    assert item["channel"] == "red"
    return item


def record(bench: Bench, client: TestClient, consignment_id: str, **form: str):
    path = f"/consignments/{consignment_id}/outcome"
    return bench.post(client, path, csrf_from=path, **form)


def counts(bench: Bench) -> dict[str, int]:
    with bench.db.read() as conn:
        counted = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (inspection_outcomes, seizures, decision_events)
        }
        counted["audit"] = conn.execute(
            sa.select(sa.func.count()).select_from(audit_events).where(audit_events.c.action == "outcome.recorded")
        ).scalar_one()
    return counted


def field(html: str, name: str) -> str:
    """The markup from a field to the next field or fieldset: where its error must be shown."""
    start = html.index(f'name="{name}"')
    ends = [i for i in (html.find("<label", start), html.find("</fieldset>", start)) if i > 0]
    return html[start : min(ends)]


def test_the_form_offers_the_cen_fields_and_the_decisions_defaults(bench: Bench) -> None:
    item = red(bench)
    page = bench.client("olga").get(f"/consignments/{item['consignment_id']}/outcome")
    assert page.status_code == 200
    html = page.text
    assert "<legend>Seizure (Customs Enforcement Network)</legend>" in html
    for name in ("commodity", "quantity", "unit", "concealment", "detection", "offence", "hs_code", "description"):
        assert f'name="{name}"' in html
    assert '<option value="cites_wildlife">CITES wildlife, flora and fauna</option>' in html
    assert 'value="physical" checked' in html  # the inspection the red channel asked for
    assert '<option value="risk_profile" selected>' in html  # selected by a profile
    assert "closes this red channel" in html
    assert " style=" not in html
    assert "<script>" not in html


def test_errors_stand_beside_their_fields_with_the_values_kept_and_nothing_stored(bench: Bench) -> None:
    item = red(bench)
    client = bench.client("olga")
    before = counts(bench)
    response = record(
        bench,
        client,
        item["consignment_id"],
        method="physical",
        result="seizure",
        commodity="heroin",
        quantity="-3",
        unit="",
        concealment="false_compartment",
        detection="",
        offence="smuggling",
        hs_code="",
        description="white powder",
        note="seal broken",
    )
    assert response.status_code == 422
    html = response.text
    assert "The outcome was not recorded" in html
    assert 'class="error-at" id="quantity-error">The quantity must be a number above zero.' in field(html, "quantity")
    assert 'id="unit-error">Choose the unit.' in field(html, "unit")
    assert 'id="detection-error">Choose the detection method.' in field(html, "detection")
    assert "error-at" not in field(html, "commodity")
    assert "error-at" not in field(html, "offence")
    assert 'value="-3" aria-invalid="true" aria-describedby="quantity-error"' in html
    assert '<option value="heroin" selected>' in html
    assert '<option value="false_compartment" selected>' in html
    assert ">white powder</textarea>" in html
    assert ">seal broken</textarea>" in html
    assert 'value="seizure" checked' in html
    assert counts(bench) == before


def test_a_seizure_is_recorded_and_the_red_channel_closes_with_an_event(bench: Bench) -> None:
    item = red(bench)
    client = bench.client("olga")
    response = record(bench, client, item["consignment_id"], **SEIZURE)
    assert response.status_code == 303
    assert response.headers["location"] == f"/consignments/{item['consignment_id']}?done=outcome"
    page = client.get(response.headers["location"]).text
    assert "Inspection outcome recorded." in page
    outcomes = html.unescape(page.split('id="outcomes-h"')[1].split("</table>")[0])  # the seizure on the case file
    for shown in ("Cocaine", "48.5 kg", "HS 080390", "42 bricks", "Smuggling"):
        assert shown in outcomes, shown
    with bench.db.read() as conn:
        outcome = conn.execute(sa.select(inspection_outcomes)).mappings().one()
        seizure = conn.execute(sa.select(seizures)).mappings().one()
        decision = decision_store.get(conn, item["decision_id"])
        events = decision_store.events(conn, item["decision_id"])
    assert decision is not None
    assert (outcome["result"], outcome["method"], outcome["recorded_by"], outcome["decision_id"]) == (
        "seizure",
        "physical",
        "olga",
        item["decision_id"],
    )
    assert outcome["selection"] == decision["selection"]
    assert outcome["row_id"] == decision["row_id"]
    assert {
        k: seizure[k]
        for k in (
            "outcome_id",
            "office",
            "commodity",
            "quantity",
            "unit",
            "concealment",
            "detection",
            "offence",
            "hs_code",
            "description",
        )
    } == {
        "outcome_id": outcome["outcome_id"],
        "office": "NLRTM",
        "commodity": "cocaine",
        "quantity": 48.5,
        "unit": "kg",
        "concealment": "container_structure",
        "detection": "risk_profile",
        "offence": "smuggling",
        "hs_code": "080390",
        "description": "42 bricks",
    }
    assert decision["state"] == "closed"
    assert decision["outcome"] == "red"
    assert (events[-1]["action"], events[-1]["actor"], events[-1]["from_state"]) == ("inspected", "olga", "open")
    assert counts(bench)["audit"] == 1
    again = client.get(f"/consignments/{item['consignment_id']}/outcome").text
    assert "Outcomes recorded before" in again
    assert "Cocaine, 48.5 kg" in again


def test_an_officer_of_another_office_gets_404_and_stores_nothing(bench: Bench) -> None:
    item = red(bench)  # unloaded at NLRTM
    pieter = bench.client("pieter")  # posted to BEANR
    path = f"/consignments/{item['consignment_id']}/outcome"
    assert pieter.get(path).status_code == 404  # as for no consignment: its existence is not revealed
    before = counts(bench)
    response = bench.post(pieter, path, **SEIZURE)
    assert response.status_code == 404
    assert "NLRTM" not in response.text
    api = pieter.post(
        f"/v1/consignments/{item['consignment_id']}/outcomes",
        json={"method": "nii", "result": "no_irregularity"},
        headers={"Authorization": f"Bearer {bench.keys['pieter']}"},
    )
    assert api.status_code == 404
    assert counts(bench) == before
    assert bench.client("sam").get(path).status_code == 200  # a supervisor reaches every office


def test_a_filer_cannot_record_or_read_outcomes(bench: Bench) -> None:
    item = red(bench)
    anonymous = bench.anonymous()
    assert anonymous.post(f"/consignments/{item['consignment_id']}/outcome", data=SEIZURE).status_code == 303
    headers = {"Authorization": f"Bearer {bench.keys['acme']}"}
    body = {"method": "physical", "result": "no_irregularity"}
    assert (
        anonymous.post(f"/v1/consignments/{item['consignment_id']}/outcomes", json=body, headers=headers).status_code
        == 403
    )
    assert anonymous.get(f"/v1/consignments/{item['consignment_id']}/outcomes", headers=headers).status_code == 403
    assert anonymous.get("/v1/seizures", headers=headers).status_code == 403
    assert counts(bench)["inspection_outcomes"] == 0


def test_seizures_list_and_exports_hold_the_cen_fields_office_scoped(bench: Bench) -> None:
    rotterdam = red(bench, "DOC-R")
    antwerp = red(bench, "DOC-A", itinerary__place_of_unloading="BEANR")
    assert record(bench, bench.client("olga"), rotterdam["consignment_id"], **SEIZURE).status_code == 303
    assert (
        record(
            bench,
            bench.client("pieter"),
            antwerp["consignment_id"],
            **{
                **SEIZURE,
                "commodity": "cigarettes",
                "quantity": "900",
                "unit": "cartons",
                "hs_code": "",
                "description": '=HYPERLINK("x")',
            },
        ).status_code
        == 303
    )

    olga = bench.client("olga")
    page = olga.get("/seizures")
    assert page.status_code == 200
    assert "MDOC-R" in page.text
    assert "MDOC-A" not in page.text
    assert "Cocaine" in page.text
    assert "48.5 kg" in page.text

    exported = olga.get("/seizures?format=json")
    assert exported.headers["content-type"].startswith("application/json")
    [only] = exported.json()
    assert {
        k: only[k]
        for k in (
            "reference",
            "office",
            "commodity",
            "quantity",
            "unit",
            "concealment",
            "detection",
            "offence",
            "hs_code",
            "description",
            "recorded_by",
            "consignment_id",
        )
    } == {
        "reference": "MDOC-R",
        "office": "NLRTM",
        "commodity": "cocaine",
        "quantity": 48.5,
        "unit": "kg",
        "concealment": "container_structure",
        "detection": "risk_profile",
        "offence": "smuggling",
        "hs_code": "080390",
        "description": "42 bricks",
        "recorded_by": "olga",
        "consignment_id": rotterdam["consignment_id"],
    }
    assert datetime.fromisoformat(only["recorded_at"]).tzinfo is not None
    assert olga.get("/seizures?office=BEANR&format=json").json()[0]["office"] == "NLRTM"  # scope is not a filter

    sam = bench.client("sam")
    table = list(csv.DictReader(io.StringIO(sam.get("/seizures?format=csv").content.decode("utf-8-sig"))))
    assert [r["reference"] for r in table] == ["MDOC-A", "MDOC-R"]  # newest first, every office
    assert table[0]["commodity"] == "cigarettes"
    assert table[0]["quantity"] == "900.0"
    assert table[0]["unit"] == "cartons"
    assert table[0]["description"].startswith("'=")  # a formula is kept as text
    assert [r["office"] for r in sam.get("/seizures?commodity=cocaine&format=json").json()] == ["NLRTM"]
    assert sam.get("/seizures?office=BEANR&format=json").json()[0]["reference"] == "MDOC-A"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert sam.get(f"/seizures?to={yesterday}&format=json").json() == []
    assert len(sam.get(f"/seizures?from={yesterday}&format=json").json()) == 2
    assert "must be a date" in sam.get("/seizures?from=yesterday").text


def test_the_json_api_records_and_lists_outcomes_and_seizures(bench: Bench) -> None:
    item = red(bench)
    client = bench.anonymous()
    olga = {"Authorization": f"Bearer {bench.keys['olga']}"}
    url = f"/v1/consignments/{item['consignment_id']}/outcomes"
    bad = client.post(
        url, json={"method": "physical", "result": "seizure", "seizure": {"commodity": "gold"}}, headers=olga
    )
    assert bad.status_code == 422
    locations = {p["location"] for p in bad.json()["problems"]}
    assert {"seizure.commodity", "seizure.quantity", "seizure.unit"} <= locations
    seizure = {k: v for k, v in SEIZURE.items() if k not in ("method", "result", "note")}
    created = client.post(
        url,
        json={
            "method": "physical",
            "result": "seizure",
            "note": "scan then strip",
            "seizure": {**seizure, "quantity": 48.5},
        },
        headers=olga,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["decision_closed"] is True
    assert body["outcome"]["seizure"]["commodity"] == "cocaine"
    listed = client.get(url, headers=olga).json()
    assert [o["result"] for o in listed["outcomes"]] == ["seizure"]
    assert listed["office"] == "NLRTM"
    assert "row_id" not in listed["outcomes"][0]
    found = client.get("/v1/seizures", params={"commodity": "cocaine"}, headers=olga).json()["seizures"]
    assert [s["reference"] for s in found] == ["MDOC-1"]
    pieter = {"Authorization": f"Bearer {bench.keys['pieter']}"}
    assert client.get("/v1/seizures", headers=pieter).json()["seizures"] == []
    assert client.get("/v1/seizures", params={"office": "NLRTM"}, headers=pieter).status_code == 403


def test_outcomes_recorded_at_the_workbench_are_the_models_training_data(bench: Bench, database_url: str) -> None:
    """Thirty consignments over thirty days, inspected through the form: every third one a seizure."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=40)
    client = bench.client("olga")
    seized = []
    for i in range(30):
        bad = i % 3 == 0
        [item] = bench.file(
            "acme",
            filing(
                sea_consignment(
                    master_document=f"MB{i:03d}",
                    consignee={
                        "name": f"Shady Imports {i % 2}" if bad else f"Fresh Fruit {i}",
                        "address": {"city": "Rotterdam", "country": "NL"},
                    },
                ),
                document_number=f"HIST-{i}",
                filed_at=(start + timedelta(days=i)).isoformat(),
            ),
        )["consignments"]
        form = SEIZURE if bad else {"method": "nii", "result": "no_irregularity"}
        assert record(bench, client, item["consignment_id"], **form).status_code == 303
        if bad:
            seized.append(item["consignment_id"])
    [uninspected] = bench.file("acme", filing(sea_consignment(master_document="MB-NEW"), document_number="NEW"))[
        "consignments"
    ]

    with bench.db.read() as conn:
        labels = {
            lodgement.consignment_id: result
            for chunk in model_store.lodgements_with_outcomes(conn)
            for lodgement, result in chunk
        }
        table = from_store(conn)
    assert len(labels) == 31
    assert labels[uninspected["consignment_id"]] is None
    assert {labels[c] for c in seized} == {"seizure"}
    assert sum(result == "no_irregularity" for result in labels.values()) == 20
    assert int((table.fraud >= 0).sum()) == 30
    assert int((table.fraud == 1).sum()) == 10
    assert int((table.critical == 2).sum()) == 10  # a seizure is the critical label

    trained = CliRunner().invoke(cli, ["model", "train", "--from-store", "--no-store", "--database", database_url])
    assert trained.exit_code == 0, trained.output
    rows = orjson.loads(trained.stdout.splitlines()[-1])["rows"]
    assert rows["train"] + rows["valid"] == 30
    assert rows["history"] == 31

"""Inspection outcomes: one validation for form and API, one transaction for outcome, seizure, decision and audit."""

import orjson
import pytest
import sqlalchemy as sa

from safelane.cases import outcomes as cases
from safelane.cases.seizures import COMMODITIES, CONCEALMENTS, DETECTIONS, FIELDS, OFFENCES, label
from safelane.referrals import ActionError
from safelane.scope import Scope
from safelane.store import decisions as decision_store
from safelane.store import seizures as seizure_store
from safelane.store.schema import audit_events, decision_events, inspection_outcomes, seizures
from tests.factories import air_consignment, filing, sea_consignment

SEIZURE = {
    "method": "physical",
    "result": "seizure",
    "note": "Bricks behind the cooling unit",
    "commodity": "cocaine",
    "quantity": "48,5",
    "unit": "kg",
    "concealment": "container_structure",
    "detection": "risk_profile",
    "offence": "smuggling",
    "hs_code": "0803.90",
    "description": "42 bricks",
}


def submit(system, consignment: dict, number: str) -> tuple[str, str]:
    """File one consignment; its (consignment id, decision id)."""
    [result] = system.pipeline.submit_message(
        orjson.dumps(filing(consignment, document_number=number)), filer="ACME", actor="acme"
    )
    [item] = result.consignments
    return item.consignment_id, item.decision_id


def counts(system) -> dict[str, int]:
    with system.db.read() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (inspection_outcomes, seizures, decision_events, audit_events)
        }


def test_a_seizure_parses_with_its_cen_fields_normalised() -> None:
    outcome = cases.parse(SEIZURE)
    assert (outcome.method, outcome.result, outcome.note) == ("physical", "seizure", "Bricks behind the cooling unit")
    assert outcome.seizure == cases.Seizure(
        "cocaine", 48.5, "kg", "container_structure", "risk_profile", "smuggling", "080390", "42 bricks"
    )
    assert cases.parse({"method": "nii", "result": "no_irregularity", "quantity": " "}).seizure is None


def test_every_error_is_named_by_its_field_at_once() -> None:
    with pytest.raises(cases.Invalid) as missing:
        cases.parse({"method": "x-ray", "result": "seizure", "quantity": "-2", "hs_code": "12"})
    assert set(missing.value.errors) == {
        "method",
        "commodity",
        "quantity",
        "unit",
        "concealment",
        "detection",
        "offence",
        "hs_code",
    }
    assert "above zero" in missing.value.errors["quantity"]
    assert "'x-ray' is not on it" in missing.value.errors["method"]
    with pytest.raises(cases.Invalid) as words:
        cases.parse({**SEIZURE, "quantity": "a lot", "commodity": "other", "description": ""})
    assert set(words.value.errors) == {"quantity", "description"}
    assert "must be a number" in words.value.errors["quantity"]


def test_seizure_details_under_another_result_are_refused_not_dropped() -> None:
    with pytest.raises(cases.Invalid) as refused:
        cases.parse({**SEIZURE, "result": "irregularity"})
    assert list(refused.value.errors) == ["result"]
    assert "choose the result 'seizure'" in refused.value.errors["result"]


def test_the_vocabularies_are_cen_like_and_labelled() -> None:
    assert {"cocaine", "cigarettes", "cites_wildlife", "cash", "ipr", "strategic_goods", "other"} <= set(COMMODITIES)
    assert {"false_compartment", "container_structure", "undeclared"} <= set(CONCEALMENTS)
    assert {"risk_profile", "random_selection", "detector_dog"} <= set(DETECTIONS)
    assert {"smuggling", "undervaluation", "origin_fraud", "sanctions_export_control"} <= set(OFFENCES)
    assert label("commodity", "cites_wildlife") == "CITES wildlife, flora and fauna"
    assert label("commodity", "retired-code") == "retired-code"
    assert set(FIELDS) == set(cases.SEIZURE_FIELDS)


def test_a_seizure_on_a_red_channel_is_stored_and_closes_it(system, clock) -> None:
    consignment_id, decision_id = submit(system, sea_consignment(), "RED-1")
    outcome = cases.parse(SEIZURE)
    done = cases.record(system.db, consignment_id, outcome, scope=Scope.of("olga", "officer"), at=clock.now)
    assert done["closed"] is True
    assert done["decision_id"] == decision_id
    assert done["seizure_id"]
    with system.db.read() as conn:
        [stored] = cases.history(conn, consignment_id)
        decision = decision_store.get(conn, decision_id)
        events = decision_store.events(conn, decision_id)
        audit = (
            conn.execute(sa.select(audit_events).where(audit_events.c.action == "outcome.recorded")).mappings().one()
        )
    assert decision is not None
    assert (stored["method"], stored["result"], stored["recorded_by"], stored["decision_id"]) == (
        "physical",
        "seizure",
        "olga",
        decision_id,
    )
    assert stored["selection"] == decision["selection"] == "mandatory"
    assert stored["row_id"] == decision["row_id"]
    seizure = stored["seizure"]
    assert {
        k: seizure[k]
        for k in (
            "commodity",
            "quantity",
            "unit",
            "concealment",
            "detection",
            "offence",
            "hs_code",
            "office",
            "reference",
            "recorded_by",
        )
    } == {
        "commodity": "cocaine",
        "quantity": 48.5,
        "unit": "kg",
        "concealment": "container_structure",
        "detection": "risk_profile",
        "offence": "smuggling",
        "hs_code": "080390",
        "office": "NLRTM",
        "reference": "MAEU123456789",
        "recorded_by": "olga",
    }
    assert (decision["outcome"], decision["state"]) == ("red", "closed")
    assert [(e["action"], e["actor"], e["to_state"]) for e in events][-1] == ("inspected", "olga", "closed")
    assert events[-1]["data"] == {"outcome_id": done["outcome_id"], "result": "seizure", "method": "physical"}
    assert audit["subject"] == consignment_id
    assert audit["detail"]["seizure_id"] == done["seizure_id"]


def test_an_outcome_on_a_green_consignment_changes_no_decision(system, clock) -> None:
    consignment_id, _ = submit(system, sea_consignment(goods__0__origin_country="BR"), "GREEN-1")
    before = counts(system)
    done = cases.record(
        system.db,
        consignment_id,
        cases.parse({"method": "documentary", "result": "irregularity"}),
        scope=Scope.of("olga", "officer"),
        at=clock.now,
    )
    assert done["closed"] is False
    assert done["seizure_id"] is None
    after = counts(system)
    assert after["inspection_outcomes"] == before["inspection_outcomes"] + 1
    assert after["decision_events"] == before["decision_events"]
    assert after["seizures"] == before["seizures"]


def test_an_outcome_does_not_lift_a_do_not_load(system, clock) -> None:
    consignment_id, decision_id = submit(
        system, air_consignment(itinerary__place_of_loading="YESAH", goods__0__hs_code="844399"), "DNL-1"
    )
    done = cases.record(
        system.db,
        consignment_id,
        cases.parse({"method": "physical", "result": "no_irregularity"}),
        scope=Scope.of("olga", "officer"),
        at=clock.now,
    )
    with system.db.read() as conn:
        decision = decision_store.get(conn, decision_id)
    assert done["closed"] is False
    assert decision is not None
    assert (decision["outcome"], decision["state"]) == (
        "DNL",
        "open",
    )  # a DNL is lifted by its own action, with a reason


def test_another_office_and_unknown_consignments_store_nothing(system, clock) -> None:
    consignment_id, _ = submit(system, sea_consignment(), "RED-2")
    before = counts(system)
    with pytest.raises(ActionError) as foreign:
        cases.record(
            system.db,
            consignment_id,
            cases.parse(SEIZURE),
            scope=Scope.of("pieter", "officer", office="BEANR"),
            at=clock.now,
        )
    assert foreign.value.status == 404  # as for no consignment: another office's is not revealed
    assert "NLRTM" not in str(foreign.value)
    with pytest.raises(ActionError) as unknown:
        cases.record(system.db, "Cnope", cases.parse(SEIZURE), scope=Scope.of("olga", "officer"), at=clock.now)
    assert unknown.value.status == 404
    assert counts(system) == before


def test_seizures_are_searched_by_office_commodity_and_time(system, clock) -> None:
    rotterdam, _ = submit(system, sea_consignment(), "RED-3")
    antwerp, _ = submit(
        system, sea_consignment(master_document="MSCU1", itinerary__place_of_unloading="BEANR"), "RED-4"
    )
    cases.record(system.db, rotterdam, cases.parse(SEIZURE), scope=Scope.of("olga", "officer"), at=clock.now)
    cases.record(
        system.db,
        antwerp,
        cases.parse({**SEIZURE, "commodity": "cigarettes", "unit": "cartons", "quantity": "900"}),
        scope=Scope.of("pieter", "officer"),
        at=clock.now,
    )
    with system.db.read() as conn:
        assert [r["office"] for r in seizure_store.search(conn, office="BEANR")] == ["BEANR"]
        assert [r["reference"] for r in seizure_store.search(conn, commodity="cocaine")] == ["MAEU123456789"]
        assert seizure_store.search(conn, until=clock.now) == []
        assert len(seizure_store.search(conn)) == 2
        assert seizure_store.offices(conn) == ["BEANR", "NLRTM"]

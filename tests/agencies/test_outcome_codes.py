"""Each agency's inspection result codes are register data (agencies.yaml `outcomes:`), checked when read."""

import pytest

from safelane.agencies.register import RegisterError, agency, parse
from safelane.cases import joint

ENTRY = "agencies:\n  - {code: ph, name: x, kind: other, fields: [goods], outcomes: %s}"


def test_shipped_agencies_have_their_own_codes_releasing_refusing_or_holding() -> None:
    plant = agency("plant_health").outcome_codes()
    assert plant["compliant"]["effect"] == "release" and plant["treatment"]["effect"] == "hold"
    assert plant["pest_refused"] == {"label": "Quarantine pest found, entry refused", "effect": "refuse"}
    assert "sampling" in agency("veterinary").outcome_codes() and "sampling" not in plant
    assert joint.outcome_codes()["wildlife"].keys() == {"compliant", "refused"}


def test_an_administration_sets_its_agencies_codes() -> None:
    [own] = parse(
        ENTRY % "{clean: {label: No pest, effect: release}, fumigate: {label: Fumigate, effect: hold}}"
    ).values()
    assert own.outcome_codes() == {
        "clean": {"label": "No pest", "effect": "release"},
        "fumigate": {"label": "Fumigate", "effect": "hold"},
    }
    [none] = parse("agencies:\n  - {code: ph, name: x, kind: other, fields: [goods]}").values()
    assert none.outcome_codes() == {}  # it cannot record results until it has codes


@pytest.mark.parametrize(
    ("outcomes", "where"),
    [
        ("[clean]", r"agencies\[0\]\.outcomes: a mapping"),
        ("{Clean: {label: x, effect: release}}", r"result code 'Clean'"),
        ("{clean: {effect: release}}", r"agencies\[0\]\.outcomes\.clean\.label: required"),
        ("{clean: {label: x, effect: destroy}}", r"agencies\[0\]\.outcomes\.clean\.effect: one of hold, refuse"),
    ],
)
def test_bad_codes_are_refused_with_their_place(outcomes: str, where: str) -> None:
    with pytest.raises(RegisterError, match=where):
        parse(ENTRY % outcomes)

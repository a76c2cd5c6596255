"""The agency register: shipped data, an administration's own file, and a bad file refused with its place."""

import pytest

from safelane.agencies.register import RegisterError, agency, parse, register


def test_shipped_register_covers_the_usual_competences() -> None:
    agencies = register()
    assert {"plant_health", "veterinary", "food_safety", "wildlife"} <= set(agencies)
    assert agency("plant_health").covers(["0603110000"], []) and not agency("plant_health").covers(["0203"], [])
    assert agency("veterinary").covers(["1601"], []) and agency("veterinary").covers(["0105"], [])
    assert agency("wildlife").covers([], ["Carved IVORY figurines"]) and not agency("wildlife").covers(["0603"], [])
    with pytest.raises(KeyError, match="no agency 'customs'"):
        agency("customs")


def test_an_administration_replaces_the_register(tmp_path, monkeypatch) -> None:
    own = tmp_path / "agencies.yaml"
    own.write_text(
        "agencies:\n"
        "  - {code: fisheries, name: Fisheries Inspectorate, kind: other, hs_chapters: [3], fields: [goods]}\n"
    )
    monkeypatch.setenv("SAFELANE_AGENCIES", str(own))
    assert set(register()) == {"fisheries"} and agency("fisheries").fields == {"goods"}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("agencies: {}", "needs a list under 'agencies'"),
        ("agencies:\n  - {code: Customs, name: x, kind: other, fields: [goods]}", r"agencies\[0\]\.code"),
        ("agencies:\n  - {code: ph, name: x, kind: plants, fields: [goods]}", r"agencies\[0\]\.kind"),
        ("agencies:\n  - {code: ph, name: x, kind: other, hs_chapters: [100], fields: [goods]}", r"\.hs_chapters"),
        ("agencies:\n  - {code: ph, name: x, kind: other, fields: [secrets]}", r"agencies\[0\]\.fields"),
        (
            "agencies:\n  - {code: ph, name: x, kind: other, fields: [goods]}\n"
            "  - {code: ph, name: y, kind: other, fields: [goods]}",
            r"agencies\[1\]\.code: ph appears twice",
        ),
    ],
)
def test_bad_register_is_refused_with_its_place(text: str, where: str) -> None:
    with pytest.raises(RegisterError, match=where):
        parse(text, "own.yaml")

"""Normalisation and matching: scripts, order, typos, legal forms, identifiers, country and birth year."""

import pytest

from safelane.screening.matcher import Query, compare_names, compatible
from safelane.screening.names import normalise
from safelane.screening.policy import ScreeningPolicy


def score(a: str, b: str, schema: str | None = None) -> float:
    return compare_names(normalise(a), normalise(b), schema).score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("OOO Газпром", "Gazprom LLC"),  # Cyrillic and a Russian legal form against an English one
        ("Эрик Бадеге", "ERIC BADEGE"),  # transliterated from Cyrillic
        ("Кусай Саддам Хусейн аль-Тикрити", "QUSAY SADDAM HUSSEIN AL-TIKRITI"),
        ("SALEK, ABDULHAI", "ABDULHAI SALEK"),  # LAST, FIRST
        ("Siemens Aktiengesellschaft", "SIEMENS AG"),
        ("Olaf Schulze", "Olaf Scholz"),  # sounds alike
        ("Anglea Merkel", "Angela Merkel"),  # swapped letters
        ("Abdulrahman Hassan", "Abdul Rahman Hassan"),  # joined words
        ("CHO HYO'K SAN", "Cho Hyok San"),
    ],
)
def test_variants_of_one_name_match(a, b):
    assert score(a, b) >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Octavian Scholz", "Olaf Scholz"),  # another first name
        ("Bashar al-Assad", "Hafez al-Assad"),
        ("Volkswagen AG", "Siemens AG"),
    ],
)
def test_different_names_do_not(a, b):
    assert score(a, b) < 0.75


def test_one_name_part_against_several_is_only_a_possible_hit():
    policy = ScreeningPolicy()
    assert policy.possible <= score("WALIJAN", "WALIJAN ABDUL GHAFOOR HAQQANI") < policy.strong


def test_order_and_legal_form_do_not_change_the_key():
    assert normalise("Falcon Star General Trading LLC").key == normalise("TRADING GENERAL STAR FALCON").key


def test_schemas_that_cannot_be_the_same_thing():
    assert not compatible("Person", "Vessel")
    assert not compatible("Vessel", "Company")
    assert compatible(None, "Vessel")
    assert compatible("Company", "LegalEntity")
    assert compatible("Person", "Person")


def test_identifier_decides_and_country_or_birth_year_disagreement_lowers(screener):
    by_imo = screener.screen(Query("Some Other Tanker", "Vessel", None, ("9187629",))).hits[0]
    assert by_imo.entity_id == "ofac-sdn-15036"
    assert by_imo.score == 1.0
    assert by_imo.why["identifiers"][0]["property"] == "imoNumber"
    plain = screener.screen(Query("Ivan Petrovich Fictus", "Person")).hits[0]
    elsewhere = screener.screen(Query("Ivan Petrovich Fictus", "Person", "br", (), 1990)).hits[0]
    same = screener.screen(Query("Ivan Petrovich Fictus", "Person", "ru", (), 1971)).hits[0]
    # name only: a person is never a strong hit without corroboration; country and birth year agreeing are
    assert elsewhere.score < plain.score < same.score == 1.0
    assert plain.why["corroboration"].startswith("none") and same.why["corroborated_by"] == ["country", "birth_year"]
    assert elsewhere.why["country"].startswith("differs")
    assert elsewhere.why["birth_year"] == "differs"
    assert same.tiebreak > plain.tiebreak  # agreeing country and birth year rank it first among equals


def test_hits_say_which_alias_and_parts_matched(screener):
    hit = screener.screen(Query("National Bank of Cuba")).hits[0]
    assert (hit.entity_id, hit.matched_name, hit.matched_property) == ("ofac-sdn-306", "NATIONAL BANK OF CUBA", "alias")
    assert {p["how"] for p in hit.why["name_parts"]} == {"exact"}
    cyrillic = screener.screen(Query("Фалькон Стар Дженерал Трейдинг ООО")).hits[0]  # noqa: RUF001
    assert cyrillic.entity_id == "opensanctions-style-nk-falcon-star"


def test_weak_alias_alone_is_not_a_strong_hit(screener):
    hit = screener.screen(Query("Falcon Star")).hits[0]
    assert hit.matched_property == "weakAlias"
    assert hit.score < ScreeningPolicy().strong


def test_a_screening_touches_few_entries_and_is_cached(screener):
    first = screener.screen(Query("Banco Nacional de Cuba"))
    assert 0 < first.candidates < 10
    again = screener.screen(Query("banco  NACIONAL de cuba"))
    assert again.candidates == 0
    assert again.hits == first.hits  # same normalised party: from the cache

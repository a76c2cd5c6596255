"""The strategic goods tables: codes with "ex", descriptions and CAS numbers, concentrations, dates, replacements."""

from datetime import date
from pathlib import Path

import pytest

from safelane.reference.strategic import (
    CHPL,
    ControlCode,
    StrategicTableError,
    load,
    parse_code,
    read_dual_use,
    shipped,
)

DAY = date(2026, 11, 20)


def keys(hs: str | None, description: str | None, day: date = DAY) -> set[str]:
    return {f"{m.entry.list}:{m.entry.entry}" for m in shipped().match(hs, description, day)}


def test_codes_are_read_as_the_annexes_write_them():
    assert parse_code("ex 2808 00 00") == ControlCode("28080000", ex=True)
    assert parse_code("2847 00 00") == ControlCode("28470000")
    assert str(ControlCode("28080000", ex=True)) == "ex 2808 00 00"
    with pytest.raises(ValueError, match="not a CN/HS code"):
        parse_code("ex 28")


def test_the_shipped_tables_hold_the_annexes_and_the_chpl():
    tables = shipped()
    by_list: dict[str, int] = {}
    for entry in tables.entries:
        by_list[entry.list] = by_list.get(entry.list, 0) + 1
    assert by_list == {"eu_precursors_restricted": 9, "eu_precursors_reportable": 9, "chpl": 50}
    nitric = next(e for e in tables.entries if e.entry == "AI-1")
    assert (nitric.cas, nitric.limit_percent, nitric.upper_limit_percent) == ("7697-37-2", 3.0, 10.0)
    assert [str(c) for c in nitric.codes] == ["ex 2808 00 00", "ex 3824 99 96"]


def test_an_ex_code_needs_the_description_to_confirm_it():
    assert keys("280800", "Nitric acid 68 %") == {"eu_precursors_restricted:AI-1"}
    assert keys("280800", None) == set()  # ex 2808 00 00: sulphonitric acids share the code
    assert keys("280800", "Sulphonitric acid") == set()


def test_a_cas_number_confirms_an_ex_code():
    [match] = shipped().match("28080000", "Acid, CAS 7697-37-2, 65%", DAY)
    assert (match.entry.entry, match.cas, match.confirmed_by, match.concentration) == (
        "AI-1",
        "7697-37-2",
        "HS code and CAS number",
        65.0,
    )


def test_a_wholly_controlled_code_matches_on_the_hs_code_alone():
    # 2847 00 00 is HS 284700 undivided: declaring either is declaring it
    for hs in ("284700", "28470000", "2847000010"):
        [match] = shipped().match(hs, None, DAY)
        assert (match.entry.entry, match.relation, match.confirmed_by) == ("AI-2", "exact", "HS code")


def test_a_broader_declared_code_needs_the_description():
    # HS 382499 covers ex 3824 99 96 (mixtures of precursors) and many other chemical products
    assert keys("382499", "Cleaning concentrate") == set()
    assert keys("382499", "Mixture with hydrogen peroxide 35 %") == {"eu_precursors_restricted:AI-2"}


def test_a_description_alone_counts_without_an_hs_code_or_within_the_entrys_chapters():
    assert keys(None, "Sodium chlorate 99%") == {"eu_precursors_restricted:AI-8"}
    assert keys("282990", "Potassium perchlorate") == {"eu_precursors_restricted:AI-7"}
    # declared under cosmetics: not a chapter of acetone's codes, left to other checks
    assert keys("330430", "Acetone nail polish remover") == set()


def test_the_concentration_is_the_percentage_nearest_after_the_substance():
    [match] = shipped().match("284700", "Hydrogen peroxide 50 % stabilised, 5% water", DAY)
    assert (match.concentration, match.snippet) == (50.0, "Hydrogen peroxide 50 %")
    [match] = shipped().match("284700", "35,5 % hydrogen peroxide solution", DAY)
    assert match.concentration == 35.5


def test_the_chpl_matches_hs6_and_names_its_destinations_of_concern():
    assert keys("8542310000", "Microcontrollers") == {"chpl:854231"}
    assert keys("854290", "IC parts") == set()
    tables = shipped()
    assert {(d.country, d.role) for d in tables.concerns("chpl", {"RU"}, {"RU", "KZ"}, DAY)} == {
        ("RU", "destination"),
        ("RU", "route"),
    }
    assert tables.concerns("chpl", {"DE"}, {"KZ"}, DAY) == []
    assert [d.country for d in tables.concerns("eu_precursors_restricted", {"KP"}, set(), DAY)] == ["KP"]


def test_entries_apply_only_from_their_date():
    assert keys("854231", None, date(2024, 2, 22)) == set()
    assert keys("854231", None, date(2024, 2, 23)) == {"chpl:854231"}
    assert shipped().concerns("chpl", {"RU"}, set(), date(2024, 2, 22)) == []


def test_an_administration_replaces_a_table_and_its_dates(tmp_path: Path):
    (tmp_path / CHPL).write_text("hs6,tier,valid_from,valid_to\n854231,TIER_1,2024-02-23,2026-06-30\n")
    tables = load(tmp_path)
    assert [m.entry.entry for m in tables.match("854231", None, date(2026, 6, 30))] == ["854231"]
    assert tables.match("854231", None, date(2026, 7, 1)) == ()
    assert tables.match("854232", None, date(2026, 6, 1)) == ()  # the replaced table is the whole list
    assert tables.version != shipped().version


def test_a_bad_table_row_is_located(tmp_path: Path):
    (tmp_path / CHPL).write_text("hs6,tier,valid_from\n854231,TIER_1,2024-02-23\n85423,TIER_1,2024-02-23\n")
    with pytest.raises(StrategicTableError, match=r"chpl.csv:3: cn_codes: '85423' is not a CN/HS code"):
        load(tmp_path)
    (tmp_path / CHPL).write_text("hs6,valid_from\n")
    with pytest.raises(StrategicTableError, match=r"chpl.csv: missing column\(s\) tier"):
        load(tmp_path)


def test_a_dual_use_correlation_table_is_loaded(tmp_path: Path):
    path = tmp_path / "correlation.csv"
    path.write_text("CN code,ECN,Description\nex 8542 31 90,3A001,Microprocessors\n8401 10 00,0A001,Nuclear reactors\n")
    tables = load(dual_use=path)
    [reactor] = tables.match("84011000", None, DAY)
    assert (reactor.entry.list, reactor.entry.entry, reactor.relation) == ("dual_use", "0A001", "exact")
    [chip] = [m for m in tables.match("85423190", None, DAY) if m.entry.list == "dual_use"]
    assert chip.relation == "partial"  # no keywords to confirm it: shown as partly controlled


def test_a_dual_use_table_without_the_needed_columns_is_refused():
    with pytest.raises(StrategicTableError, match="needs a CN code column"):
        read_dual_use("code_name,what\n1,2\n", "mine.csv")
    with pytest.raises(StrategicTableError, match=r"mine.csv:2: cn_codes"):
        read_dual_use("cn,ecn\n12,3A001\n", "mine.csv")

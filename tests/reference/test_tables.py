"""The packaged reference tables: known and unknown codes, and the shape of the shipped data.

Expected values are facts of the sources named in src/safelane/reference/data/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import string
from importlib.resources import files

import pytest

from safelane.reference import (
    HsEntry,
    Location,
    country_known,
    country_name,
    currency_known,
    currency_minor_units,
    hs_chapter_known,
    hs_description,
    hs_entry,
    hs_section_name,
    hs_subheading_known,
    location,
    location_known,
    locations_in,
)

DATA = files("safelane.reference") / "data"
DATA_FILES = ["hs2022.csv", "countries.csv", "currencies.csv", "unlocode.csv.gz", "PROVENANCE.md"]


def _near(loc: Location | None, lat: float, lon: float, within: float = 0.25) -> bool:
    return (
        loc is not None
        and loc.latitude is not None
        and loc.longitude is not None
        and abs(loc.latitude - lat) <= within
        and abs(loc.longitude - lon) <= within
    )


# --- the shipped files ---------------------------------------------------------------------------


def test_data_files_ship_inside_the_package_and_stay_compact() -> None:
    sizes = {name: len((DATA / name).read_bytes()) for name in DATA_FILES}
    assert all(sizes.values()), sizes
    assert sum(sizes.values()) < 3_000_000, sizes


def test_provenance_covers_every_data_file() -> None:
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in DATA_FILES[:-1]:
        assert f"## {name}" in text
    for fact in [
        "905e5a0fa29f5700d62cb3cc1265f21bc8a92329",
        "b1309b37edea63334a819a78c22b8967f61c37ad",
        "87497705d8af9b148b63b352a2869fd1fcb08452",
        "7b06aecbfba777bec2cd03bb38255ae20c0f763b",
        "pycountry",
        "ODC-PDDL-1.0",
    ]:
        assert fact in text


def test_unlocode_file_is_sorted_with_unique_codes() -> None:
    text = gzip.decompress((DATA / "unlocode.csv.gz").read_bytes()).decode("utf-8")
    codes = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert len(codes) > 110_000
    assert codes == sorted(set(codes))


# --- HS 2022 -------------------------------------------------------------------------------------


def test_hs_chapter_heading_and_subheading() -> None:
    chapter = hs_entry("85")
    assert isinstance(chapter, HsEntry)
    assert (chapter.code, chapter.section, chapter.level) == ("85", "XVI", 2)
    assert chapter.description.startswith("Electrical machinery and equipment")
    heading = hs_entry("8507")
    assert heading is not None
    assert heading.level == 4
    assert "accumulators" in heading.description
    sub = hs_entry("850760")
    assert sub is not None
    assert sub.level == 6
    assert sub.section == "XVI"
    assert "lithium-ion" in sub.description.lower()
    assert (hs_section_name("XVI") or "").startswith("Machinery and mechanical appliances")
    assert hs_section_name("XXII") is None


def test_hs_table_has_every_hs2022_chapter_and_no_other() -> None:
    chapters = [f"{n:02d}" for n in range(100) if hs_chapter_known(f"{n:02d}")]
    assert len(chapters) == 96
    assert chapters[0] == "01"
    assert chapters[-1] == "97"
    assert "77" not in chapters  # reserved in HS
    assert "98" not in chapters
    assert "99" not in chapters  # national use / Comtrade "not specified"


def test_hs_checks_use_the_leading_digits_of_longer_codes() -> None:
    assert hs_chapter_known("8507600000")
    assert hs_subheading_known("850760")
    assert hs_subheading_known("85076000")
    assert not hs_subheading_known("850799")  # heading 8507 exists, this subheading does not
    assert hs_chapter_known("850799")
    assert not hs_chapter_known("7700000000")
    assert not hs_subheading_known("8507")  # too short to name a subheading


def test_hs_description_falls_back_to_heading_then_chapter() -> None:
    assert "lithium-ion" in (hs_description("8507600010") or "").lower()
    assert hs_description("8507990000") == hs_entry("8507").description  # type: ignore[union-attr]
    assert hs_description("85") == hs_entry("85").description  # type: ignore[union-attr]
    assert hs_description("7701") is None


@pytest.mark.parametrize(
    "code", ["", "7", "77", "99", "XVI", "8507.60", "85 07", "\uff18\uff15", "850760000a", "TOTAL"]
)
def test_hs_rejects_unknown_or_malformed_codes(code: str) -> None:
    assert hs_entry(code) is None
    assert not hs_chapter_known(code)
    assert not hs_subheading_known(code)


def test_hs_separators_are_not_stripped() -> None:
    assert not hs_chapter_known("85.07")
    assert hs_description("8507.60") is None


# --- countries and currencies --------------------------------------------------------------------


def test_country_names() -> None:
    assert country_name("CN") == "China"
    assert country_name("GB") == "United Kingdom"
    assert country_name("DE") == "Germany"
    assert country_name("US") == "United States of America"  # source's " (the)" dropped
    assert country_known("BV")  # missing from the source, added from ISO 3166-1 (see PROVENANCE.md)


@pytest.mark.parametrize("code", ["ZZ", "XZ", "XK", "cn", "CHN", "", "C"])
def test_unknown_countries(code: str) -> None:
    assert not country_known(code)
    assert country_name(code) is None


def test_every_country_is_two_upper_case_letters() -> None:
    letters = string.ascii_uppercase
    known = [a + b for a in letters for b in letters if country_known(a + b)]
    assert len(known) == 249


@pytest.mark.parametrize(("code", "units"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("BHD", 3), ("CLF", 4), ("CNY", 2)])
def test_currency_minor_units(code: str, units: int) -> None:
    assert currency_known(code)
    assert currency_minor_units(code) == units


def test_currency_without_minor_units() -> None:
    assert currency_known("XAU")
    assert currency_minor_units("XAU") is None


@pytest.mark.parametrize("code", ["XXX", "XTS", "ZZZ", "eur", "EU", "", "DEM", "978"])
def test_unknown_currencies(code: str) -> None:
    assert not currency_known(code)
    assert currency_minor_units(code) is None


# --- UN/LOCODE -----------------------------------------------------------------------------------


def test_shanghai_in_the_2018_edition() -> None:
    # In UN/LOCODE 2018-1 CNSHA is the Hongqiao airport, with no coordinates; the city and port is CNSGH.
    sha = location("CNSHA")
    assert sha is not None
    assert sha.is_airport
    assert not sha.is_port
    assert "Hongqiao" in sha.name
    assert sha.latitude is None
    city = location("CNSGH")
    assert city is not None
    assert city.name == "Shanghai"
    assert city.country == "CN"
    assert city.subdivision == "31"
    assert city.is_port
    assert city.is_airport
    assert city.is_rail
    assert city.is_road
    assert city.is_postal
    assert _near(city, 31.23, 121.47)
    assert location("CNSHG") is not None
    assert location("CNSHG").is_port  # type: ignore[union-attr]


def test_frankfurt() -> None:
    fra = location("DEFRA")
    assert fra is not None
    assert fra.name == "Frankfurt am Main"
    assert fra.subdivision == "HE"
    assert fra.functions == "12345---"
    assert fra.is_airport
    assert fra.is_rail
    assert fra.is_road
    assert fra.is_postal
    # UN/LOCODE leaves the IATA column empty when it equals the location part (FRA), so none is given.
    assert fra.iata is None
    assert _near(fra, 50.11, 8.68)


def test_iata_code_when_it_differs_from_the_locode() -> None:
    ajman = location("AEAJM")
    assert ajman is not None
    assert ajman.iata == "QAJ"


def test_2024_edition_wins_and_adds() -> None:
    rotterdam = location("NLRTM")
    assert rotterdam is not None
    assert rotterdam.is_port
    assert _near(rotterdam, 51.92, 4.48)
    anaklia = location("GEANA")  # added in 2024-2, not in 2018-1
    assert anaklia is not None
    assert anaklia.name == "Anaklia"
    assert anaklia.is_port
    assert location_known("SANEO")  # Neom, also new in 2024-2
    assert not location_known("ITABF")  # marked for deletion in 2024-2


def test_repeated_code_for_alternative_names_is_one_location() -> None:
    hydra = location("GRHYD")
    assert hydra is not None
    assert hydra.name == "Hydra (Idhra)"
    tri = location("USTRI")  # four rows in 2024-2; functions merged
    assert tri is not None
    assert tri.functions == "-234----"


def test_locode_written_with_a_space() -> None:
    assert location("CN SHA") == location("CNSHA")
    assert location("CN SHA") is location("CNSHA")
    assert location_known("DE FRA")


@pytest.mark.parametrize("code", ["ZZZZZ", "cnsha", "CNSH", "CNSHAA", "CN-SHA", "CN  SHA", " CNSHA", "", "XXXXX"])
def test_unknown_locodes(code: str) -> None:
    assert location(code) is None
    assert not location_known(code)


def test_locations_in_filters_by_country_and_function() -> None:
    airports = locations_in("CN", "4")
    codes = [loc.code for loc in airports]
    assert "CNSHA" in codes
    assert "CNPVG" in codes
    assert "CNSHG" not in codes
    assert codes == sorted(codes)
    assert all(loc.country == "CN" and loc.is_airport for loc in airports)
    everything = locations_in("CN")
    assert len(everything) > len(airports) > 100
    assert {loc.code for loc in airports} <= {loc.code for loc in everything}
    ports = locations_in("NL", "1")
    assert ports
    assert all(loc.is_port for loc in ports)
    assert locations_in("ZZ") == []
    assert locations_in("cn") == []


def test_locations_in_returns_a_fresh_list() -> None:
    first = locations_in("AD")
    first.clear()
    assert locations_in("AD")


@pytest.mark.parametrize("function", ["", "8", "14", "port", "b"])
def test_locations_in_rejects_unknown_function(function: str) -> None:
    with pytest.raises(ValueError):
        locations_in("CN", function)


def test_every_location_is_well_formed() -> None:
    letters = string.ascii_uppercase
    total = 0
    for country in (a + b for a in letters for b in letters):
        for loc in locations_in(country):
            total += 1
            assert loc.code[:2] == loc.country == country
            assert len(loc.code) == 5
            assert loc.name
            assert loc.name.isascii()
            assert len(loc.functions) == 8
            assert (loc.latitude is None) == (loc.longitude is None)
            if loc.latitude is not None and loc.longitude is not None:
                assert -90 <= loc.latitude <= 90
                assert -180 <= loc.longitude <= 180
    assert total > 110_000

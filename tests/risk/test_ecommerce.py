"""The e-commerce assessor's rules on lodgements: dated thresholds and their edges, splitting within a batch,
mis-declared goods, seller registrations, sparse consignments. Splitting through the store is in
test_ecommerce_splitting.py."""

from datetime import date
from pathlib import Path

import pytest

from safelane.domain import Consignment, Finding
from safelane.risk.ecommerce import EcommerceAssessor
from safelane.risk.ecommerce.tables import TableError, load
from tests.factories import lodgement
from tests.risk.ecommerce_parcels import parcel

TABLES = load()


def assess(*parcels: tuple[dict, str], kind: str | None = None) -> list[list[Finding]]:
    """Assess parcels (data, filed_at) as one batch, without a store."""
    batch = []
    for number, (data, filed_at) in enumerate(parcels):
        data = {**data, "house_document": f"EXP-{number:04d}"}
        batch.append(lodgement(data, filed_at=filed_at, kind=kind))
    return EcommerceAssessor(TABLES).assess([_renamed(lo, i) for i, lo in enumerate(batch)])


def _renamed(lo, index):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(lo, consignment_id=f"C{index:04d}")


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


DAY = "2026-11-20T08:00:00Z"


# -- dated thresholds ---------------------------------------------------------------------------------------


def test_the_eu_duty_relief_ends_and_the_flat_duty_starts_on_1_july_2026() -> None:
    before = {t.kind for t in TABLES.regime("EU", date(2026, 6, 30)) if t.limit is not None}
    after = [t for t in TABLES.regime("EU", date(2026, 7, 1)) if t.limit is not None]
    assert before == {"relief"}
    assert [(t.kind, t.per, t.value, t.ceiling) for t in after] == [("flat_duty", "tariff_subheading", 3.0, 150.0)]
    assert TABLES.regime("EU", date(2028, 7, 2)) and not [
        t for t in TABLES.regime("EU", date(2028, 7, 2)) if t.limit is not None
    ]


def test_the_us_de_minimis_is_suspended_from_29_august_2025() -> None:
    assert [t.value for t in TABLES.regime("US", date(2025, 8, 28))] == [800.0]
    assert TABLES.regime("US", date(2025, 8, 29)) == ()


def test_member_states_share_the_eu_regime() -> None:
    assert TABLES.destination("DE") == "EU" and TABLES.destination("JP") == "JP" and TABLES.destination(None) is None


def test_a_replacement_folder_replaces_a_table(tmp_path: Path) -> None:
    (tmp_path / "de_minimis.csv").write_text(
        "destination,kind,relieves,basis,per,currency,value,ceiling,effective_from,effective_to,source\n"
        "CH,relief,duty+vat,intrinsic,consignment,CHF,5,,2026-01-01,,test\n"
    )
    tables = load(tmp_path)
    assert [t.currency for t in tables.regime("CH", date(2026, 1, 1))] == ["CHF"]
    assert tables.regime("EU", date(2026, 1, 1)) == ()
    assert tables.keywords == TABLES.keywords  # the tables not replaced stay the shipped ones
    assert tables.version != TABLES.version


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("EU,relief,duty,intrinsic,consignment,EUR,cheap,,,,x", "de_minimis.csv: line 2: value must be a number"),
        ("EU,relief,duty,intrinsic,consignment,EUR,1,,2026-13-01,,x", "line 2: effective_from must be a date"),
        ("EU,flat_duty,duty,intrinsic,tariff_subheading,EUR,3,,,,x", "line 2: a flat_duty row needs the ceiling"),
        ("EU,relief,duty,fob,consignment,EUR,3,,,,x", "line 2: basis must be one of intrinsic, cif"),
    ],
)
def test_a_malformed_replacement_is_refused_naming_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    (tmp_path / "de_minimis.csv").write_text(
        "destination,kind,relieves,basis,per,currency,value,ceiling,effective_from,effective_to,source\n" + row + "\n"
    )
    with pytest.raises(TableError, match=message):
        load(tmp_path)


# -- splitting within a batch -------------------------------------------------------------------------------


@pytest.mark.parametrize(("second", "split"), [(75.0, False), (75.01, True)])
def test_splitting_starts_above_the_limit_not_at_it(second: float, split: bool) -> None:
    first, other = assess((parcel(75.0), DAY), (parcel(second), DAY))
    assert first == []
    assert codes(other) == (["ECOM-SPLIT"] if split else [])


def test_a_split_finding_names_the_parcels_the_total_and_the_limit() -> None:
    _, _, third = assess((parcel(60.0), DAY), (parcel(50.0), DAY), (parcel(45.0), DAY))
    [finding] = third
    assert finding.evidence["total"] == 155.0 and finding.evidence["limit"] == 150.0
    assert [p["consignment_id"] for p in finding.evidence["parcels"]] == ["C0000", "C0001"]
    assert finding.evidence["matched_on"] == ["name_address", "phone"]
    assert "3 parcels to the same consignee" in finding.explanation
    assert "EUR 155.00, above the EUR 150.00 limit" in finding.explanation


def test_a_parcel_above_the_limit_is_not_a_split() -> None:
    assert assess((parcel(100.0), DAY), (parcel(151.0), DAY))[1] == []


def test_the_same_phone_under_another_name_and_address_is_the_same_consignee() -> None:
    other = parcel(100.0, consignee__name="A. Mueller", consignee__address__street="Ringstr. 1")
    assert codes(assess((parcel(100.0), DAY), (other, DAY))[1]) == ["ECOM-SPLIT"]


def test_a_name_spelt_with_other_accents_and_punctuation_matches_on_name_and_address() -> None:
    other = parcel(
        100.0, consignee__name="ANNA MULLER", consignee__address__street="Lindenstrasse 5", consignee__identifiers=[]
    )
    [finding] = assess((parcel(100.0, consignee__identifiers=[]), DAY), (other, DAY))[1]
    assert finding.evidence["matched_on"] == ["name_address"]


def test_parcels_to_a_registered_trader_are_its_business_not_a_split() -> None:
    trader = parcel(100.0, consignee__identifiers=[{"scheme": "EORI", "value": "DE123456789012345"}])
    assert assess((trader, DAY), (trader, DAY))[1] == []


def test_another_consignee_or_destination_is_not_a_split() -> None:
    stranger = parcel(
        100.0, consignee__name="Ben Kurz", consignee__address__street="Hauptweg 9", consignee__identifiers=[]
    )
    to_japan = parcel(100.0, itinerary__place_of_unloading="JPNRT", consignee__address__country="JP")
    assert assess((parcel(100.0), DAY), (stranger, DAY))[1] == []
    assert assess((parcel(100.0), DAY), (to_japan, DAY))[1] == []


@pytest.mark.parametrize(("later", "split"), [("2026-12-20T08:00:00Z", True), ("2026-12-20T08:00:01Z", False)])
def test_the_window_is_30_days(later: str, split: bool) -> None:
    assert codes(assess((parcel(100.0), DAY), (parcel(100.0), later))[1]) == (["ECOM-SPLIT"] if split else [])


def test_the_us_limit_counts_until_the_suspension_and_not_after() -> None:
    def to_us(value: float):  # type: ignore[no-untyped-def]
        return parcel(value, "USD", itinerary__place_of_unloading="USJFK", consignee__address__country="US")

    before = assess((to_us(500), "2025-08-20T08:00:00Z"), (to_us(400), "2025-08-28T20:00:00Z"))[1]
    after = assess((to_us(500), "2025-08-29T08:00:00Z"), (to_us(400), "2025-08-30T08:00:00Z"))[1]
    assert codes(before) == ["ECOM-SPLIT"] and "USD 900.00" in before[0].explanation
    assert after == []


def test_the_eu_split_names_the_relief_before_july_2026_and_the_flat_duty_after() -> None:
    [before] = assess((parcel(100.0), "2026-06-10T08:00:00Z"), (parcel(100.0), "2026-06-30T23:00:00Z"))[1]
    [after] = assess((parcel(100.0), "2026-07-01T00:00:00Z"), (parcel(100.0), "2026-07-02T00:00:00Z"))[1]
    assert before.evidence["treatment"] == "relief from duty"
    assert after.evidence["treatment"] == "the EUR 3 flat duty per tariff sub-heading"


def test_values_are_converted_to_the_limit_currency_with_the_ecb_rate_of_the_day() -> None:
    def to_japan(value: float, currency: str):  # type: ignore[no-untyped-def]
        return parcel(value, currency, itinerary__place_of_unloading="JPNRT", consignee__address__country="JP")

    yen = assess((to_japan(6000, "JPY"), DAY), (to_japan(5000, "JPY"), DAY))[1]
    assert codes(yen) == ["ECOM-SPLIT"] and yen[0].evidence["total"] == 11000.0
    euro = assess((to_japan(35, "EUR"), DAY), (to_japan(35, "EUR"), DAY))[1]  # about JPY 12,700 in Nov 2026
    assert codes(euro) == ["ECOM-SPLIT"]


# -- mis-declaration ----------------------------------------------------------------------------------------


def goods(**item) -> dict:  # type: ignore[no-untyped-def]
    base = {"description": "Cotton T-shirt", "hs_code": "610910", "value": {"amount": 60.0, "currency": "EUR"}}
    return parcel(goods=[{**base, **item}])


@pytest.mark.parametrize(
    ("description", "hs_code", "flagged"),
    [
        ("Apple iPhone 15 128GB", "950300", True),
        ("mobile phone", "950300", True),
        ("toy phone for children", "950300", False),
        ("silicone phone case", "392690", False),
        ("Apple iPhone 15 128GB", "851713", False),
        ("plastic building blocks", "950300", False),
        ("Plastic phone holders", "392690", False),
        ("Cheap smartphones", "950300", True),
    ],
)
def test_a_description_of_another_chapter(description: str, hs_code: str, flagged: bool) -> None:
    [found] = assess((goods(description=description, hs_code=hs_code, value={"amount": 90, "currency": "EUR"}), DAY))
    assert ("ECOM-HS-MISMATCH" in codes(found)) is flagged


def test_the_mismatch_names_the_keyword_and_the_chapters() -> None:
    [found] = assess((goods(description="Samsung smartphone", hs_code="950300"), DAY))
    [mismatch] = [f for f in found if f.code == "ECOM-HS-MISMATCH"]
    assert "'smartphone' describes goods of chapter 85" in mismatch.explanation
    assert mismatch.evidence["expected_chapters"] == ["85"]


def test_vague_descriptions_of_parcels_are_found_but_pre_loading_leaves_them_to_placi() -> None:
    for vague in ("gift", "Sample", "parts"):
        [found] = assess((goods(description=vague), DAY), kind="pre_arrival")
        assert codes(found) == ["ECOM-VAGUE"], vague
    assert assess((goods(description="gift"), DAY), kind="pre_loading") == [[]]


@pytest.mark.parametrize(("amount", "flagged"), [(12.0, True), (39.99, True), (40.0, False)])
def test_a_smartphone_declared_under_its_floor(amount: float, flagged: bool) -> None:
    item = goods(description="Smartphone", hs_code="851713", value={"amount": amount, "currency": "EUR"})
    [found] = assess((item, DAY))
    assert codes(found) == (["ECOM-UNDERVALUED"] if flagged else [])


def test_a_line_whose_mass_says_it_is_a_small_part_is_not_undervalued() -> None:
    def phones(kg: float):  # type: ignore[no-untyped-def]
        value = {"amount": 30, "currency": "EUR"}
        return goods(description="Smartphones", hs_code="851713", value=value, net_mass_kg=kg, gross_mass_kg=kg)

    [light] = assess((phones(0.05), DAY))  # EUR 600 per kg: a sliver of a phone's worth of mass
    [heavy] = assess((phones(2.0), DAY))  # EUR 15 per kg: ten phones at EUR 3
    assert light == []
    assert codes(heavy) == ["ECOM-UNDERVALUED"] and "EUR 15.00 per kg" in heavy[0].explanation


def test_an_accessory_for_phones_is_no_phone() -> None:
    charger = goods(description="Chargers for mobile phones", hs_code="850440", value={"amount": 5, "currency": "EUR"})
    assert assess((charger, DAY)) == [[]]


def test_a_phone_under_the_toy_chapter_is_also_valued_as_a_phone() -> None:
    item = goods(description="Android smartphone", hs_code="950300", value={"amount": 9.5, "currency": "USD"})
    [found] = assess((item, DAY))
    assert codes(found) == ["ECOM-HS-MISMATCH", "ECOM-UNDERVALUED"]


def test_excise_goods_in_a_low_value_relief() -> None:
    perfume = goods(description="Eau de parfum 50 ml", hs_code="330300", value={"amount": 45, "currency": "EUR"})
    [before] = assess((perfume, "2026-06-01T08:00:00Z"))
    [after] = assess((perfume, "2026-07-01T08:00:00Z"))  # no relief left to exclude it from
    assert codes(before) == ["ECOM-EXCISE"] and "does not cover" in before[0].explanation
    assert after == []


# -- seller registrations -----------------------------------------------------------------------------------


def with_ioss(value: float, number: str) -> dict:  # type: ignore[no-untyped-def]
    return parcel(value, consignor__identifiers=[{"scheme": "IOSS", "value": number}])


def test_an_ioss_number_of_the_wrong_form() -> None:
    [found] = assess((with_ioss(60, "IM12345"), DAY))
    assert codes(found) == ["ECOM-SCHEME-INVALID"] and "'IM12345'" in found[0].explanation


@pytest.mark.parametrize(("value", "misused"), [(150.0, False), (150.01, True)])
def test_an_ioss_number_above_its_ceiling(value: float, misused: bool) -> None:
    [found] = assess((with_ioss(value, "IM2760000001"), DAY))
    assert codes(found) == (["ECOM-SCHEME-MISUSED"] if misused else [])


def test_norway_requires_the_voec_number_from_2024() -> None:
    def to_norway(**changes):  # type: ignore[no-untyped-def]
        return parcel(200, "NOK", itinerary__place_of_unloading="NOOSL", consignee__address__country="NO", **changes)

    [missing] = assess((to_norway(), "2024-01-02T08:00:00Z"))
    assert codes(missing) == ["ECOM-SCHEME-MISSING"]
    assert assess((to_norway(), "2023-12-30T08:00:00Z")) == [[]]
    voec = to_norway(documents=[{"type": "VOEC", "reference": "2024123"}])
    assert assess((voec, "2024-01-02T08:00:00Z")) == [[]]


# -- sparse consignments ------------------------------------------------------------------------------------


def test_the_smallest_consignment_the_parsers_accept_gives_no_finding() -> None:
    smallest = Consignment.model_validate({"mode": "air", "master_document": "176-1", "goods": [{}]})
    assert smallest.consignee is None
    assert assess((smallest.model_dump(mode="json", exclude_none=True), DAY)) == [[]]


def test_a_parcel_without_values_or_codes_is_only_judged_on_what_it_gives() -> None:
    bare = parcel(goods=[{"description": "iPhone"}])
    assert assess((bare, DAY), (bare, DAY)) == [[], []]


def test_the_window_and_the_tables_come_from_the_settings(tmp_path: Path) -> None:
    from safelane.risk.ecommerce import build

    (tmp_path / "ecommerce_goods.csv").write_text(
        "goods,label,hs_prefixes,min_value_eur,min_value_per_kg_eur,excise\nsmartphone,phones,851713,500,,no\n"
    )
    assessor = build({"SAFELANE_ECOMMERCE_WINDOW_DAYS": "7", "SAFELANE_ECOMMERCE_TABLES": str(tmp_path)}, None)
    assert assessor.span.days == 7 and assessor.tables.goods["smartphone"].min_value_eur == 500
    with pytest.raises(ValueError, match="SAFELANE_ECOMMERCE_WINDOW_DAYS must be a whole number of days"):
        build({"SAFELANE_ECOMMERCE_WINDOW_DAYS": "a month"}, None)
    with pytest.raises(TableError, match="is not a folder"):
        build({"SAFELANE_ECOMMERCE_TABLES": str(tmp_path / "missing")}, None)


def test_plain_text_is_normalised_as_the_punctuation_rule_says() -> None:
    """The split/join shortcut for ASCII gives what the rule gives: lower case, each run of anything but letters
    and digits one space, none at the ends (seeded strings of letters, digits, spaces, tabs and punctuation)."""
    import random
    import re

    from safelane.risk.ecommerce.consignee import normal

    rng = random.Random(16)
    alphabet = "aZ09 \t\n_-,.'|/\x1f"
    texts = ["", " ", "Anna Schmidt", "10115", "  a--b  ", "x_y", "Rue de l'Industrie 80", "a\tb"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(3000)]
    for text in texts:
        assert normal(text) == re.sub(r"[^0-9a-z]+", " ", text.lower()).strip(), repr(text)


@pytest.mark.parametrize("filed_at", ["2026-06-30T23:59:00Z", "2026-07-01T00:00:00Z"])
@pytest.mark.parametrize(("value", "low"), [(150.0, True), (150.01, False)])
def test_a_parcel_at_the_limit_is_low_value_and_a_cent_above_is_not(filed_at: str, value: float, low: bool) -> None:
    """At both sides of the 1 July 2026 change (duty relief, then the flat duty): the limit itself is included."""
    made = EcommerceAssessor(TABLES).parcels(lodgement(parcel(value), filed_at=filed_at))
    assert made.low_value is low and bool(made.keys) is low
    assert made.limit is not None and made.limit.kind == ("relief" if filed_at < "2026-07" else "flat_duty")

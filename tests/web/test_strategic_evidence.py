"""The strategic goods partial on the consignment page (StrictUndefined): list, entry, limit, the description's
words, licence and destination; and for the sparsest goods item that can raise it (no HS code)."""

from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench
from tests.web.test_findings import findings_section


def test_a_precursor_above_the_limit_shows_its_list_entry_limit_and_words(bench: Bench) -> None:
    data = sea_consignment(goods__0__hs_code="280800", goods__0__description="Nitric acid 68 % technical")
    answer = bench.file("acme", filing(data, document_number="S-NA"))
    section = findings_section(bench, answer["consignments"][0]["consignment_id"])
    assert "<h3>Strategic goods</h3>" in section
    assert "EU 2019/1148 Annex I (restricted explosives precursors)" in section
    assert "<dt>entry</dt><dd>AI-1 Nitric acid, CAS 7697-37-2</dd>" in section
    assert "<dt>limit</dt><dd>3.0 %; licences up to 10.0 %</dd>" in section
    assert "<dt>concentration</dt><dd>68.0 %</dd>" in section
    assert "&ldquo;Nitric acid 68 %&rdquo;" in section or "“Nitric acid 68 %”" in section
    assert "<dt>licence</dt><dd>missing</dd>" in section


def test_a_chpl_item_to_russia_shows_the_destination_of_concern(bench: Bench) -> None:
    data = sea_consignment(
        goods__0__hs_code="854231",
        goods__0__description="Microcontrollers",
        consignee={"name": "OOO Test", "address": {"city": "Moskva", "country": "RU"}},
    )
    answer = bench.file("acme", filing(data, document_number="S-CHPL"))
    assert answer["consignments"][0]["channel"] == "red"
    section = findings_section(bench, answer["consignments"][0]["consignment_id"])
    assert "<dt>destination of concern</dt><dd>RU: Russia" in section
    assert "tier 1" in section


def test_the_sparsest_goods_item_renders(bench: Bench) -> None:
    bare = {"mode": "sea", "master_document": "BARE-1", "goods": [{"description": "Sodium chlorate 99%"}]}
    answer = bench.file("acme", filing(bare, document_number="S-BARE"))
    section = findings_section(bench, answer["consignments"][0]["consignment_id"])
    assert "no HS code declared" in section
    assert "<dt>matched on</dt><dd>description</dd>" in section

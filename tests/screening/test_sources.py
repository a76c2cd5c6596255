"""Each importer reads its publisher's format into FollowTheMoney entities: counts, names, aliases, addresses."""

from pathlib import Path

import pytest

from safelane.screening.sources import SourceError, read

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


def by_id(entities):
    return {e.id: e for e in entities}


def test_un_xml_people_and_entities_with_weak_aliases_and_original_script():
    name, entities = read(LISTS / "un_sc_excerpt.xml", "un-xml")
    found = by_id(entities)
    assert name == "un-sc"
    assert len(entities) == 9
    assert sorted(e.schema.name for e in entities).count("Person") == 6
    kakolele = found["un-sc-cdi-002"]
    assert kakolele.get("name") == ["FRANK KAKOLELE BWAMBALE"]
    assert "AIGLE BLANC" in kakolele.get("alias")
    gaston = found["un-sc-cdi-003"]
    assert "Rumuli" in gaston.get("weakAlias")  # quality "Low" in the UN file
    qusay = found["un-sc-iqi-002"]
    assert "قصي صدام حسين التكريتي" in qusay.get("name")
    adf = found["un-sc-cde-001"]
    assert adf.schema.name == "Organization"
    assert "Allied Democratic Forces" in adf.get("alias")
    assert "ADF/NALU" in adf.get("previousName")
    assert adf.get("country") == ["cd"]
    assert any("North Kivu" in a for a in adf.get("address"))


def test_ofac_sdn_reads_aliases_addresses_and_remarks():
    name, entities = read(LISTS / "ofac_sdn" / "sdn.csv", "ofac-sdn")
    found = by_id(entities)
    assert name == "ofac-sdn"
    assert len(entities) == 6
    bank = found["ofac-sdn-306"]
    assert bank.get("name") == ["BANCO NACIONAL DE CUBA"]
    assert {"NATIONAL BANK OF CUBA", "BNC"} <= set(bank.get("alias"))  # alt.csv and the remarks' a.k.a.
    assert any("Zurich" in a for a in bank.get("address"))
    assert "ch" in bank.get("country")
    vessel = found["ofac-sdn-15036"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9187629"]
    assert "ALPHA" in vessel.get("previousName")
    assert vessel.get("flag") == ["ir"]
    zawahiri = found["ofac-sdn-2676"]
    assert zawahiri.schema.name == "Person"
    assert "1951-06-19" in zawahiri.get("birthDate")
    assert "1084010" in zawahiri.get("passportNumber")


def test_ofac_rows_without_an_entity_number_are_skipped(tmp_path):
    """OFAC writes -0- for an empty cell; as an entity number it keys nothing, so it must not become an entry."""
    (tmp_path / "sdn.csv").write_text('1,"ALPHA TRADING",-0-,"SDGT"\n-0-,"NO NUMBER",-0-,"SDGT"\n')
    (tmp_path / "alt.csv").write_text('-0-,9,"aka","STRAY ALIAS"\n')
    _name, entities = read(tmp_path / "sdn.csv", "ofac-sdn")
    assert [e.id for e in entities] == ["ofac-sdn-1"]
    assert entities[0].get("alias") == []


def test_ofac_consolidated_reads_its_sibling_files():
    name, entities = read(LISTS / "ofac_cons" / "cons_prim.csv", "ofac-cons")
    found = by_id(entities)
    assert name == "ofac-cons"
    assert len(entities) == 3
    haniya = found["ofac-cons-9639"]
    assert {"HANIYA, Ismail", "HANIYYA, Ismaeel"} <= set(haniya.get("alias"))
    assert haniya.get("birthDate") == ["1962"]
    assert found["ofac-cons-17016"].get("swiftBic") == ["GAZPRUMM"]


def test_bis_denied_persons_merges_one_order_at_two_addresses():
    name, entities = read(LISTS / "bis_dpl.txt", "bis-dpl")
    assert name == "bis-dpl"
    assert len(entities) == 11  # 12 rows, one order listed at two addresses
    nasser = next(e for e in entities if e.caption == "ABDULAH AL NASSER")
    assert len(nasser.get("address")) == 2
    assert nasser.get("country") == ["us"]


def test_ftm_lines_keep_matchable_entities_only():
    name, entities = read(LISTS / "opensanctions_style.ftm.jsonl", "ftm", "os-demo")
    found = by_id(entities)
    assert name == "os-demo"
    assert set(found) == {
        "os-demo-nk-falcon-star",
        "os-demo-nk-ivan-fictus",
        "os-demo-nk-artavil",
    }
    assert found["os-demo-nk-falcon-star"].get("weakAlias") == ["Falcon Star"]


def test_national_csv_with_identifiers():
    name, entities = read(LISTS / "national_list.csv", "csv")
    found = by_id(entities)
    assert name == "national_list"
    assert len(entities) == 3
    assert "national-list-nat-002" in found
    assert found["national-list-nat-002"].get("program") == ["fictitious-national"]
    company = next(e for e in entities if e.caption == "Northstar Dual Use Components Ltd")
    assert "GB987654321000" in company.get("registrationNumber")
    assert "Northstar DUC" in company.get("alias")
    assert next(e for e in found.values() if e.schema.name == "Vessel").get("imoNumber") == ["IMO9999993"]


def test_wrong_format_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("just,some\ntext,here\n")
    with pytest.raises(SourceError, match="name"):
        read(bad, "csv")
    with pytest.raises(SourceError, match="unknown source"):
        read(bad, "pdf")

"""Column mappings and reading a customer's CSV through one."""

import numpy as np
import pytest

from safelane.risk.model.dataset import from_records, read_csv
from safelane.risk.model.mapping import ColumnMapping, MappingError, load_mapping
from tests.risk.model.conftest import SAMPLES


def test_packaged_korea_mapping_reads_the_sample(mapping, train_table):
    assert mapping.name == "korea-customs"
    assert mapping.fields["importer"] == "Importer ID"
    assert len(train_table) == 374
    assert train_table.ids[0] == "97061800"
    assert str(train_table.dates()[0]) == "2020-01-01"
    assert train_table.cats["importer"][0] == "QLRUBN9"
    assert train_table.cats["hs"][0] == "440890"
    assert train_table.nums["mass"][0] == 108.0
    assert train_table.nums["tax_rate"][0] == 0.0
    assert set(np.unique(train_table.fraud)) <= {0, 1}
    assert set(np.unique(train_table.critical)) <= {0, 1, 2}
    assert train_table.extra == ("process_type", "import_type", "import_use", "payment_type", "origin_indicator")


def test_a_file_without_label_columns_reads_with_unknown_labels(tmp_path, mapping):
    lines = (SAMPLES / "test-sample.csv").read_text().splitlines()
    stripped = tmp_path / "nolabels.csv"
    stripped.write_text("\n".join(",".join(line.split(",")[:-2]) for line in lines) + "\n")
    table = read_csv(stripped, mapping)
    assert len(table) == len(lines) - 1
    assert (table.fraud == -1).all()
    assert (table.critical == -1).all()


def test_labels_false_never_reads_labels(mapping):
    table = read_csv(SAMPLES / "test-sample.csv", mapping, labels=False)
    assert (table.fraud == -1).all()


def test_mapping_errors_name_the_problem(tmp_path, mapping):
    with pytest.raises(MappingError, match="unknown field"):
        ColumnMapping.from_dict({"id": "a", "date": "b", "fields": {"weight": "W"}})
    with pytest.raises(MappingError, match="'date' must name a column"):
        ColumnMapping.from_dict({"id": "a"})
    bad = tmp_path / "m.yaml"
    bad.write_text("id: Declaration ID\ndate: Date\nfields:\n  importer: Buyer\n")
    with pytest.raises(MappingError, match="column 'Buyer'"):
        read_csv(SAMPLES / "test-sample.csv", load_mapping(bad))


def test_from_records_fills_missing_fields():
    table = from_records([{"id": "x", "day": 19000, "importer": "A", "hs": "6907.22", "mass": 2, "value": 10}])
    assert table.cats["hs"][0] == "690722"
    assert table.cats["seller"][0] == ""
    assert np.isnan(table.nums["tax_rate"][0])
    assert table.fraud[0] == -1


LEMIS_HEADER = (
    "control_number,species_code,taxa,class,genus,species,subspecies,specific_name,generic_name,description,"
    "quantity,unit,value,country_origin,country_imp_exp,purpose,source,action,disposition,disposition_date,"
    "disposition_year,shipment_date,shipment_year,import_export,port,us_co,foreign_co,cleaning_notes"
)


def _lemis_line(control: str, disposition: str, date: str = "2016-01-03T00:00:00Z") -> str:
    # an invented line in the layout of the LEMIS amphibian file (not a real record)
    return (
        f"{control},RACA,amphibian,Amphibia,Rana,catesbeinana,NA,NA,BULLFROG,LEG,10,KG,NA,CN,CN,T,W,C,"
        f"{disposition},{date},2016,{date},2016,I,LA,NA,NA,NA"
    )


def test_outcome_codes_become_labels_through_the_packaged_lemis_mapping(tmp_path):
    path = tmp_path / "lemis.csv"
    lines = [_lemis_line("1", "C"), _lemis_line("1", "S"), _lemis_line("2", "R"), _lemis_line("3", "A")]
    path.write_text("\n".join([LEMIS_HEADER, *lines, _lemis_line("4", "")]) + "\n")
    table = read_csv(path, load_mapping("lemis-amphibian"))
    assert table.fraud.tolist() == [0, 1, 1, 0, -1]  # seized and refused are irregularities; blank: unknown
    assert table.critical.tolist() == [0, 2, 1, 0, -1]  # a seizure is critical
    assert table.documents.tolist() == ["1", "1", "2", "3", "4"]
    assert table.cats["office"][0] == "LA" and table.cats["species_code"][0] == "RACA"
    assert str(table.dates()[0]) == "2016-01-03"


def test_an_outcome_code_the_mapping_does_not_list_is_located(tmp_path):
    path = tmp_path / "lemis.csv"
    path.write_text("\n".join([LEMIS_HEADER, _lemis_line("1", "C"), _lemis_line("2", "Z")]) + "\n")
    with pytest.raises(MappingError, match=r"lemis.csv: column 'disposition', line 3: outcome code 'Z'"):
        read_csv(path, load_mapping("lemis-amphibian"))
    base = {"id": "a", "date": "b", "labels": {"fraud": "F"}}
    with pytest.raises(MappingError, match="not a mapped label"):
        ColumnMapping.from_dict({**base, "outcomes": {"critical": {"S": 2}}})
    with pytest.raises(MappingError, match="one of"):
        ColumnMapping.from_dict({**base, "outcomes": {"fraud": {"S": 2}}})  # fraud is 0 or 1

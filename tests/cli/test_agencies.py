"""`safelane agencies`: a register file checked as the service reads it; stored consignments re-indexed under a
changed register, on both engines."""

from importlib.resources import files

import orjson
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import agency_scope as scope_store
from tests.factories import filing, sea_consignment

runner = CliRunner()


def test_check_reads_the_shipped_register_and_names_a_mistake(tmp_path) -> None:
    shipped = files("safelane.agencies").joinpath("data/agencies.yaml")
    result = runner.invoke(app, ["agencies", "check", str(shipped)])
    assert result.exit_code == 0, result.output
    codes = [orjson.loads(line)["code"] for line in result.stdout.splitlines()]
    assert codes == ["plant_health", "veterinary", "food_safety", "wildlife"]
    bad = tmp_path / "agencies.yaml"
    bad.write_text("agencies:\n  - {code: ph, name: x, kind: other, fields: [secrets]}\n")
    result = runner.invoke(app, ["agencies", "check", str(bad)])
    assert result.exit_code == 2 and "agencies[0].fields" in result.output


def test_reindex_adds_the_agencies_a_new_register_gives(system, database_url, tmp_path, monkeypatch) -> None:
    [result] = system.pipeline.submit_message(orjson.dumps(filing(sea_consignment())), filer="ACME", actor="acme")
    [bananas] = result.consignments
    register = tmp_path / "agencies.yaml"
    entry = "{code: fruit, name: Fruit Inspectorate, kind: plant_health, hs_chapters: [8], fields: [goods]}"
    register.write_text(f"agencies:\n  - {entry}\n")
    monkeypatch.setenv("SAFELANE_AGENCIES", str(register))
    first = runner.invoke(app, ["agencies", "reindex", "--database", database_url])
    assert first.exit_code == 0, first.output
    assert orjson.loads(first.stdout) == {"added": 1}
    with system.db.read() as conn:
        assert scope_store.of(conn, bananas.consignment_id) == {"plant_health", "food_safety", "fruit"}
    again = runner.invoke(app, ["agencies", "reindex", "--database", database_url])
    assert orjson.loads(again.stdout) == {"added": 0}

"""`safelane assess`: files or stdin in any native format, one JSON line per consignment out."""

import orjson
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import Database
from safelane.store.schema import audit_events, consignments
from tests.conftest import DEMO_PROFILES
from tests.factories import air_consignment, filing, sea_consignment

runner = CliRunner()


def lines(output: str) -> list[dict]:
    return [orjson.loads(line) for line in output.splitlines() if line.strip()]


def test_assess_json_file_with_folder_profiles(tmp_path):
    path = tmp_path / "f.json"
    toner = air_consignment(
        house_document="H-YE",
        itinerary__place_of_loading="YESAH",
        goods__0__hs_code="844399",
        goods__0__description="Toner cartridges",
    )
    path.write_bytes(orjson.dumps(filing(air_consignment(), toner)))
    result = runner.invoke(
        app,
        ["assess", str(path), "--profiles", str(DEMO_PROFILES), "--database", f"sqlite:///{tmp_path / 'db.sqlite'}"],
    )
    assert result.exit_code == 0, result.output
    clean, bad = lines(result.stdout)
    assert clean == {"consignment_id": "HAWB-0001", "referral": "ASSESSMENT_COMPLETE", "score": 0.0, "findings": []}
    assert bad["referral"] == "DNL"
    assert bad["score"] == 90.0
    assert bad["findings"][0]["code"] == "AIR-TONER-YE"
    assert set(bad["findings"][0]) == {
        "assessor",
        "code",
        "explanation",
    }
    assert not (tmp_path / "db.sqlite").exists()  # nothing stored, no database needed


def test_assess_stdin_jsonl_and_csv(tmp_path):
    stdin = (
        orjson.dumps(sea_consignment())
        + b"\n"
        + orjson.dumps(sea_consignment(master_document="B2", goods__0__origin_country="BR"))
    )
    result = runner.invoke(app, ["assess", "--profiles", str(DEMO_PROFILES)], input=stdin)
    assert result.exit_code == 0, result.output
    assert [(o["consignment_id"], o["channel"]) for o in lines(result.stdout)] == [
        ("MAEU123456789", "red"),
        ("B2", "green"),
    ]
    csv = (
        b"mode,master_document,description,hs_code,gross_mass_kg,value,currency,origin_country\n"
        b"sea,B3,T-shirts,610910,1000,900,USD,CN\n"
    )
    (tmp_path / "t.csv").write_bytes(csv)
    result = runner.invoke(app, ["assess", str(tmp_path / "t.csv"), "--profiles", str(DEMO_PROFILES)])
    assert lines(result.stdout)[0]["channel"] == "yellow"  # 0.9 USD per kg of apparel


def test_bad_input_exits_non_zero_with_located_problems_and_stores_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    good, bad = tmp_path / "good.json", tmp_path / "bad.jsonl"
    good.write_bytes(orjson.dumps(air_consignment()))
    bad.write_bytes(orjson.dumps(air_consignment(goods__0__hs_code="7700000")) + b"\n{not json\n")
    result = runner.invoke(
        app, ["assess", str(good), str(bad), "--store", "--database", url, "--profiles", str(DEMO_PROFILES)]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    problems = orjson.loads(result.stderr)["problems"]
    assert {(p["location"], p["code"]) for p in problems} == {
        (f"{bad}: line 1: goods[0].hs_code", "unknown_hs_chapter"),
        (f"{bad}: line 2", "malformed_json"),
    }
    db = Database(url)
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(consignments)).scalar() == 0
        assert conn.execute(sa.select(audit_events.c.action)).scalars().all() == ["filing.rejected"]
    db.dispose()


def test_store_persists_and_replays(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    path = tmp_path / "f.json"
    path.write_bytes(orjson.dumps(filing(sea_consignment(), document_number="S1")))
    first = runner.invoke(
        app, ["assess", str(path), "--store", "--database", url, "--filer", "ACME", "--profiles", str(DEMO_PROFILES)]
    )
    again = runner.invoke(
        app, ["assess", str(path), "--store", "--database", url, "--filer", "ACME", "--profiles", str(DEMO_PROFILES)]
    )
    [one], [two] = lines(first.stdout), lines(again.stdout)
    assert one["status"] == "accepted"
    assert two["status"] == "duplicate"
    assert one["decision_id"] == two["decision_id"]
    assert one["channel"] == "red"

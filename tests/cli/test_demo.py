"""`safelane demo --no-serve`: a fresh database with profiles, users and a decided day, and a summary."""

import re
from datetime import UTC, datetime

from typer.testing import CliRunner

from safelane.cli.main import app
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from safelane.store import models as model_store
from safelane.store import offices as office_store
from safelane.store import users as user_store

runner = CliRunner()


def _demo(url: str):
    return runner.invoke(app, ["demo", "--no-serve", "--consignments", "300", "--database", url])


def _text(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines at the terminal width


def test_demo_builds_a_decided_day_and_says_what_happened(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = _demo(url)
    assert result.exit_code == 0, result.output
    out = _text(result.output)
    for text in ("7 demo profiles active", "Generated and validated 300 consignments", "PLACI referrals",
                 "Channels", "Profile hits", "AIR-TONER-YE", "EXPRESS-NIGHT-PHONES", "Credentials (shown once)",
                 "carrier-ocean", "Selection under capacity", "Simulated inspections (recorded by 'demo-inspector')"):
        assert text in out
    assert out.count("sl_") == 4  # one key per user, shown once
    [password] = re.findall(r"^  officer \(officer\) workbench password: (\S+)$", result.output, re.MULTILINE)

    db = Database(url)
    try:
        with db.read() as conn:
            users = {u["name"]: (u["role"], u["filer"]) for u in user_store.listing(conn)}
            dnl = decision_store.search(conn, outcome="DNL")
            rfs = decision_store.search(conn, outcome="RFS")
            red = decision_store.search(conn, outcome="red")
            filers = {f["filer"] for f in filing_store.list_filings(conn, filer=None, limit=500)}
            offices = {row["office"]: row["changed_by"] for row in office_store.listing(conn)}
            signed_in = user_store.by_password(conn, "officer", password)
            inspected = model_store.outcomes(conn)
    finally:
        db.dispose()
    assert users == {"officer": ("officer", None), "supervisor": ("supervisor", None), "fwd-hkg": ("filer", "fwd-hkg"),
                     "carrier-ocean": ("filer", "carrier-ocean")}
    assert dnl and all("AIR-TONER-YE" in d["basis"] for d in dnl)
    assert rfs and red
    assert filers == {"fwd-hkg", "carrier-ocean"}  # demo filings belong to the filer users
    assert offices == {"*": "supervisor", "NLRTM": "supervisor", "DEHAM": "supervisor"}
    assert all(d["selection"] == "mandatory" for d in dnl + rfs) and all(d["inspection"] for d in red)
    assert signed_in is not None and signed_in["role"] == "officer"  # the printed password opens the workbench
    assert inspected and all(o["recorded_by"] == "demo-inspector" for o in inspected)


def test_demo_recreates_its_own_database_and_leaves_others_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _demo(url).exit_code == 0
    again = _demo(url)
    assert again.exit_code == 0, again.output
    assert "Removed the previous demo database" in _text(again.output)

    other = tmp_path / "real.db"
    db = Database(f"sqlite:///{other}")
    db.migrate()
    with db.write() as conn:
        user_store.add(conn, "alice", "officer", at=datetime.now(UTC))
    db.dispose()
    refused = _demo(f"sqlite:///{other}")
    assert refused.exit_code == 2
    assert "holds more than the demo's data" in _text(refused.output)
    assert other.exists()

"""`safelane demo --no-serve`: profiles, users and a month of decided traffic up to a fixed now, and a summary;
it builds only into an empty database or its own, keeps its users when run again, and --reset rebuilds it."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from safelane.cli.demo import in_use, port_free
from safelane.cli.main import app
from safelane.demo import generate_hours
from safelane.demo.valuation import undervalue
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store import filings as filing_store
from safelane.store import models as model_store
from safelane.store import offices as office_store
from safelane.store import users as user_store
from safelane.store.schema import assessments, consignments, decisions, filings

runner = CliRunner()
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _demo(url: str, *extra: str):
    return runner.invoke(
        app,
        [
            "demo",
            "--no-serve",
            "--consignments",
            "300",
            "--history-days",
            "10",
            "--history-per-day",
            "150",
            "--now",
            NOW.isoformat(),
            "--database",
            url,
            *extra,
        ],
    )


def _text(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines at the terminal width


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One demo built for the module's tests: (url, CLI output)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    result = _demo(url)
    assert result.exit_code == 0, result.output
    return url, result.output


def _read(url: str, query):
    db = Database(url)
    try:
        with db.read() as conn:
            return query(conn)
    finally:
        db.dispose()


def test_demo_says_what_it_built_and_where(built):
    _, output = built
    out = _text(output)
    for text in (
        "14 demo profiles active",  # 9 customs, 5 of the border agencies' rules pack
        "over 10 days of history",
        "300 in the last 24 hours up to 2026-06-01 12:00",
        "PLACI referrals",
        "Goods declarations lodged after arrival",
        "Channels",
        "Profile hits",
        "AIR-TONER-YE",
        "EXPRESS-NIGHT-PHONES",
        "Credentials (shown once)",
        "carrier-ocean",
        "Selection under capacity",
        "Simulated inspections (recorded by 'demo-inspector')",
        "SAFELANE_DATABASE_URL=sqlite:////",
    ):
        assert text in out
    assert out.count("API key: sl_") == 10  # one key per user (four agency officers, two traders), shown once


def test_the_printed_password_opens_the_workbench(built):
    url, output = built
    [password] = re.findall(r"^  officer \(officer\) workbench password: (\S+)$", output, re.MULTILINE)
    signed_in = _read(url, lambda conn: user_store.by_password(conn, "officer", password))
    assert signed_in["role"] == "officer"
    [password] = re.findall(r"^  cites-carl \(agency_officer wildlife\) workbench password: (\S+)$", output, re.M)
    signed_in = _read(url, lambda conn: user_store.by_password(conn, "cites-carl", password))
    assert (signed_in["role"], signed_in["agency"]) == ("agency_officer", "wildlife")


def test_demo_users_filers_and_offices(built):
    url, _ = built
    users = _read(url, lambda conn: {u["name"]: (u["role"], u["filer"]) for u in user_store.listing(conn)})
    assert users == {
        "officer": ("officer", None),
        "supervisor": ("supervisor", None),
        "fwd-hkg": ("filer", "fwd-hkg"),
        "carrier-ocean": ("filer", "carrier-ocean"),
        "pia-plant": ("agency_officer", None),
        "vet-vera": ("agency_officer", None),
        "food-fred": ("agency_officer", None),
        "cites-carl": ("agency_officer", None),
        "trader": ("trader", None),  # AEO 2.0: the AEO sharing its data
        "trader-suspended": ("trader", None),  # the AEO suspended mid-month
    }
    agencies = _read(url, lambda conn: {u["name"]: u["agency"] for u in user_store.listing(conn) if u["agency"]})
    assert agencies == {"pia-plant": "plant_health", "vet-vera": "veterinary", "food-fred": "food_safety"} | {
        "cites-carl": "wildlife"
    }
    filers = _read(
        url,
        lambda conn: {f["filer"] for f in filing_store.list_filings(conn, scope=Scope.of("test", "admin"), limit=500)},
    )
    assert filers == {"fwd-hkg", "carrier-ocean"}
    offices = _read(url, lambda conn: {row["office"]: row["changed_by"] for row in office_store.listing(conn)})
    assert offices == {"*": "supervisor", "NLRTM": "supervisor", "DEHAM": "supervisor"}


def _decided(conn) -> list[dict]:
    """Every current decision of a consignment made on its filing, with when the consignment was filed (not the
    re-assessments made when a requested document arrived hours later, demo.document_answers)."""
    query = (
        sa.select(
            decisions.c.consignment_id,
            decisions.c.outcome,
            decisions.c.selection,
            decisions.c.decided_at,
            consignments.c.filed_at,
        )
        .join(consignments, consignments.c.row_id == decisions.c.row_id)
        .where(decisions.c.current.is_(True), decisions.c.basis.not_like("document % received (%"))
        .order_by(decisions.c.consignment_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def test_every_decision_comes_seconds_to_hours_after_its_filing_and_none_after_now(built):
    url, _ = built
    rows = _read(url, _decided)
    lags = [row["decided_at"] - row["filed_at"] for row in rows]
    assert max(row["decided_at"] for row in rows) <= NOW
    assert min(lags) >= timedelta(0)
    assert max(lags) <= timedelta(hours=3, seconds=5)  # history: three-hour batches


def test_the_last_day_is_decided_within_a_minute_of_filing(built):
    url, _ = built
    rows = _read(url, _decided)
    today = [row["decided_at"] - row["filed_at"] for row in rows if row["filed_at"] >= NOW - timedelta(days=1)]
    assert today
    assert max(today) <= timedelta(minutes=1, seconds=5)


def test_history_is_inspected_and_the_newest_controls_wait(built):
    url, _ = built
    inspected = _read(url, lambda conn: model_store.outcomes(conn))
    waiting = _read(url, decision_store.open_controls)
    assert {o["recorded_by"] for o in inspected} == {"demo-inspector"}
    assert {"seizure", "no_irregularity"} <= {o["result"] for o in inspected}
    assert waiting
    assert min(w["decided_at"] for w in waiting) >= NOW - timedelta(days=1)


def test_a_model_is_trained_from_the_store_and_scores_the_last_day(built):
    url, output = built
    versions = _read(url, lambda conn: model_store.list_versions(conn, None))
    assert [v["status"] for v in versions].count("active") == 1
    today = _read(url, _decided)
    selections = {row["selection"] for row in today if row["filed_at"] >= NOW - timedelta(days=1)}
    assert {"mandatory", "risk", "exploration"} <= selections
    assert "trained on the stored outcomes" in _text(output)


def _valued(conn) -> dict[tuple[str, str], list[dict]]:
    """(document, reference) -> valuation findings, of the consignments filed in the last 24 hours."""
    query = (
        sa.select(filings.c.document_number, consignments.c.reference, assessments.c.findings)
        .join(consignments, consignments.c.row_id == assessments.c.row_id)
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .where(consignments.c.filed_at >= NOW - timedelta(days=1))
    )
    found = {}
    for row in conn.execute(query):
        if hits := [f for f in row.findings if f["assessor"] == "valuation"]:
            found[(row.document_number, row.reference)] = hits
    return found


def test_under_valued_goods_of_the_last_day_are_caught_against_the_history(built):
    url, _ = built
    traffic = generate_hours(NOW - timedelta(days=1), 300, 7)  # the demo's last day, as it generated it
    planted = set(undervalue(traffic, 7))
    found = _read(url, _valued)
    assert planted and planted <= set(found)
    for key in planted:
        [finding] = found[key]
        assert "percentile of HS" in finding["explanation"]
        assert finding["evidence"]["robust_z"] < -3.5
    # Nothing else is reported but what the generator makes under-valued on purpose: the textiles planted for a
    # profile, and express phones, whose values it caps under 5,000 USD (the night profile's bar) whatever they weigh.
    for key in set(found) - planted:
        codes = {f["code"] for f in found[key]}
        assert traffic.planted.get(key) == "SEA-TEXTILE-UNDERVALUE" or codes == {"valuation:851713:kg"}, (key, codes)


def test_the_same_seed_and_now_give_the_same_demo(built, tmp_path):
    url, _ = built
    again = f"sqlite:///{tmp_path / 'again.db'}"
    assert _demo(again).exit_code == 0

    assert _read(again, _decided) == _read(url, _decided)


def test_running_again_keeps_the_demo_and_its_users(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _demo(url).exit_code == 0
    keys = _read(url, lambda conn: [u["created_at"] for u in user_store.listing(conn)])
    again = _demo(url)
    assert again.exit_code == 0, again.output
    assert "serving it as it is, with its users" in _text(again.output)
    assert "sl_" not in again.output
    assert _read(url, lambda conn: [u["created_at"] for u in user_store.listing(conn)]) == keys
    reset = _demo(url, "--reset")
    assert reset.exit_code == 0, reset.output
    assert "Removed the previous demo database" in _text(reset.output)
    assert _text(reset.output).count("API key: sl_") == 10  # a random key may itself contain "sl_"


def test_the_demo_never_builds_into_another_store(tmp_path):
    other = tmp_path / "real.db"
    db = Database(f"sqlite:///{other}")
    db.migrate()
    with db.write() as conn:
        user_store.add(conn, "alice", "officer", at=NOW)
    db.dispose()
    for extra in ((), ("--reset",)):
        refused = _demo(f"sqlite:///{other}", *extra)
        assert refused.exit_code == 2
        assert "holds data that is not the demo's" in _text(refused.output)
    assert _read(f"sqlite:///{other}", lambda conn: [u["name"] for u in user_store.listing(conn)]) == ["alice"]


HOLD = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('select 1 from sqlite_master').fetchall(); "
    "print('open', flush=True); sys.stdin.read()"
)


def test_reset_refuses_a_database_another_process_has_open(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _demo(url).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "demo.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert in_use(tmp_path / "demo.db")
        refused = _demo(url, "--reset")
    finally:
        holder.communicate("")
    assert refused.exit_code == 2
    assert "is open in another process" in _text(refused.output)
    assert (tmp_path / "demo.db").exists()


def test_a_busy_port_stops_the_demo_before_it_touches_the_database(tmp_path):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        result = runner.invoke(app, ["demo", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'd.db'}"])
    assert result.exit_code == 2
    assert "is in use" in _text(result.output)
    assert not (tmp_path / "d.db").exists()


def test_the_demo_registers_trusted_traders_and_suspends_one_mid_month(built):
    """Home AEOs and MRA partners' AEOs are facilitated; the one suspended halfway is facilitated before only."""
    from safelane.store.schema import assessments

    url, output = built
    assert "trusted traders registered" in _text(output)

    def trader_findings(conn):
        rows = conn.execute(
            sa.select(consignments.c.filed_at, assessments.c.findings).join(
                assessments, assessments.c.row_id == consignments.c.row_id
            )
        )
        return [(at, f) for at, found in rows for f in found if f["assessor"] == "traders"]

    found = _read(url, trader_findings)
    applied = [f for _, f in found if f["evidence"]["applied"]]
    assert {f["evidence"]["basis"] for f in applied} >= {"home programme"}
    suspended = [(at, f) for at, f in found if f["evidence"]["status"] == "suspended"]
    assert suspended, "the suspended AEO files after its suspension"
    first = NOW - timedelta(days=10 + 1)  # the demo's first day of history (10 days in this module)
    middle = datetime.combine((first + timedelta(days=5)).date(), datetime.min.time(), UTC)  # the suspension
    assert all(at >= middle for at, _ in suspended)
    name = suspended[0][1]["evidence"]["operator"]
    before = [f for at, f in found if f["evidence"]["operator"] == name and at < middle]
    assert before, "it filed before its suspension too"
    assert all(f["evidence"]["status"] == "certified" for f in before)


def test_one_aeo_shares_its_data_one_seal_mismatch_and_both_traders_see_their_own_view(built):
    """AEO 2.0 in the demo: the sharing AEO's last-day filings are consistent with its data but one, whose seal
    differs (explained, a documentary check or an RFI); the trader keys' views hold their own consignments, the
    suspended AEO's with its suspension."""
    from fastapi.testclient import TestClient

    from safelane.demo.traders import SHARING_USER, SUSPENDED_USER
    from safelane.service.app import create_app
    from safelane.settings import Settings
    from safelane.system import build

    url, output = built
    assert "shared packing lists and seals" in _text(output)
    assert f"{SHARING_USER} (trader) API key:" in output

    def trader_data_findings(conn):
        rows = conn.execute(sa.select(assessments.c.findings))
        return [f for found in rows for f in found[0] if f["assessor"] == "trader_data"]

    found = _read(url, trader_data_findings)
    mismatches = [f for f in found if f["code"] == "TRADER-DATA-MISMATCH"]
    consistent = [f for f in found if f["code"] == "TRADER-DATA-CONSISTENT"]
    assert len(mismatches) == 1, [f["explanation"] for f in mismatches]
    assert [m["field"] for m in mismatches[0]["evidence"]["mismatches"]] == ["seals"]
    assert "seals: filed" in mismatches[0]["explanation"]
    assert mismatches[0]["channel"] == "yellow" or mismatches[0]["referral"] == "rfi"
    assert consistent and all("Consistent with the trader's data" in f["explanation"] for f in consistent)
    system = build(Settings(database_url=url))
    keys = dict(re.findall(r"^\s*(\S+) \(trader\) API key: (\S+)$", output, re.MULTILINE))
    try:
        client = TestClient(create_app(system))
        views = {
            name: client.get("/v1/trader", headers={"Authorization": f"Bearer {keys[name]}"}).json()
            for name in (SHARING_USER, SUSPENDED_USER)
        }
    finally:
        assert system.db is not None
        system.db.dispose()
    assert all(view["consignments"] for view in views.values())
    assert {a["status"] for a in views[SUSPENDED_USER]["authorisations"]} == {"suspended"}
    assert {a["status"] for a in views[SHARING_USER]["authorisations"]} == {"certified"}
    theirs = {c["consignment_id"] for c in views[SUSPENDED_USER]["consignments"]}
    assert theirs.isdisjoint(c["consignment_id"] for c in views[SHARING_USER]["consignments"])


def test_the_demo_reports_arrivals_and_control_starts_for_the_trs(built):
    """The demo's carriers report actual arrivals once they are due (and airlines part of the departures), its
    inspectors stamp each control's start before its outcome: the TRS measures from them, in time order."""
    from safelane.resilience import trs
    from safelane.scope import Scope
    from safelane.store.schema import trs_stamps

    url, _ = built

    def query(conn):
        stamps = [dict(r) for r in conn.execute(sa.select(trs_stamps)).mappings()]
        report = trs.report(conn, scope=Scope.of("t", "admin"), since=NOW - timedelta(days=11), until=NOW)
        return stamps, trs.rows(conn, scope=Scope.of("t", "admin"), since=NOW - timedelta(days=11), until=NOW), report

    stamps, rows, report = _read(url, query)
    kinds = {s["kind"] for s in stamps}
    assert kinds == {"arrival", "departure", "control_start"}
    assert all(s["at"] <= NOW for s in stamps)
    arrived = {s["consignment_id"]: s["at"] for s in stamps if s["kind"] == "arrival"}
    departed = {s["consignment_id"]: s["at"] for s in stamps if s["kind"] == "departure"}
    assert all(departed[c] < arrived[c] for c in departed.keys() & arrived.keys())
    assert sum(report["arrivals"].values()) == len(rows)
    pre_loading = [r for r in rows if r["kind"] == "pre_loading"]
    assert report["departures"]["actual"] and report["departures"]["declared"]  # part of the air traffic reports
    assert sum(report["departures"].values()) == len(pre_loading)
    for row in pre_loading:  # measured from the actual departure where the airline reported it
        assert row["departure_source"] == ("actual" if row["consignment_id"] in departed else "declared")
        assert row["consignment_id"] not in departed or row["departure_at"] == departed[row["consignment_id"]]
    for row in rows:  # measured from the actual arrival where the carrier reported it, else the declared one
        assert row["arrival_source"] == ("actual" if row["consignment_id"] in arrived else "declared")
        assert row["consignment_id"] not in arrived or row["arrival_at"] == arrived[row["consignment_id"]]
    started = [r for r in rows if r["control_start_at"] is not None]
    assert started and all(r["decided_at"] <= r["control_start_at"] for r in started)
    assert all(r["control_start_at"] <= r["control_end_at"] for r in started if r["control_end_at"] is not None)
    everything = report["segments"][0]
    assert everything["arrival_to_control_start_p50_hours"] is not None
    assert everything["control_start_to_end_p50_hours"] is not None


def test_the_demo_reports_what_the_border_agencies_caught(built):
    _, output = built
    [line] = re.findall(r"Border agencies: .*? docs/agencies\.md\)\.", _text(output))
    planted, inspections, joint = re.search(
        r"(\d+) consignments planted.*?(\d+) inspections scheduled \((\d+) joint", line
    ).groups()
    assert int(planted) >= 9 and int(inspections) >= 1 and int(joint) >= 1
    assert re.search(r"requirements on \d+ food_safety, \d+ plant_health, \d+ veterinary, \d+ wildlife", line)


def test_the_demo_declares_arrived_goods_after_a_trade_side_dwell(built):
    """Goods whose entry summary customs released (or whose pre-loading referral ended without a DNL) are declared
    once they arrived, after the drawn dwell and never after now; each once, with the carrier's arrival on it, so
    the TRS measures the declaration from the goods' actual arrival."""
    from safelane.demo import declarations
    from safelane.resilience import trs
    from safelane.store.schema import decision_events, releases, trs_stamps

    url, _ = built

    def query(conn):
        arrivals = {
            r.consignment_id: r.at for r in conn.execute(sa.select(trs_stamps).where(trs_stamps.c.kind == "arrival"))
        }
        declared = conn.execute(
            sa.select(
                filings.c.document_number, consignments.c.filed_at, consignments.c.consignment_id, consignments.c.kind
            )
            .join(consignments, consignments.c.filing_id == filings.c.filing_id)
            .where(filings.c.document_number.startswith(declarations.PREFIX))
        ).all()
        origins = {d.document_number.removeprefix(declarations.PREFIX) for d in declared}
        origin_rows = conn.execute(
            sa.select(decisions.c.consignment_id, decisions.c.decision_id, decisions.c.answer, consignments.c.mode)
            .join(consignments, consignments.c.row_id == decisions.c.row_id)
            .where(decisions.c.current.is_(True), decisions.c.consignment_id.in_(origins))
        ).all()
        released = set(conn.execute(sa.select(releases.c.consignment_id).where(
            releases.c.agency == "customs", releases.c.kind == "released")).scalars())  # fmt: skip
        stopped = set(conn.execute(sa.select(decision_events.c.decision_id).where(
            decision_events.c.to_outcome == "DNL")).scalars())  # fmt: skip
        rows = trs.rows(conn, scope=Scope.of("t", "admin"), since=NOW - timedelta(days=11), until=NOW)
        return arrivals, declared, origin_rows, released, stopped, rows

    arrivals, declared, origin_rows, released, stopped, rows = _read(url, query)
    assert declared, "arrived goods are declared"
    assert len({d.document_number for d in declared}) == len(declared)  # one declaration per consignment
    origin = {r.consignment_id: r for r in origin_rows}
    for d in declared:
        source = d.document_number.removeprefix(declarations.PREFIX)
        row = origin[source]
        assert d.kind == "declaration" and row.mode in declarations.DWELL_MEDIAN_HOURS
        assert d.filed_at == arrivals[source] + declarations.dwell(source, row.mode, 7) <= NOW
        assert arrivals[d.consignment_id] == arrivals[source]  # the carrier's arrival, on the declaration too
        if row.answer == "channel":
            assert source in released
        else:
            assert row.decision_id not in stopped
    measured = [r for r in rows if r["kind"] == "declaration" and r["arrival_to_release"] is not None]
    assert measured and all(r["arrival_source"] == "actual" for r in measured)
    assert all(r["lodged_at"] > r["arrival_at"] for r in measured)  # lodged after arrival, so never 0 by design


def test_the_demo_declares_and_ends_a_port_closure_whose_answers_give_their_tier(built):
    """Two thirds into the history the supervisor declares a 48-hour closure of NLRTM's sea traffic and ends it,
    audited; the filers' answers in it give their tier and expected time (relief goods in tier 1), the TRS has
    figures per disruption and tier; the surge declared at now decided nothing of the month."""
    from safelane.resilience import trs
    from safelane.store import disruptions as disruption_store
    from safelane.store.schema import audit_events, decision_priorities

    url, output = built
    starts = NOW - timedelta(days=5)  # history day 6 of 10; the last day starts a day before now

    def query(conn):
        events = conn.execute(
            sa.select(audit_events.c.action, audit_events.c.actor, audit_events.c.at).where(
                audit_events.c.action.like("disruption.%")
            )
        ).all()
        tiered = conn.execute(
            sa.select(decision_priorities.c.tier, consignments.c.office, decisions.c.decided_at)
            .join(decisions, decisions.c.decision_id == decision_priorities.c.decision_id)
            .join(consignments, consignments.c.consignment_id == decisions.c.consignment_id)
            .where(decision_priorities.c.tier.is_not(None))  # rows with a trusted trader's priority alone
        ).all()
        since, until = NOW - timedelta(days=11), NOW
        segments = trs.report(conn, scope=Scope.of("t", "admin"), since=since, until=until)["segments"]
        return (
            disruption_store.listing(conn, include_ended=True),
            disruption_store.listing(conn),
            events,
            tiered,
            segments,
        )

    every, in_force, events, tiered, segments = _read(url, query)
    [surge] = in_force
    [closure] = [d for d in every if d["disruption_id"] != surge["disruption_id"]]
    assert (surge["kind"], surge["scope"]["offices"], surge["declared_by"]) == ("surge", ["DEHAM"], "supervisor")
    assert surge["starts_at"].replace(tzinfo=UTC) == NOW
    assert (closure["kind"], closure["scope"]["offices"], closure["scope"]["modes"]) == (
        "port_closure",
        ["NLRTM"],
        ["sea"],
    )
    assert closure["starts_at"].replace(tzinfo=UTC) == starts
    assert closure["ended_at"] - closure["starts_at"] == timedelta(hours=48)
    assert closure["declared_by"] == closure["ended_by"] == "supervisor"
    assert sorted((a, who) for a, who, _ in events) == [
        ("disruption.declared", "supervisor"),
        ("disruption.declared", "supervisor"),
        ("disruption.ended", "supervisor"),
    ]
    assert {tier for tier, _, _ in tiered} == {1, 2, 3}
    assert {office for _, office, _ in tiered} == {"NLRTM"}
    assert all(starts <= at.replace(tzinfo=UTC) < starts + timedelta(hours=48) for _, _, at in tiered)
    counts = {t: sum(tier == t for tier, _, _ in tiered) for t in (1, 2, 3)}
    told = ", ".join(f"{counts[t]} tier {t}" for t in (1, 2, 3))
    out = _text(output)
    assert f"Disruption {closure['disruption_id']}: the port of Rotterdam (NLRTM, sea) closed for 48 hours" in out
    assert "from 2026-05-27 12:00 UTC" in out
    assert f"gave their tier and expected processing time ({told})" in out
    by = {(r["segment"], r["value"]): r for r in segments}
    assert by[("disruption", closure["disruption_id"])]["consignments"] == len(tiered)
    assert all(by[("tier", str(t))]["consignments"] == counts[t] for t in (1, 2, 3))
    assert {v for s, v in by if s == "tier"} <= {"1", "2", "3", "none"}  # a trusted priority alone is no tier
    assert (
        f"Disruption {surge['disruption_id']} in force: a surge at Hamburg (DEHAM) declared at 2026-06-01 12:00" in out
    )


def test_what_is_filed_at_the_surge_office_after_the_demo_is_answered_with_its_tier(built, tmp_path):
    """The surge the demo leaves in force applies to the next filing at DEHAM: its answer says its tier and the
    expected processing time; one at NLRTM (the closure ended) has none."""
    import shutil

    import orjson

    from safelane.settings import Settings
    from safelane.system import build
    from tests.factories import filing, sea_consignment

    url, _ = built
    copy = tmp_path / "demo.db"
    shutil.copy(url.removeprefix("sqlite:///"), copy)
    system = build(Settings(database_url=f"sqlite:///{copy}"))
    system.pipeline.clock = lambda: NOW + timedelta(hours=1)
    try:
        answers = {}
        for office in ("DEHAM", "NLRTM"):
            consignment = sea_consignment(house_document=f"HBL-{office}", itinerary__place_of_unloading=office)
            body = filing(consignment, document_number=f"SURGE-{office}")
            [result] = system.pipeline.submit_message(orjson.dumps(body), filer="TEST-FILER", actor="test-filer")
            [answers[office]] = [c.as_dict() for c in result.consignments]
    finally:
        system.db.dispose()
    told = answers["DEHAM"]["continuity"]
    assert told["tier"] == 3 and told["expected_processing_hours"] == 48.0
    assert "continuity" not in answers["NLRTM"]

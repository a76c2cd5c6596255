"""Profiles in the workbench: list with effectiveness, editor with errors in place, backtest, activation."""

import csv
import io
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from safelane.store import models as model_store
from safelane.store import profiles as profile_store
from safelane.store.filings import consignment_history
from safelane.store.schema import audit_events, profiles
from tests.factories import air_consignment, filing
from tests.service.conftest import DNL_TONER_YEMEN
from tests.web.conftest import Bench

GNOMES = """\
id: AIR-GARDEN-GNOMES
version: 1
title: Garden gnomes by air
owner: customs
rationale: >
  Hollow ceramic figures have been used to conceal narcotics; every air consignment of them is checked.
valid_from: 2026-01-01
applies_to: [pre_loading]
when:
  mode: [air, express]
  description_matches: ["\\\\bgnomes?\\\\b"]
outcome:
  score: 50
  referral: RFI
"""


def _file(bench: Bench, number: str, day: str | None = None, **changes) -> dict:
    data = filing(air_consignment(house_document=f"H-{number}", **changes), document_number=f"DOC-{number}")
    if day:
        data["filed_at"] = f"{day}T09:30:00Z"
    return bench.file("acme", data)


def _profile_rows(bench: Bench) -> int:
    with bench.db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(profiles)).scalar_one()


def _audits(bench: Bench, action: str) -> list[tuple[str, str]]:
    with bench.db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(audit_events.c.actor, audit_events.c.subject).where(audit_events.c.action == action)
            )
        ]


def test_list_shows_profiles_with_effectiveness_and_exports_csv(bench: Bench) -> None:
    hit = _file(bench, "T1", **DNL_TONER_YEMEN)["consignments"][0]
    _file(bench, "T2", **DNL_TONER_YEMEN)
    with bench.db.write() as conn:
        row = consignment_history(conn, hit["consignment_id"])[-1]
        model_store.record_outcome(
            conn,
            row["row_id"],
            method="physical",
            result="seizure",
            actor="olga",
            at=datetime.now(UTC),
            decision_id=hit["decision_id"],
        )
    client = bench.client("olga")
    page = client.get("/profiles")
    assert page.status_code == 200
    assert 'href="/profiles/AIR-TONER-YE"' in page.text
    assert "Printer and toner cartridges" in page.text
    assert 'href="/profiles?format=csv"' in page.text

    exported = client.get("/profiles?format=csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = {r["profile_id"]: r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert len(rows) == 9
    assert rows["AIR-TONER-YE"]["status"] == "active"
    assert rows["AIR-TONER-YE"]["version"] == "1"
    toner = rows["AIR-TONER-YE"]
    assert (toner["selections"], toner["inspections"], toner["hits"], toner["hit_rate"]) == ("2", "1", "1", "1.0")
    assert (rows["PARTY-WATCH-FALCON"]["selections"], rows["PARTY-WATCH-FALCON"]["hit_rate"]) == ("0", "")
    assert re.search(
        r"AIR-TONER-YE.*?<td class=\"num\">2</td><td class=\"num\">1</td>\s*"
        r"<td class=\"num\">1</td><td class=\"num\">100%</td>",
        page.text,
        re.S,
    )


def test_a_yaml_error_is_shown_on_its_line_and_nothing_is_stored(bench: Bench) -> None:
    client = bench.client("olga")
    before = _profile_rows(bench)
    wrong = GNOMES.replace("score: 50", "score: 500").replace("mode: [air, express]", "mode: [air, zeppelin]")
    response = bench.post(client, "/profiles/new", source=wrong.replace("\n", "\r\n"), action="save")
    assert response.status_code == 422
    assert 'href="#line-10">line 10</a> · <code>when.mode[1]</code>' in response.text
    assert 'href="#line-13">line 13</a> · <code>outcome.score</code>' in response.text
    assert '<li id="line-10" class="error-at"><code>  mode: [air, zeppelin]</code>' in response.text
    assert '<li id="line-13" class="error-at"><code>  score: 500</code>' in response.text
    assert '<li id="line-12"><code>outcome:</code>' in response.text  # only the named lines are marked
    assert "score: 500" in response.text.split("<textarea", 1)[1]  # the text entered is kept
    assert _profile_rows(bench) == before
    assert not [a for a in _audits(bench, "profile.created") if a[0] == "olga"]
    with bench.db.read() as conn:
        assert profile_store.source_of(conn, "AIR-GARDEN-GNOMES") is None

    broken = bench.post(client, "/profiles/new", source=GNOMES.replace("version: 1", "version: [1"), action="save")
    assert broken.status_code == 422
    assert 'href="#line-3">line 3</a>' in broken.text
    assert _profile_rows(bench) == before


def test_a_valid_profile_is_stored_as_a_draft(bench: Bench) -> None:
    client = bench.client("olga")
    assert "NEW-PROFILE-ID" in client.get("/profiles/new").text
    saved = bench.post(client, "/profiles/new", source=GNOMES, action="save")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/profiles/AIR-GARDEN-GNOMES?version=1&done=created"
    with bench.db.read() as conn:
        [row] = [r for r in profile_store.listing(conn) if r["profile_id"] == "AIR-GARDEN-GNOMES"]
    assert row["status"] == "draft"
    assert ("olga", "AIR-GARDEN-GNOMES@1") in _audits(bench, "profile.created")
    shown = client.get(saved.headers["location"])
    assert "Saved as a new draft version" in shown.text
    assert "v1 draft" in shown.text
    assert "/profiles/AIR-GARDEN-GNOMES/activate" not in shown.text  # an officer gets no activate button

    editor = client.get("/profiles/AIR-GARDEN-GNOMES/edit")
    assert "version: 2" in editor.text  # editing makes the next version
    same = bench.post(
        client, "/profiles/AIR-GARDEN-GNOMES/edit", source=GNOMES.replace("by air", "flown"), action="save"
    )
    assert same.status_code == 422
    assert "raise the version number" in same.text
    assert 'href="#line-2">line 2</a> · <code>version</code>' in same.text


def test_backtest_counts_hits_per_day_over_the_stored_history(bench: Bench) -> None:
    for number, day, changes in [
        ("A1", "2026-11-10", DNL_TONER_YEMEN),
        ("A2", "2026-11-10", DNL_TONER_YEMEN),
        ("A3", "2026-11-10", {}),
        ("B1", "2026-11-12", {}),
        ("B2", "2026-11-12", {}),
        ("C1", "2026-11-13", DNL_TONER_YEMEN),
    ]:
        _file(bench, number, day, **changes)
    client = bench.client("pieter")
    response = client.get("/profiles/AIR-TONER-YE/backtest")
    assert response.status_code == 200
    assert "<svg" in response.text
    assert "Hits per day of AIR-TONER-YE v1" in response.text
    days = re.findall(
        r'<tr><td>(\d{4}-\d\d-\d\d)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', response.text
    )
    assert days == [
        ("2026-11-10", "3", "2"),
        ("2026-11-11", "0", "0"),
        ("2026-11-12", "2", "0"),
        ("2026-11-13", "1", "1"),
    ]
    assert "3 hits in 6 consignments" in response.text
    assert "last 30 days" in response.text
    # the hit sample links to consignments of offices this officer sees (DEFRA: none for an officer at BEANR)
    assert "/consignments/" not in response.text
    assert "not listed" in response.text
    sample = bench.client("sam").get("/profiles/AIR-TONER-YE/backtest").text
    assert len(set(re.findall(r'href="/consignments/(C\w+)"', sample))) == 3
    assert sorted(re.findall(r'href="/consignments/C\w+">([^<]+)</a>', sample)) == ["H-A1", "H-A2", "H-C1"]

    draft = bench.post(
        client, "/profiles/new", source=GNOMES.replace('"\\\\bgnomes?\\\\b"', '"toner"'), action="backtest"
    )
    assert draft.status_code == 200
    assert "<textarea" in draft.text
    assert "3 hits in 6 consignments" in draft.text
    with bench.db.read() as conn:
        assert profile_store.source_of(conn, "AIR-GARDEN-GNOMES") is None  # a backtest stores nothing


def test_only_a_supervisor_activates_and_the_pipeline_uses_it_at_once(bench: Bench) -> None:
    olga, sam = bench.client("olga"), bench.client("sam")
    assert bench.post(olga, "/profiles/new", source=GNOMES, action="save").status_code == 303
    refused = bench.post(olga, "/profiles/AIR-GARDEN-GNOMES/activate", version="1")
    assert refused.status_code == 403
    assert "Only a supervisor" in refused.text
    assert not [a for a in _audits(bench, "profile.active") if a[1] == "AIR-GARDEN-GNOMES@1"]
    before = _file(bench, "G0", goods__0__description="Garden gnomes")["consignments"][0]
    assert not any(f["code"] == "AIR-GARDEN-GNOMES" for f in before["findings"])

    assert "/profiles/AIR-GARDEN-GNOMES/activate" in sam.get("/profiles/AIR-GARDEN-GNOMES/backtest").text
    activated = bench.post(sam, "/profiles/AIR-GARDEN-GNOMES/activate", version="1")
    assert activated.status_code == 303
    assert activated.headers["location"].endswith("done=activated")
    assert [a for a in _audits(bench, "profile.active") if a[1] == "AIR-GARDEN-GNOMES@1"] == [
        ("sam", "AIR-GARDEN-GNOMES@1")
    ]
    after = _file(bench, "G1", goods__0__description="Garden gnomes")["consignments"][0]
    assert any(f["code"] == "AIR-GARDEN-GNOMES" for f in after["findings"])
    assert after["referral"] == "RFI"

    assert bench.post(olga, "/profiles/AIR-GARDEN-GNOMES/deactivate", version="1").status_code == 403
    assert bench.post(sam, "/profiles/AIR-GARDEN-GNOMES/deactivate", version="1").status_code == 303
    later = _file(bench, "G2", goods__0__description="Garden gnomes")["consignments"][0]
    assert not any(f["code"] == "AIR-GARDEN-GNOMES" for f in later["findings"])
    assert "v1 inactive" in sam.get("/profiles/AIR-GARDEN-GNOMES").text


def test_unknown_profiles_and_versions_are_not_found(bench: Bench) -> None:
    client = bench.client("sam")
    assert client.get("/profiles/NOPE").status_code == 404
    assert client.get("/profiles/AIR-TONER-YE?version=9").status_code == 404
    assert client.get("/profiles/NOPE/backtest").status_code == 404
    assert client.get("/profiles/NOPE/edit").status_code == 404
    assert bench.post(client, "/profiles/AIR-TONER-YE/activate", version="9").status_code == 404

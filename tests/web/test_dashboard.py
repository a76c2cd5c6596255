"""The dashboard page: charts and tables for an officer, office scoping, the window form and CSV exports."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from tests.factories import air_consignment, filing, sea_consignment
from tests.web.conftest import sign_in

FIGURES = ("filings", "referrals", "channels", "queue_age", "decision_time", "hit_rate", "seizures")


def section(html: str, name: str) -> list[list[str]]:
    """The body rows of one figure's table, as cell texts."""
    found = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert found, f"no {name} section"
    body = found.group(0).split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def exported(client, **params: str) -> list[dict[str, str]]:
    response = client.get("/dashboard", params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith(f'attachment; filename="dashboard-{params["figure"]}-')
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def file_two(bench) -> None:
    """An air consignment for DEFRA (ASSESSMENT_COMPLETE) and a sea one for NLRTM (red, open), filed now."""
    bench.file("acme", filing(air_consignment(), document_number="AIR-1"))
    bench.file("acme", filing(sea_consignment(), document_number="SEA-1"))


def test_page_draws_every_figure_as_chart_and_table(bench):
    file_two(bench)
    page = bench.client("sam").get("/dashboard")
    assert page.status_code == 200
    html = page.text
    for name in FIGURES:
        block = re.search(rf'<section id="{name}".*?</section>', html, re.S)
        assert block, name
        assert '<svg class="chart ' in block.group(0), name
        assert "<table>" in block.group(0), name
        assert f"format=csv&amp;figure={name}" in block.group(0)
    assert "honest baseline" in html
    assert 'style="' not in html  # the page policy allows no inline style
    assert "<script>" not in html  # nor an inline script
    assert ["ASSESSMENT_COMPLETE", "1", "100.0 %"] in section(html, "referrals")
    assert ["red", "1", "100.0 %"] in section(html, "channels")
    assert ["&lt; 1 h", "1"] in section(html, "queue_age")
    assert sum(int(row[-1]) for row in section(html, "filings")) == 2
    assert '<option value="NLRTM">NLRTM</option>' in html
    assert '<option value="DEFRA">DEFRA</option>' in html


def test_an_officer_sees_only_the_office_posted_to(bench):
    file_two(bench)
    olga = bench.client("olga")  # NLRTM: the sea consignment, not the air one for DEFRA
    html = olga.get("/dashboard", params={"office": "DEFRA"}).text
    assert ["ASSESSMENT_COMPLETE", "0", "0.0 %"] in section(html, "referrals")
    assert ["red", "1", "100.0 %"] in section(html, "channels")
    assert 'value="NLRTM" readonly' in html
    assert "DEFRA" not in html
    assert sum(int(row[-1]) for row in section(html, "filings")) == 1
    rows = exported(olga, figure="referrals", office="DEFRA")
    assert (rows[0]["outcome"], rows[0]["consignments"]) == ("ASSESSMENT_COMPLETE", "0")
    pieter = bench.client("pieter")  # BEANR: nothing at all
    assert all(row[1] == "0" for row in section(pieter.get("/dashboard").text, "queue_age"))
    sam = bench.client("sam")  # a supervisor may pick any office
    rows = exported(sam, figure="referrals", office="defra")
    assert (rows[0]["outcome"], rows[0]["consignments"]) == ("ASSESSMENT_COMPLETE", "1")


def test_csv_exports_the_figure_table(bench):
    file_two(bench)
    sam = bench.client("sam")
    rows = exported(sam, figure="channels")
    assert rows == [
        {"outcome": "green", "consignments": "0", "share": "0.0"},
        {"outcome": "blue", "consignments": "0", "share": "0.0"},
        {"outcome": "yellow", "consignments": "0", "share": "0.0"},
        {"outcome": "red", "consignments": "1", "share": "1.0"},
    ]
    hourly = exported(sam, figure="filings")
    assert list(hourly[0]) == ["period", "air", "sea", "total"]
    assert len(hourly) == 24
    assert sum(int(r["total"]) for r in hourly) == 2
    timing = exported(sam, figure="decision_time")
    assert [r["measure"] for r in timing] == ["filing to decision", "filing to officer action"]
    assert timing[0]["decisions"] == "2"
    assert timing[1]["decisions"] == "0"
    assert timing[1]["p50_seconds"] == ""
    assert list(exported(sam, figure="hit_rate")[0]) == [
        "selection",
        "inspections",
        "hits",
        "hit_rate",
        "ci95_low",
        "ci95_high",
    ]
    assert sam.get("/dashboard", params={"format": "csv", "figure": "nothing"}).status_code == 404


def test_window_form_picks_whole_days(bench):
    file_two(bench)
    sam = bench.client("sam")
    today = datetime.now(UTC).date()
    earlier = today - timedelta(days=3)
    html = sam.get("/dashboard", params={"from": earlier.isoformat(), "to": earlier.isoformat()}).text
    assert f'name="from" value="{earlier.isoformat()}"' in html
    assert sum(int(row[-1]) for row in section(html, "filings")) == 0
    days = exported(sam, figure="filings", **{"from": earlier.isoformat(), "to": today.isoformat()})
    assert [r["period"] for r in days] == [(earlier + timedelta(days=i)).isoformat() for i in range(4)]
    assert days[-1]["total"] == "2"
    wrong = sam.get("/dashboard", params={"from": today.isoformat(), "to": earlier.isoformat()})
    assert wrong.status_code == 200
    assert "Window not changed" in wrong.text


def test_a_filer_cannot_open_the_dashboard(bench):
    client = bench.anonymous()
    assert client.get("/dashboard").status_code == 303  # to sign-in
    response = sign_in(client, {"name": "acme", "password": "correct horse battery"})
    assert response.status_code == 403
    assert client.get("/dashboard", params={"format": "csv", "figure": "channels"}).status_code == 303


def chart_texts(html: str, name: str, css_class: str) -> list[str]:
    """The texts of one class in one figure's chart."""
    found = re.search(rf'<section id="{name}".*?</svg>', html, re.S)
    assert found, f"no {name} chart"
    return re.findall(rf'<text class="{css_class}"[^>]*>([^<]*)</text>', found.group(0))


def test_the_mix_charts_write_every_outcome_with_its_count_and_share(bench):
    file_two(bench)
    html = bench.client("sam").get("/dashboard").text
    assert chart_texts(html, "referrals", "name") == ["ASSESSMENT_COMPLETE", "RFI", "RFS", "DNL"]
    assert chart_texts(html, "referrals", "value") == ["1 · 100.0 %", "0 · 0 %", "0 · 0 %", "0 · 0 %"]
    assert chart_texts(html, "channels", "name") == ["green", "blue", "yellow", "red"]
    assert chart_texts(html, "decision_time", "value")[0] == "0 s"  # filed and decided at the test's one instant
    assert chart_texts(html, "hit_rate", "value") == ["no inspections", "no inspections"]

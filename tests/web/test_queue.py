"""The queue page: what an officer sees, filters, deadlines, CSV export, and an office's limits."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from tests.factories import air_consignment, filing, sea_consignment
from tests.service.conftest import DNL_TONER_YEMEN, RFS_FALCON
from tests.web.conftest import Bench


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stock(bench: Bench) -> dict[str, str]:
    """A DNL due in an hour and an overdue RFS (both at DEFRA), a red at NLRTM (olga's) and one at BEANR."""

    def file(number, consignment):
        return bench.file("acme", filing(consignment, document_number=number))["consignments"][0]["consignment_id"]

    return {
        "dnl": file(
            "A-DNL",
            air_consignment(
                **DNL_TONER_YEMEN,
                itinerary__departure_at=_iso(timedelta(hours=1)),
                itinerary__arrival_at=_iso(timedelta(hours=9)),
            ),
        ),
        "rfs": file(
            "A-RFS",
            air_consignment(
                **RFS_FALCON,
                itinerary__departure_at=_iso(timedelta(hours=-1)),
                itinerary__arrival_at=_iso(timedelta(hours=9)),
            ),
        ),
        "nlrtm": file("S-RTM", sea_consignment(house_document="HBL-RTM")),
        "beanr": file("S-ANR", sea_consignment(house_document="HBL-ANR", itinerary__place_of_unloading="BEANR")),
    }


def rows(html: str) -> list[str]:
    """Consignment ids linked from the queue table, in order."""
    return re.findall(r'<tr>\s*<td><a href="/consignments/([^"]+)">', html)


def test_a_supervisor_sees_every_office_riskiest_first_with_deadlines(bench: Bench) -> None:
    made = stock(bench)
    client = bench.client("sam")
    response = client.get("/queue")
    assert response.status_code == 200
    shown = rows(response.text)
    assert set(shown) == set(made.values())
    assert shown[0] == made["dnl"]  # the DNL scores highest
    dnl_row = response.text.split(f'/consignments/{made["dnl"]}"')[1].split("</tr>")[0]
    rfs_row = response.text.split(f'/consignments/{made["rfs"]}"')[1].split("</tr>")[0]
    assert 'class="due-soon"' in dnl_row
    assert re.search(r"\b(59 min|1 h 00 min)", dnl_row)
    assert 'class="overdue"' in rfs_row
    assert "overdue" in rfs_row


def test_filters_narrow_the_list_and_bad_values_are_shown_in_place(bench: Bench) -> None:
    made = stock(bench)
    client = bench.client("sam")
    assert rows(client.get("/queue?outcome=DNL").text) == [made["dnl"]]
    assert rows(client.get("/queue?mode=sea&office=beanr").text) == [made["beanr"]]
    assert rows(client.get("/queue?party=falcon").text) == [made["rfs"]]
    assert rows(client.get("/queue?profile=AIR-TONER-YE").text) == [made["dnl"]]
    assert rows(client.get("/queue?assigned=me").text) == []
    today = datetime.now(UTC).date()
    assert set(rows(client.get(f"/queue?filed_from={today}&filed_to={today}").text)) == set(made.values())
    assert rows(client.get(f"/queue?filed_to={today - timedelta(days=3)}").text) == []
    bad = client.get("/queue?mode=boat&filed_from=yesterday")
    assert bad.status_code == 422
    assert "One of air, sea" in bad.text
    assert "Give a date as YYYY-MM-DD." in bad.text
    assert set(rows(bad.text)) == set(made.values())  # the bad filters are ignored, the rest still works


def test_an_officer_sees_only_the_office_posted_to(bench: Bench) -> None:
    made = stock(bench)
    olga = bench.client("olga")
    assert rows(olga.get("/queue").text) == [made["nlrtm"]]
    other = olga.get("/queue?office=BEANR")
    assert rows(other.text) == [made["nlrtm"]]
    assert "You see NLRTM only." in other.text
    pieter = bench.client("pieter")
    assert rows(pieter.get("/queue").text) == [made["beanr"]]
    exported = pieter.get("/queue?format=csv").text
    assert made["beanr"] in exported
    assert made["nlrtm"] not in exported


def test_csv_export_of_the_filtered_list(bench: Bench) -> None:
    made = stock(bench)
    response = bench.client("sam").get("/queue?format=csv&mode=air")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["consignment_id"] for r in table] == [made["dnl"], made["rfs"]]
    assert table[0]["outcome"] == "DNL"
    assert table[0]["office"] == "DEFRA"
    assert table[0]["filer"] == "ACME"
    assert 50 <= int(table[0]["minutes_left"]) <= 60
    assert int(table[1]["minutes_left"]) < 0
    assert "format=csv" in bench.client("sam").get("/queue?mode=air").text  # the page links its own export


def test_a_deadline_long_passed_reads_as_its_date_not_as_days_overdue(bench: Bench) -> None:
    departed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=400)
    old = bench.file(
        "acme",
        filing(
            air_consignment(
                **DNL_TONER_YEMEN,
                itinerary__departure_at=departed.isoformat(),
                itinerary__arrival_at=(departed + timedelta(hours=8)).isoformat(),
            ),
            document_number="A-OLD",
        ),
    )["consignments"][0]["consignment_id"]
    sam = bench.client("sam")
    row = sam.get("/queue").text.split(f'/consignments/{old}"')[1].split("</tr>")[0]
    assert f"passed {departed:%Y-%m-%d}" in row
    assert "overdue" not in row
    page = sam.get(f"/consignments/{old}").text
    assert '<span class="passed">passed</span>' in page
    assert "overdue" not in page


def test_an_unknown_office_filter_is_named_and_ignored(bench: Bench) -> None:
    made = stock(bench)
    response = bench.client("sam").get("/queue?office=NLRTX")
    assert response.status_code == 422
    assert 'id="err-office">No consignment is handled at NLRTX.' in response.text
    assert set(rows(response.text)) == set(made.values())  # the filter is ignored, not an empty queue


def test_during_a_disruption_essential_goods_lead_the_queue_with_their_tier(bench: Bench) -> None:
    from safelane.resilience.disruption import Declaration
    from safelane.store import disruptions as disruption_store

    now = datetime.now(UTC)
    with bench.db.write() as conn:
        declared = Declaration.from_dict({"kind": "airport_closure", "scope": {"offices": ["DEFRA"]}}, now=now)
        disruption_store.declare(conn, declared, at=now, actor="sam")
    bench.system.pipeline.disruptions_changed()
    made = stock(bench)
    vaccines = bench.file(
        "acme",
        filing(
            air_consignment(**RFS_FALCON, goods__0__hs_code="300215", goods__0__description="Vaccines"),
            document_number="A-VAX",
        ),
    )["consignments"][0]
    assert vaccines["continuity"]["tier"] == 1
    response = bench.client("sam").get("/queue")
    shown = rows(response.text)
    assert shown[0] == vaccines["consignment_id"]  # tier 1 before the DNL, which scores higher
    assert shown[1] == made["dnl"]
    first_row = response.text.split(f'/consignments/{vaccines["consignment_id"]}"')[1].split("</tr>")[0]
    assert "tier 1" in first_row
    dnl_row = response.text.split(f'/consignments/{made["dnl"]}"')[1].split("</tr>")[0]
    assert "tier " not in dnl_row

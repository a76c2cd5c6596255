"""Offices page: capacity used today per office, settings changed by a supervisor at run time, audited."""

import sqlalchemy as sa

from safelane.store.schema import audit_events, office_settings
from tests.factories import filing, sea_consignment
from tests.web.conftest import Bench


def _changes(bench: Bench) -> list[dict]:
    with bench.db.read() as conn:
        return [
            dict(r)
            for r in conn.execute(
                sa.select(audit_events).where(audit_events.c.action == "office.settings_changed")
            ).mappings()
        ]


def test_a_supervisor_changes_settings_and_the_next_filing_follows_them(bench: Bench) -> None:
    sam = bench.client("sam")
    response = bench.post(
        sam,
        "/offices/NLRTM",
        csrf_from="/offices/NLRTM",
        capacity_physical="5",
        capacity_documentary="",
        capacity_nii="0",
        capacity_referral="",
        random_rate="100",
        explore_rate="0",
        random_inspection="documentary",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/offices?changed=NLRTM"
    [change] = _changes(bench)
    assert change["actor"] == "sam"
    assert change["subject"] == "NLRTM"
    assert change["detail"]["after"]["capacity"] == {"nii": 0, "physical": 5}
    assert change["detail"]["after"]["random_rate"] == 1.0

    # A plain consignment nobody would select is now taken by the (100 %) random sample, at once.
    plain = sea_consignment(
        consignor__address__country="CN",
        itinerary__place_of_loading="CNSHA",
        itinerary__routing_countries=[],
        goods__0__hs_code="940360",
        goods__0__description="Wooden furniture",
        goods__0__origin_country="CN",
    )
    [item] = bench.file("acme", filing(plain, document_number="BL-PLAIN-1"))["consignments"]
    assert item["channel"] == "yellow"
    assert "random compliance sample" in item["basis"]
    page = sam.get("/offices").text
    row = page.split('aria-label="Office NLRTM"')[1].split("</tr>")[0]
    assert "<td>its own</td>" in row
    assert "1 of unlimited" in row  # documentary: the random pick
    assert page.count('<table class="offices">') == 1  # one table for every office, not one each
    changes = page.split("Recent changes")[1]
    assert "<td>sam</td>" in changes  # the change is listed with who made it
    assert "physical inspection per day 5<br>" in changes  # the office's first settings: every value
    assert "random compliance sample 100 %" in changes
    assert '"capacity"' not in changes  # no raw JSON
    csv_rows = [line.split(",") for line in sam.get("/offices?format=csv").text.lstrip("\ufeff").splitlines()]
    assert csv_rows[0] == [
        "office",
        "kind",
        "capacity",
        "used",
        "left",
        "mandatory",
        "risk",
        "random",
        "exploration",
        "exploration_reserve",
    ]
    assert ["NLRTM", "documentary", "", "1", "", "0", "0", "1", "0", "0"] in csv_rows  # the random pick, counted


def test_bad_settings_are_refused_in_place_and_nothing_is_stored(bench: Bench) -> None:
    sam = bench.client("sam")
    response = bench.post(
        sam,
        "/offices/NLRTM",
        csrf_from="/offices/NLRTM",
        capacity_physical="-3",
        capacity_documentary="",
        capacity_nii="",
        capacity_referral="",
        random_rate="abc",
        explore_rate="5",
        random_inspection="physical",
    )
    assert response.status_code == 422
    assert 'class="error-at" id="err-physical">a whole number of consignments per day' in response.text
    assert "a percentage from 0 to 100" in response.text
    assert 'value="-3"' in response.text  # what was typed is kept
    with bench.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(office_settings)).scalar_one() == 0
    assert _changes(bench) == []


def test_a_change_lists_what_it_changed(bench: Bench) -> None:
    sam = bench.client("sam")
    form = dict(
        capacity_physical="5",
        capacity_documentary="",
        capacity_nii="",
        capacity_referral="",
        random_rate="1",
        explore_rate="0",
        random_inspection="physical",
    )
    bench.post(sam, "/offices/NLRTM", csrf_from="/offices/NLRTM", **form)
    bench.post(sam, "/offices/NLRTM", csrf_from="/offices/NLRTM", **{**form, "capacity_physical": "8"})
    latest = sam.get("/offices").text.split("Recent changes")[1].split("</tr>")[1]
    assert "physical inspection per day 5 → 8</td>" in latest  # that, and nothing else


def test_an_officer_reads_but_may_not_change(bench: Bench) -> None:
    olga = bench.client("olga")
    page = olga.get("/offices/NLRTM")
    assert page.status_code == 200
    assert "Only a supervisor changes office settings." in page.text
    assert "<input" not in page.text.split("<main")[1]  # nothing that looks editable
    assert "<dt>Physical inspection per day</dt><dd>unlimited</dd>" in page.text
    refused = bench.post(
        olga,
        "/offices/NLRTM",
        csrf_from="/offices/NLRTM",
        capacity_physical="1",
        random_rate="1",
        explore_rate="5",
        random_inspection="physical",
    )
    assert refused.status_code == 403
    assert _changes(bench) == []


def test_an_officer_sees_only_the_office_posted_to(bench: Bench) -> None:
    pieter = bench.client("pieter")  # posted to BEANR
    listing = pieter.get("/offices").text
    assert 'aria-label="Office BEANR"' in listing
    assert "NLRTM" not in listing
    assert pieter.get("/offices/NLRTM").status_code == 403

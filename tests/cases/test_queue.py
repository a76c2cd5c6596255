"""The queue query: what needs an officer, riskiest first, filtered, confined to an office, with deadlines."""

from datetime import UTC, date, datetime, timedelta

import orjson

from safelane.cases import notes, queue
from safelane.cases.queue import Filters
from safelane.referrals import act
from safelane.scope import Scope
from safelane.selection.capacity import OfficeSettings
from safelane.store import offices as office_store
from safelane.store import users as user_store
from tests.factories import air_consignment, filing, sea_consignment

DNL = {
    "itinerary__place_of_loading": "YESAH",
    "goods__0__hs_code": "844399",
    "goods__0__description": "Printer toner cartridges",
}
RFS = {"consignee__name": "Falcon Star General Trading"}
RFI = {"itinerary__routing_countries": ["KP"], "goods__0__hs_code": "847130", "goods__0__description": "Laptops"}


def submit(system, number: str, consignment: dict, filed_at: str | None = None, filer: str = "ACME") -> str:
    changes = {"filed_at": filed_at} if filed_at else {}
    [result] = system.pipeline.submit_message(
        orjson.dumps(filing(consignment, document_number=number, **changes)), filer=filer, actor="filer"
    )
    return result.consignments[0].consignment_id


def stock(system) -> dict[str, str]:
    """Three air referrals at DEFRA (departures 2 h, 1 h and -1 h from the clock), a red sea selection at NLRTM,
    and a plain air waybill that needs nobody."""
    return {
        "dnl": submit(system, "A-DNL", air_consignment(**DNL), "2026-11-18T09:00:00Z"),
        "rfs": submit(
            system,
            "A-RFS",
            air_consignment(**RFS, itinerary__departure_at="2026-11-20T09:00:00Z"),
            "2026-11-19T09:00:00Z",
        ),
        "rfi": submit(
            system,
            "A-RFI",
            air_consignment(**RFI, itinerary__departure_at="2026-11-20T07:00:00Z"),
            "2026-11-20T07:30:00Z",
        ),
        "red": submit(
            system, "S-RED", sea_consignment(itinerary__arrival_at="2026-11-20T08:30:00Z"), "2026-11-20T06:00:00Z"
        ),
        "clear": submit(system, "A-CLEAR", air_consignment(house_document="HAWB-CLEAR")),
    }


def ids(conn, clock, filters=Filters(), scope=Scope.of("olga", "officer"), **kw) -> list[str]:
    return [r["consignment_id"] for r in queue.open_cases(conn, filters, scope, now=clock.now, **kw).rows]


def test_open_referrals_and_selections_riskiest_first_with_time_left(system, clock):
    made = stock(system)
    with system.db.read() as conn:
        page = queue.open_cases(conn, Filters(), Scope.of("olga", "officer"), now=clock.now)
    rows = {r["consignment_id"]: r for r in page.rows}
    assert set(rows) == {made["dnl"], made["rfs"], made["rfi"], made["red"]}  # the clear one needs nobody
    assert page.total == 4
    assert page.pages == 1
    scores = [r["score"] for r in page.rows]
    assert scores == sorted(scores, reverse=True)
    assert page.rows[0]["consignment_id"] == made["dnl"]
    assert rows[made["dnl"]]["time_left"] == timedelta(hours=2)
    assert rows[made["dnl"]]["urgency"] == ""
    assert rows[made["rfs"]]["time_left"] == timedelta(hours=1)
    assert rows[made["rfs"]]["urgency"] == "due-soon"
    assert rows[made["rfi"]]["time_left"] == timedelta(hours=-1)
    assert rows[made["rfi"]]["urgency"] == "overdue"
    # a sea cargo report runs to arrival, not departure
    assert rows[made["red"]]["deadline"] == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def test_filters(system, clock):
    made = stock(system)
    with system.db.read() as conn:
        assert ids(conn, clock, Filters(mode="sea")) == [made["red"]]
        assert ids(conn, clock, Filters(outcome="RFS")) == [made["rfs"]]
        assert ids(conn, clock, Filters(office="NLRTM")) == [made["red"]]
        assert ids(conn, clock, Filters(profile="AIR-TONER-YE")) == [made["dnl"]]
        assert ids(conn, clock, Filters(profile="SEA-BANANA-COCAINE")) == [made["red"]]
        assert ids(conn, clock, Filters(party="falcon star")) == [made["rfs"]]  # any case, a substring
        assert ids(conn, clock, Filters(party="fresh fruit")) == [made["red"]]  # the consignee of the sea cargo
        assert ids(conn, clock, Filters(party="%")) == []  # wildcards are taken literally
        assert set(ids(conn, clock, Filters(filed_from=date(2026, 11, 19)))) == {made["rfs"], made["rfi"], made["red"]}
        assert ids(conn, clock, Filters(filed_from=date(2026, 11, 19), filed_to=date(2026, 11, 19))) == [made["rfs"]]
        assert set(ids(conn, clock, Filters(selection="mandatory"))) == {
            made["dnl"],
            made["rfs"],
            made["rfi"],
            made["red"],
        }
        assert ids(conn, clock, Filters(selection="random")) == []
        assert ids(conn, clock, Filters(sort="filed"))[0] == made["dnl"]
        assert ids(conn, clock, Filters(sort="filed"))[-1] == made["rfi"]


def test_office_scope_and_assignment(system, clock):
    made = stock(system)
    with system.db.read() as conn:
        assert ids(conn, clock, scope=Scope.of("olga", "officer", office="NLRTM")) == [made["red"]]
        assert set(ids(conn, clock, scope=Scope.of("pieter", "officer", office="DEFRA"))) == {
            made["dnl"],
            made["rfs"],
            made["rfi"],
        }
        # an officer's own office bounds any office filter
        assert ids(conn, clock, Filters(office="DEFRA"), Scope.of("olga", "officer", office="NLRTM")) == []
    with system.db.write() as conn:
        user_store.add(conn, "olga", "officer", office="NLRTM", at=clock.now)
    notes.assign(system.db, made["red"], "olga", scope=Scope.of("sam", "supervisor"), at=clock.now)
    with system.db.read() as conn:
        assert ids(conn, clock, Filters(assigned="me"), Scope.of("olga", "officer")) == [made["red"]]
        assert ids(conn, clock, Filters(assigned="me"), Scope.of("pieter", "officer")) == []
        assert made["red"] not in ids(conn, clock, Filters(assigned="unassigned"))


def test_closed_decisions_leave_the_queue_and_paging(system, clock):
    made = stock(system)
    with system.db.read() as conn:
        first = queue.open_cases(conn, Filters(), Scope.of("olga", "officer"), now=clock.now, per_page=3)
        second = queue.open_cases(conn, Filters(), Scope.of("olga", "officer"), now=clock.now, page=2, per_page=3)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (4, 2, 3, 1)
    assert {r["consignment_id"] for r in first.rows + second.rows} == {
        made["dnl"],
        made["rfs"],
        made["rfi"],
        made["red"],
    }
    with system.db.read() as conn:
        decision_id = next(r["decision_id"] for r in first.rows if r["consignment_id"] == made["dnl"])
    act(system.db, decision_id, "lift", scope=Scope.of("olga", "officer"), at=clock.now, note="checked")
    with system.db.read() as conn:
        assert made["dnl"] not in ids(conn, clock)
        assert len(queue.export(conn, Filters(), Scope.of("olga", "officer"), now=clock.now)) == 3


def test_random_selections_are_in_the_queue_and_filterable(system, clock):
    with system.db.write() as conn:
        office_store.set(conn, OfficeSettings("*", {}, random_rate=0.0, explore_rate=0.0), at=clock.now, actor="t")
        office_store.set(conn, OfficeSettings("NLRTM", {}, random_rate=1.0, explore_rate=0.0), at=clock.now, actor="t")
    system.pipeline.offices.refresh()
    plain = sea_consignment(
        goods__0__description="Ceramic tiles",
        goods__0__hs_code="690721",
        consignor__name="Azulejos Lisboa",
        consignor__address__country="PT",
        itinerary__place_of_loading="PTLIS",
        itinerary__routing_countries=[],
    )
    sampled = submit(system, "S-RANDOM", plain)
    with system.db.read() as conn:
        assert ids(conn, clock, Filters(selection="random")) == [sampled]
        assert ids(conn, clock, Filters(selection="risk")) == []


def test_the_deadline_is_departure_before_loading_and_arrival_otherwise(system, clock):
    air = air_consignment(
        house_document="H-DUE",
        itinerary__place_of_loading="YESAH",
        goods__0__hs_code="844399",
        goods__0__description="Printer toner cartridges",
        itinerary__departure_at="2026-11-20T10:00:00Z",
        itinerary__arrival_at="2026-11-20T23:00:00Z",
    )
    sea = sea_consignment(
        consignor__name="Falcon Star General Trading", itinerary__arrival_at="2026-11-20T23:00:00+02:00"
    )
    loading, arriving = submit(system, "AWB-DUE", air), submit(system, "BL-DUE", sea)
    with system.db.read() as conn:
        rows = {
            r["consignment_id"]: r
            for r in queue.export(conn, Filters(sort="deadline"), Scope.of("olga", "officer"), now=clock.now)
        }
        assert [r for r in rows][:2] == [loading, arriving]  # least time left first
    assert rows[loading]["deadline"] == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert rows[arriving]["deadline"] == datetime(2026, 11, 20, 21, tzinfo=UTC)
    assert rows[loading]["time_left"] == datetime(2026, 11, 20, 10, tzinfo=UTC) - clock.now


def test_urgency_marks_due_soon_and_overdue():
    assert queue.urgency(timedelta(minutes=119)) == "due-soon"
    assert queue.urgency(timedelta(hours=2)) == ""
    assert queue.urgency(timedelta(seconds=-1)) == "overdue"
    assert queue.urgency(None) == ""

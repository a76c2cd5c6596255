"""Workbench pages for trusted traders (StrictUndefined): search, operator view, a supervisor's status change,
and the party's status on the consignment page."""

from datetime import UTC, datetime

import sqlalchemy as sa

from safelane.store import traders as trader_store
from safelane.store.schema import audit_events
from safelane.traders.importing import read
from tests.factories import air_consignment, filing
from tests.web.conftest import Bench, bench  # noqa: F401  (the workbench fixture)

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _register(bench: Bench, text: str) -> None:  # noqa: F811
    with bench.db.write() as conn:
        trader_store.import_rows(conn, read(text), actor="test", at=AT, source="register.csv")
    bench.system.pipeline.clock = lambda: AT


def _northwind(bench: Bench) -> str:  # noqa: F811
    with bench.db.read() as conn:
        (found,) = trader_store.search(conn, "Northwind")
    return found.operator_id


def test_officers_search_and_read_an_operator(bench: Bench, register_text: str) -> None:  # noqa: F811
    _register(bench, register_text)
    olga = bench.client("olga")
    listing = olga.get("/traders", params={"q": "brokers"})
    assert listing.status_code == 200, listing.text
    assert "Hanse Customs Brokers GmbH" in listing.text
    assert "Northwind" not in listing.text
    page = olga.get(f"/traders/{_northwind(bench)}")
    assert page.status_code == 200, page.text
    assert "AEOS-123" in page.text
    assert "Only a supervisor changes a status." in page.text
    assert olga.get("/traders/O-nobody").status_code == 404
    assert bench.anonymous().get("/traders").status_code == 303  # to the sign-in page


def test_a_supervisor_changes_a_status_with_a_reason(bench: Bench, register_text: str) -> None:  # noqa: F811
    _register(bench, register_text)
    operator_id = _northwind(bench)
    with bench.db.read() as conn:
        authorisation = trader_store.operator(conn, operator_id).authorisations[0].authorisation_id
    path = f"/traders/{operator_id}/status"
    olga = bench.client("olga")
    form = {"authorisation_id": authorisation, "status": "suspended", "reason": "audit", "effective": "2026-11-21"}
    assert bench.post(olga, path, csrf_from=f"/traders/{operator_id}", **form).status_code == 403
    sam = bench.client("sam")
    missing = bench.post(
        sam, path, csrf_from=f"/traders/{operator_id}", **{**form, "reason": " ", "effective": "21.11."}
    )
    assert missing.status_code == 422
    assert "say why" in missing.text
    assert "YYYY-MM-DD" in missing.text
    done = bench.post(sam, path, csrf_from=f"/traders/{operator_id}", **form)
    assert done.status_code == 303
    with bench.db.read() as conn:
        actors = (
            conn.execute(
                sa.select(audit_events.c.actor).where(
                    audit_events.c.action == "trader.status_changed", audit_events.c.subject == authorisation
                )
            )
            .scalars()
            .all()
        )
    assert "sam" in actors
    shown = sam.get(f"/traders/{operator_id}").text
    assert "audit" in shown
    assert "2026-11-21" in shown


def test_the_consignment_page_shows_the_party_status_at_filing(bench: Bench, register_text: str) -> None:  # noqa: F811
    _register(bench, register_text)
    answer = bench.file("acme", filing(air_consignment(), filed_at="2026-11-20T08:00:00Z"))
    consignment_id = answer["consignments"][0]["consignment_id"]
    page = bench.client("sam").get(f"/consignments/{consignment_id}")
    assert page.status_code == 200, page.text
    assert "Trusted traders" in page.text
    assert "AEOS DE AEOS-123 certified since 2021-03-01" in page.text
    assert f'href="/traders/{_northwind(bench)}"' in page.text


def test_the_queue_shows_each_trusted_party_status(bench: Bench, register_text: str) -> None:  # noqa: F811
    _register(bench, register_text)
    toner = {
        "itinerary__place_of_loading": "YESAH",
        "goods__0__hs_code": "844399",
        "goods__0__description": "Printer toner cartridges",
        "declarant": {"name": "Hanse", "identifiers": [{"scheme": "EORI", "value": "DE998877665544332"}]},
    }
    bench.file("acme", filing(air_consignment(**toner), filed_at="2026-11-20T08:00:00Z"))
    queue = bench.client("sam").get("/queue")
    assert queue.status_code == 200, queue.text
    assert "AEOS certified</span>" in queue.text  # the consignee, Northwind
    assert "AEOC suspended</span>" in queue.text  # the declarant, suspended since 2026-11-15


def test_an_ambiguous_name_match_shows_on_the_consignment_page_and_in_the_queue(bench: Bench) -> None:  # noqa: F811
    _register(
        bench,
        "name,country,city,eori,programme,type,number,administration,status,effective,reason\n"
        "Baltic Timber GmbH,DE,Hamburg,DE111111111111111,EU-AEO,AEOF,AEOF-1,DE,certified,2021-01-01,audit passed\n"
        "Baltic Timber GmbH,DE,Munich,DE222222222222222,EU-AEO,AEOF,AEOF-2,DE,certified,2021-01-01,audit passed\n",
    )
    timber = {"consignee": {"name": "Baltic Timber GmbH", "address": {"country": "DE"}}}
    answer = bench.file("acme", filing(air_consignment(**timber), filed_at="2026-11-20T08:00:00Z"))
    consignment_id = answer["consignments"][0]["consignment_id"]
    page = bench.client("sam").get(f"/consignments/{consignment_id}")
    assert page.status_code == 200, page.text
    assert "matches 2 registered operators equally well by name" in page.text
    queue = bench.client("sam").get("/queue")
    assert queue.status_code == 200, queue.text
    assert "ambiguous</span>" in queue.text

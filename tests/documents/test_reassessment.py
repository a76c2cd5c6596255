"""A late certificate or requested document re-assesses its consignment through the one pipeline, on the real
store (SQLite and PostgreSQL): a new decision version, audited, shown to the filer; what must stand, stands."""

from datetime import timedelta

import orjson
import sqlalchemy as sa

from safelane.cases import notes as case_notes
from safelane.documents import arrivals
from safelane.documents import attach as attaching
from safelane.documents.stores import DatabaseDocuments
from safelane.ephyto.reader import read
from safelane.scope import Scope
from safelane.store import audit_verify
from safelane.store import certificates as certificate_store
from safelane.store import filings as filing_store
from safelane.store import profiles as profile_store
from safelane.store import releases as release_store
from safelane.store.schema import audit_events, decision_events, decisions
from tests.documents import samples
from tests.ephyto.test_matching import FIXTURES, plants
from tests.factories import filing
from tests.risk.test_profiles import profile

NEEDS_CERTIFICATE = profile(
    "hs_prefix: ['0602']\norigin_country: [AR]",
    "requirement: documents\ndocuments: [N851]",
    id="PH-PLANTS-AR",
    agency="plant_health",
)


def file_plants(system, clock, consignment=None, number="DOC-1"):
    with system.db.write() as conn:
        profile_store.save(conn, NEEDS_CERTIFICATE, actor="test", at=clock.now, origin="ph.yaml", activate=True)
    system.profiles.refresh()
    data = orjson.dumps(filing(consignment or plants(), document_number=number))
    [result] = system.pipeline.submit_message(data, filer="acme", actor="acme")
    [item] = result.consignments
    return result, item


def certificate_arrives(system, clock, name):
    xml = (FIXTURES / name).read_bytes()
    found = read(xml)
    with system.db.write() as conn:
        stored, changed = certificate_store.save(
            conn, found.certificate, found.warnings, xml, at=clock.now, actor="olga"
        )
    return arrivals.certificate_received(system.pipeline, stored.certificate, actor="olga") if changed else []


def answer_now(system, result):
    with system.db.read() as conn:
        [item] = filing_store.results_of(conn, result.filing_id, 1, as_first_given=False)
    return item


def count(system, table, *where):
    with system.db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()


def test_a_matching_certificate_releases_the_documents_requirement(system, clock):
    result, item = file_plants(system, clock)
    [required] = item.requirements
    assert (required["agency"], required["action"], required["documents"]) == ("plant_health", "documents", ["N851"])

    clock.now += timedelta(hours=2)
    [redone] = certificate_arrives(system, clock, "matching.xml")
    assert redone.decision_id != item.decision_id
    assert redone.basis.startswith("certificate AR-PC-2026-0001 received")
    [released] = redone.requirements
    assert (released["action"], released["documents"]) == ("release", [])
    assert "EPHYTO-MATCH" in {f["code"] for f in redone.findings}

    shown = answer_now(system, result)  # what the filer's answer API reads
    assert (shown.decision_id, shown.requirements) == (redone.decision_id, redone.requirements)
    with system.db.read() as conn:
        assert release_store.holding_agencies(conn, [item.consignment_id]) == {item.consignment_id: set()}
        old = conn.execute(sa.select(decisions).where(decisions.c.decision_id == item.decision_id)).one()
        assert (old.current, old.state) == (False, "closed")
        assert audit_verify.verify(conn).ok
    assert count(system, decision_events, decision_events.c.action == "reassessed") == 1
    assert count(system, audit_events, audit_events.c.action == "consignment.reassessed") == 1

    # idempotent: the same certificate again, or a second re-assessment with nothing new, stores nothing
    assert certificate_arrives(system, clock, "matching.xml") == []
    assert system.pipeline.reassess([item.consignment_id], reason="again", actor="olga") == []
    assert count(system, decisions, decisions.c.consignment_id == item.consignment_id) == 2
    # the filing's replay is answered as first given
    again = system.pipeline.submit_message(orjson.dumps(filing(plants())), filer="acme", actor="acme")[0]
    assert again.status == "duplicate" and again.consignments[0].requirements == [required]


def test_a_mismatching_certificate_keeps_the_goods_held_with_its_findings(system, clock):
    quoted = [{"type": "N851", "reference": "AR PC 2026 0002"}]
    _, item = file_plants(system, clock, plants(documents=quoted))
    [redone] = certificate_arrives(system, clock, "mismatching.xml")
    [held] = redone.requirements
    assert held["action"] == "hold"
    assert "EPHYTO-MISMATCH" in held["reasons"] and "consignee" in held["explanation"]
    with system.db.read() as conn:
        holding = release_store.holding_agencies(conn, [item.consignment_id])
    assert holding == {item.consignment_id: {"plant_health"}}


def test_a_certificate_for_other_goods_re_assesses_nothing(system, clock):
    _, item = file_plants(system, clock, plants(consignor__name="Someone Else", documents=[]))
    assert certificate_arrives(system, clock, "matching.xml") == []
    assert count(system, decisions, decisions.c.consignment_id == item.consignment_id) == 1


def test_the_required_document_releases_the_requirement(system, clock):
    result, item = file_plants(system, clock, plants(documents=[], consignor__name="Someone Else"))
    officer = Scope.of("sam", "supervisor")
    case_notes.request_documents(
        system.db, item.consignment_id, ["packing_list"], "Send it.", scope=officer, at=clock.now
    )
    done = attaching.attach(
        system.db,
        DatabaseDocuments(),
        item.consignment_id,
        samples.pdf(),
        "application/pdf",
        document_type="N851",
        filename="phyto.pdf",
        scope=Scope.of("acme", "filer", filer="acme"),
        at=clock.now,
        max_bytes=10_000_000,
    )
    [redone] = arrivals.document_received(
        system.pipeline, item.consignment_id, "N851", done.document["document_id"], actor="acme"
    )
    assert redone.basis.startswith(f"document N851 received ({done.document['document_id']})")
    assert redone.requirements[0]["action"] == "release"
    assert answer_now(system, result).decision_id == redone.decision_id
    with system.db.read() as conn:  # customs' own request, made on the replaced decision, is still outstanding
        assert attaching.outstanding(conn, item.consignment_id) == ["packing_list"]
    # another document type is not what the agency asked for: nothing re-assessed
    assert arrivals.document_received(system.pipeline, item.consignment_id, "invoice", "DOC-x", actor="acme") == []


def test_a_do_not_load_stands_through_a_re_assessment(system, clock):
    _, item = file_plants(system, clock)
    with system.db.write() as conn:
        conn.execute(
            decisions.update()
            .where(decisions.c.decision_id == item.decision_id)
            .values(outcome="DNL", answer="referral")
        )
    [redone] = certificate_arrives(system, clock, "matching.xml")
    assert (redone.answer, redone.outcome) == ("referral", "DNL")
    assert "DNL on version 1 stands through the re-assessment" in redone.basis
    assert redone.requirements[0]["action"] == "release"


def test_the_new_decision_goes_out_as_an_event(system, clock):
    from safelane.stream import events
    from tests.stream.test_events_outbox import waiting

    system.db.outbox = True
    _, item = file_plants(system, clock)
    [redone] = certificate_arrives(system, clock, "matching.xml")
    decided = [e for e in waiting(system) if e["type"] == events.DECISION]
    assert [e["id"] for e in decided] == [item.decision_id, redone.decision_id]
    assert decided[1]["data"]["basis"].startswith("certificate AR-PC-2026-0001 received")

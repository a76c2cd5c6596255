"""The one path end to end on a real store: accept, replay, amend, carry over, withdraw, reject."""

import orjson
import pytest
import sqlalchemy as sa

from safelane.domain import InvalidMessage
from safelane.scope import Scope
from safelane.store import Database
from safelane.store.schema import audit_events, consignments, decision_events, decisions, filing_versions, filings
from tests.factories import air_consignment, filing, sea_consignment

TONER_YEMEN = {
    "itinerary__place_of_loading": "YESAH",
    "goods__0__hs_code": "844399",
    "goods__0__description": "Printer toner cartridges",
}
VIA_IRAN = {"itinerary__routing_countries": ["IR"], "goods__0__hs_code": "847130", "goods__0__description": "Laptops"}


def counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (filings, filing_versions, consignments, decisions, decision_events)
        }


def submit(system, data: dict, filer: str = "ACME"):
    return system.pipeline.submit_message(orjson.dumps(data), filer=filer, actor=f"{filer}-user")


def test_accept_then_replay_is_idempotent(system):
    [first] = submit(system, filing(air_consignment(), sea_consignment(), kind="pre_arrival"))
    assert first.status == "accepted"
    assert first.filing_id
    air, sea = first.consignments
    assert (air.answer, air.outcome, sea.answer, sea.outcome) == ("channel", "green", "channel", "red")
    assert sea.findings[0]["code"] == "SEA-BANANA-COCAINE"
    assert sea.state == "open"
    before = counts(system.db)
    [again] = submit(system, filing(air_consignment(), sea_consignment(), kind="pre_arrival"))
    assert again.status == "duplicate"
    assert [c.decision_id for c in again.consignments] == [air.decision_id, sea.decision_id]
    assert [c.outcome for c in again.consignments] == ["green", "red"]
    assert counts(system.db) == before


def test_durable_before_acknowledged(system, database_url):
    [result] = submit(system, filing())
    other = Database(database_url)  # a new connection sees the committed filing
    with other.read() as conn:
        assert (
            conn.execute(sa.select(filings.c.status).where(filings.c.filing_id == result.filing_id)).scalar()
            == "active"
        )
    other.dispose()


def test_same_key_is_per_filer(system):
    [a] = submit(system, filing(), filer="ACME")
    [b] = submit(system, filing(), filer="OTHER")
    assert a.status == b.status == "accepted"
    assert a.filing_id != b.filing_id


def test_conflicting_and_stale_versions(system):
    submit(system, filing())
    [clash] = submit(system, filing(air_consignment(goods__0__packages=11)))
    assert clash.status == "conflict"
    assert clash.problems[0].code == "version_exists"
    submit(system, filing(air_consignment(goods__0__packages=11), version=2))
    [stale] = submit(system, filing(air_consignment(goods__0__packages=12), version=1))
    assert stale.status == "conflict"
    assert {p.code for p in stale.problems} == {"version_exists"}


def test_amendment_answers_an_rfi_and_is_reassessed(system):
    [v1] = submit(system, filing(air_consignment(**VIA_IRAN)))
    assert v1.consignments[0].outcome == "RFI"
    [v2] = submit(system, filing(air_consignment(), version=2))
    assert v2.status == "accepted"
    assert v2.filing_id == v1.filing_id
    assert v2.consignments[0].consignment_id == v1.consignments[0].consignment_id  # same consignment, new version
    assert v2.consignments[0].outcome == "ASSESSMENT_COMPLETE"
    with system.db.read() as conn:
        old = conn.execute(
            sa.select(decisions.c.state, decisions.c.current).where(
                decisions.c.decision_id == v1.consignments[0].decision_id
            )
        ).one()
        actions = (
            conn.execute(
                sa.select(decision_events.c.action).where(
                    decision_events.c.decision_id == v1.consignments[0].decision_id
                )
            )
            .scalars()
            .all()
        )
    assert tuple(old) == ("closed", False)
    assert actions == ["decided", "answered_by_amendment"]


def test_dnl_stands_through_an_amendment(system):
    [v1] = submit(system, filing(air_consignment(**TONER_YEMEN)))
    assert v1.consignments[0].outcome == "DNL"
    assert "toner" in v1.consignments[0].findings[0]["explanation"].lower()
    [v2] = submit(system, filing(air_consignment(), version=2))  # the filer "fixes" the data
    assert v2.consignments[0].outcome == "DNL"
    assert "stands through the amendment" in v2.consignments[0].basis


def test_withdraw_closes_open_decisions_and_blocks_new_versions(system):
    [v1] = submit(system, filing(sea_consignment()))
    assert v1.consignments[0].state == "open"
    with pytest.raises(LookupError):
        system.pipeline.withdraw(v1.filing_id, scope=Scope.of("x", "filer", filer="OTHER"))
    system.pipeline.withdraw(v1.filing_id, scope=Scope.of("ACME-user", "filer", filer="ACME"))
    with system.db.read() as conn:
        assert conn.execute(sa.select(decisions.c.state)).scalars().all() == ["closed"]
    [after] = submit(system, filing(sea_consignment(), version=2))
    assert after.status == "conflict"
    assert after.problems[0].code == "withdrawn"


def test_rejected_message_leaves_only_an_audit_event(system):
    before = counts(system.db)
    with pytest.raises(InvalidMessage):
        submit(system, filing(air_consignment(goods__0__hs_code="7700000")))
    assert counts(system.db) == before
    with system.db.read() as conn:
        event = conn.execute(sa.select(audit_events).where(audit_events.c.action == "filing.rejected")).one()
    assert event.detail["problems"][0]["code"] == "unknown_hs_chapter"


def test_batch_mixes_new_duplicate_and_conflict(system):
    submit(system, filing(document_number="A"))
    results = system.pipeline.submit(
        system.pipeline.parse(
            orjson.dumps(
                [
                    filing(document_number="A"),
                    filing(document_number="B"),
                    filing(air_consignment(goods__0__packages=3), document_number="A"),
                ]
            ),
            filer="ACME",
        ),
        actor="t",
    )
    assert [r.status for r in results] == ["duplicate", "accepted", "conflict"]


def test_assessment_records_what_knowledge_it_used(system):
    submit(system, filing())
    with system.db.read() as conn:
        versions = conn.execute(sa.text("select versions from assessments")).scalar()
    versions = orjson.loads(versions) if isinstance(versions, str) else versions
    assert versions["profiles"] == system.profiles().revision != "none"


def test_concurrent_submissions_are_committed_together_and_each_answered(system):
    """Group commit: many threads at once, every one gets its own answer, nothing is lost or doubled."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int):
        data = filing(air_consignment(house_document=f"H{i}"), document_number=f"D{i % 40}")
        return submit(system, data, filer=f"F{i % 3}")

    with ThreadPoolExecutor(16) as pool:
        answers = [r for rs in pool.map(one, range(120)) for r in rs]
    statuses = [a.status for a in answers]
    # 120 filings over 40 numbers x 3 filers: keys repeat with other content -> one accepted per key
    assert statuses.count("accepted") == 120 - statuses.count("conflict") - statuses.count("duplicate")
    assert counts(system.db)["filings"] == len({(i % 3, i % 40) for i in range(120)}) == statuses.count("accepted")
    assert all(a.consignments for a in answers if a.status == "accepted")


def test_one_bad_submission_does_not_fail_the_others_in_its_group(system, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    original = system.pipeline._score

    def fragile(lodgements, *rest):
        if any(lo.document_number == "BOOM" for lo in lodgements):
            raise RuntimeError("assessor failure")
        return original(lodgements, *rest)

    monkeypatch.setattr(system.pipeline, "_score", fragile)
    docs = ["BOOM", *[f"OK{i}" for i in range(15)]]
    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(submit, system, filing(document_number=d)) for d in docs]
    outcomes = {}
    for doc, future in zip(docs, futures, strict=True):
        try:
            outcomes[doc] = future.result()[0].status
        except RuntimeError:
            outcomes[doc] = "error"
    assert outcomes == {"BOOM": "error", **{f"OK{i}": "accepted" for i in range(15)}}


@pytest.mark.parametrize(
    ("where", "changes", "location"),
    [
        ("document number", {"document_number": "176-1111111\x1fX"}, "document_number"),
        (
            "house document",
            {"consignments": [air_consignment(house_document="X\x1fY")]},
            "consignments[0].house_document",
        ),
        (
            "party name",
            {"consignments": [air_consignment(consignor__name="Bright\x00Toys")]},
            "consignments[0].consignor.name",
        ),
    ],
)
def test_control_characters_are_refused_where_they_stand(system, where, changes, location):
    """A separator or NUL in any identifier or text is a located problem, never stored (PostgreSQL refuses NUL)."""
    before = counts(system.db)
    with pytest.raises(InvalidMessage) as refused:
        submit(system, {**filing(), **changes})
    assert [(p.location, p.code) for p in refused.value.problems] == [(location, "control_character")]
    assert counts(system.db) == before


def test_line_breaks_in_a_description_are_accepted(system):
    [result] = submit(system, filing(air_consignment(goods__0__description="Plastic building blocks\nin boxes")))
    assert result.status == "accepted"

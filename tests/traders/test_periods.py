"""The assessor's cache of judged parties never serves a judgement across a boundary: a status change taking effect
mid-day, an authorisation's validity dates and an MRA's start all give the same party a new judgement, in one warm
assessor (the cache is keyed by the operator's period, not the day)."""

from dataclasses import replace
from datetime import UTC, date, datetime

from safelane.selection import Offices
from safelane.traders.authorisation import Authorisation, Operator, StatusChange
from safelane.traders.facilitation import FacilitationAssessor
from safelane.traders.recognition import packaged
from safelane.traders.register import Register
from tests.factories import air_consignment, lodgement

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
EORI = "DE123456789012345"


def _certified(at: datetime) -> StatusChange:
    return StatusChange("certified", at, "audit passed", "test", at)


def _assessor(*authorisations: Authorisation) -> FacilitationAssessor:
    operator = Operator(
        "O1", "Northwind Retail GmbH", "DE", identifiers=(("EORI", EORI),), authorisations=authorisations
    )
    register = Register([operator], "test")
    return FacilitationAssessor(lambda: register, packaged(), offices=Offices)


def _statuses(assessor: FacilitationAssessor, *filed: str) -> list[list[tuple[str, bool]]]:
    items = [lodgement(air_consignment(), filed_at=at) for at in filed]
    return [[(f.evidence["status"], f.evidence["applied"]) for f in found] for found in assessor.assess(items)]


def test_a_status_change_at_noon_divides_the_day():
    home = Authorisation("A1", "O1", "EU-AEO", "AEOS", "AEOS-1", "DE", None, None, None,
                         (_certified(datetime(2021, 3, 1, tzinfo=UTC)),
                          StatusChange("suspended", NOON, "audit", "test", NOON)))  # fmt: skip
    assessor = _assessor(home)
    morning, afternoon, again = "2026-11-20T11:59:59Z", "2026-11-20T12:00:00Z", "2026-11-20T11:00:00Z"
    assert _statuses(assessor, morning, afternoon, again) == [
        [("certified", True)],
        [("suspended", False)],
        [("certified", True)],
    ]


def test_validity_dates_and_an_mra_start_are_boundaries():
    lapsing = Authorisation("A1", "O1", "EU-AEO", "AEOS", "AEOS-1", "DE", None, date(2026, 11, 21), None,
                            (_certified(datetime(2021, 3, 1, tzinfo=UTC)),))  # fmt: skip
    assert _statuses(_assessor(lapsing), "2026-11-20T23:59:00Z", "2026-11-21T00:00:00Z") == [
        [("certified", True)],
        [("expired", False)],
    ]
    partner = replace(lapsing, programme="JP-AEO", type="AEO", valid_to=None,
                      history=(_certified(datetime(2010, 1, 1, tzinfo=UTC)),))  # fmt: skip
    # Japan's MRA in force from 2011-05-24: before it a certified Japanese AEO earns nothing here
    found = _statuses(_assessor(partner), "2011-05-23T23:00:00Z", "2011-05-24T00:00:00Z")
    assert found == [[("certified", False)], [("certified", True)]]

"""Customs answers sent where filings go are named as answers, not refused as an unknown format (issue 11.14)."""

from pathlib import Path

import pytest

from safelane.domain import InvalidMessage
from safelane.formats import parse
from tests.formats.messages import MESSAGES, problems, read

ICS_ANSWERS = {
    "ics-ens/hmrc-outcome__pollingResponse_CC328A.xml": "IE328",
    "ics-ens/hmrc-intervention__Intervention.xml": "IE351",
    "ics-ens/hmrc-intervention__advancedNotification.xml": "IE351",
    "ics-ens/hmrc-store__validResponse.xml": "receipt",
    "ics-ens/hmrc-store__errorResponse.xml": "refusal",
}
DMS_NOTIFICATIONS = sorted(p.name for p in (MESSAGES / "wco-dms" / "notifications").glob("*.xml"))


def message_of(data: bytes, **kwargs) -> str:
    with pytest.raises(InvalidMessage) as caught:
        parse(data, **kwargs)
    [problem] = caught.value.problems
    return problem.message


@pytest.mark.parametrize("name", sorted(ICS_ANSWERS))
def test_an_ics_answer_is_refused_as_an_answer(name):
    assert problems(parse, read(name)) == [("/", "not_a_filing")]


@pytest.mark.parametrize("name", sorted(ICS_ANSWERS))
def test_the_refusal_names_the_answer(name):
    assert ICS_ANSWERS[name] in message_of(read(name))


def test_an_ics_answer_of_its_own_standard_is_an_answer_when_the_format_is_given():
    assert problems(parse, read("ics-ens/hmrc-intervention__Intervention.xml"), format="ics-ens") == [
        ("/CC351A", "not_a_filing")
    ]


def test_an_ics_rejection_is_an_answer():
    data = b'<ie:CC316A xmlns:ie="http://ics.dgtaxud.ec/CC316A"><MesTypMES20>CC316A</MesTypMES20></ie:CC316A>'
    assert message_of(data).startswith("this is an answer (IE316 ENS rejection, CC316A), not a filing")


@pytest.mark.parametrize("name", DMS_NOTIFICATIONS)
def test_a_dms_notification_is_refused_as_an_answer(name):
    assert problems(parse, read(f"wco-dms/notifications/{name}")) == [("/MetaData/Response", "not_a_filing")]


@pytest.mark.parametrize("name", DMS_NOTIFICATIONS)
def test_the_refusal_names_the_notification(name):
    dms_name = Path(name).stem.split("_")[-1]  # hmrc__01_DMSACC.xml: DMSACC
    assert f"DMS notification {dms_name}" in message_of(read(f"wco-dms/notifications/{name}"))


def test_an_unknown_xml_message_is_still_of_unknown_format():
    assert problems(parse, b"<response><Invoice/></response>") == [("/", "unknown_format")]

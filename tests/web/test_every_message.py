"""Every message the parsers accept opens in the workbench: filed over the API, its consignment page, its
outcome form and its queue row render for an officer.

The messages are every file under tests/fixtures/messages/ (and the native filing example in docs/examples/)
that parses, so a fixture someone adds is covered without touching this file. Optional fields are really
optional: the pages render with StrictUndefined here (see conftest), so a template reading a field a message
did not fill fails this test instead of rendering blank.
"""

import html
from pathlib import Path

import pytest

from safelane.cases.queue import NEEDS_OFFICER
from safelane.domain import InvalidMessage
from safelane.formats import parse
from tests.conftest import FIXTURES
from tests.web.conftest import Bench, add_users

DOCS_EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def _accepted(folder: Path) -> list[Path]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "LICENSES" not in p.parts and p.suffix != ".md"):
        try:
            parse(path.read_bytes(), filer="ACME")
        except InvalidMessage:
            continue  # a deliberately invalid sample, or a response message: not a filing
        found.append(path)
    return found


MESSAGES = _accepted(FIXTURES / "messages") + _accepted(DOCS_EXAMPLES)


def test_the_standard_samples_and_the_docs_example_are_among_them() -> None:
    names = {p.name for p in MESSAGES}
    for expected in (
        "riege__888-11111111_XFWB.xml",
        "riege__SEL22222222_XFZB.xml",
        "riege__xfwbExample.xml",
        "safelane__IE315_air.xml",
        "safelane__CUSCAR_two_interchanges.edi",
        "filing-minimal.json",
        "filing-complete.json",
    ):
        assert expected in names, expected


@pytest.mark.parametrize("path", MESSAGES, ids=[p.name for p in MESSAGES])
def test_a_filed_message_opens_in_the_workbench(bench: Bench, path: Path) -> None:
    add_users(bench.system, {"ida": ("officer", None, None)})  # an officer of no one office: sees every one
    filed = bench.anonymous().post(
        "/v1/filings", content=path.read_bytes(), headers={"Authorization": f"Bearer {bench.keys['acme']}"}
    )
    assert filed.status_code == 201, filed.text
    consignments = [c for f in filed.json()["filings"] for c in f["consignments"]]
    assert consignments
    ida = bench.client("ida")
    queue = ida.get("/queue")
    assert queue.status_code == 200, queue.text
    for consignment in consignments:
        consignment_id = consignment["consignment_id"]
        page = ida.get(f"/consignments/{consignment_id}")
        assert page.status_code == 200, page.text
        assert f"Consignment {consignment['reference']}" in html.unescape(page.text)
        outcome = ida.get(f"/consignments/{consignment_id}/outcome")
        assert outcome.status_code == 200, outcome.text
        if (consignment.get("referral") or consignment.get("channel")) in NEEDS_OFFICER:
            assert f'href="/consignments/{consignment_id}"' in queue.text, consignment["reference"]

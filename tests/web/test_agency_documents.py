"""An agency officer opens on the consignment page only the supporting documents its need-to-know allows
(agencies.yaml `documents:`), only on consignments in its scope, and every opening is an audit event; on the real
store (SQLite, and PostgreSQL when configured), templates with StrictUndefined (the bench's setting)."""

import html

from safelane.store.schema import audit_events
from tests.documents import samples
from tests.web.conftest import Bench
from tests.web.test_agency_workbench import held as agency_held  # noqa: F401  (the fixture, by its name)

ATTACHED = [  # (consignment, document type): plant health opens packing lists; veterinary C640 and packing lists
    ("both", "packing_list"),
    ("both", "C640"),
    ("both", "licence"),  # customs' own
    ("vet", "C640"),
]
OPENS = {"pia": {("both", "packing_list")}, "vera": {("both", "packing_list"), ("both", "C640"), ("vet", "C640")}}


def _attach(bench: Bench, held: dict[str, str]) -> dict[tuple[str, str], tuple[str, bytes]]:
    found = {}
    for pages, (label, document_type) in enumerate(ATTACHED, start=1):
        data = samples.pdf(pages=pages)
        response = bench.anonymous().post(
            f"/v1/consignments/{held[label]}/documents",
            content=data,
            headers={"Authorization": f"Bearer {bench.keys['acme']}", "Content-Type": "application/pdf"},
            params={"type": document_type, "filename": f"{label}-{document_type}.pdf"},
        )
        assert response.status_code == 201, response.text
        found[(label, document_type)] = (response.json()["document"]["document_id"], data)
    return found


def test_an_agency_opens_only_its_kinds_of_document_on_its_consignments(
    bench: Bench,
    agency_held: dict[str, str],  # noqa: F811  (the imported fixture)
) -> None:
    held = agency_held
    documents = _attach(bench, held)
    for name, mine in OPENS.items():
        client = bench.client(name)
        for label in ("both", "vet"):
            page = client.get(f"/consignments/{held[label]}")
            if not any(on == label for on, _ in mine):
                assert page.status_code == 404 or "No document attached." in page.text, (name, label)
                continue
            text = html.unescape(page.text)
            for on, kind in ATTACHED:
                if on == label:
                    assert (f"{on}-{kind}.pdf" in text) == ((on, kind) in mine), (name, on, kind)
        for (label, kind), (document_id, data) in documents.items():
            served = client.get(f"/consignments/{held[label]}/documents/{document_id}")
            if (label, kind) in mine:
                assert served.status_code == 200 and served.content == data, (name, label, kind)
            else:
                assert served.status_code == 404 and data not in served.content, (name, label, kind)
    bench.app.state.reads.flush()
    with bench.db.read() as conn:
        reads = conn.execute(audit_events.select().where(audit_events.c.action == "document.read")).mappings().all()
    opened = {(r["actor"], r["subject"]) for r in reads if r["detail"]["via"] == "workbench"}
    assert opened == {(name, documents[key][0]) for name, mine in OPENS.items() for key in mine}
    # customs still opens every document, customs' own included
    olga = bench.client("olga")
    assert olga.get(f"/consignments/{held['both']}/documents/{documents[('both', 'licence')][0]}").status_code == 200

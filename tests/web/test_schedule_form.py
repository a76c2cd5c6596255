"""The schedule-inspection form on the consignment page (issue 14, point 4): an agency officer whose agency holds
the goods books the one joint inspection (place, start, participants defaulting to every holder), and each
refusal (outside a participant's day, no capacity left, an agency not holding, already scheduled) is shown on the
form with its reason; the API answers the same refusals with 409. Real store, StrictUndefined templates."""

import html

from tests.web.conftest import Bench
from tests.web.test_agency_workbench import held as agency_held  # noqa: F401  (the fixture, by its name)

EVERYONE = {"agency.customs": "1", "agency.plant_health": "1", "agency.veterinary": "1"}


def _text(response) -> str:
    return html.unescape(response.text)


def test_schedule_form_books_the_joint_inspection_and_shows_refusals(
    bench: Bench,
    agency_held: dict[str, str],  # noqa: F811  (the imported fixture)
) -> None:
    both, vet, none = agency_held["both"], agency_held["vet"], agency_held["none"]
    pia, vera = bench.client("pia"), bench.client("vera")
    form = _text(pia.get(f"/consignments/{both}")).split('class="schedule-inspection"')[1].split("</form>")[0]
    for holder in ("customs", "plant_health", "veterinary"):  # every holder, checked by default
        assert f'name="agency.{holder}"' in form
    assert form.count("checked") == 3 and "wildlife" not in form
    path = f"/consignments/{both}/inspection"
    refusals = [
        ({"starts_at": "2026-11-21T08:00", **EVERYONE}, "plant_health inspects from 09:00 to 13:00 UTC, not at 08:00"),
        ({"agency.wildlife": "1", "agency.plant_health": "1"}, "wildlife does not hold this consignment"),
        ({"starts_at": "tomorrow", **EVERYONE}, "start must be a date and time"),
    ]
    for fields, reason in refusals:
        refused = bench.post(pia, path, csrf_from=f"/consignments/{both}", **fields)
        assert refused.status_code in (409, 422), (fields, refused.status_code)
        assert reason in _text(refused).split('id="schedule-error"')[1].split("</p>")[0], fields

    done = bench.post(
        pia, path, csrf_from=f"/consignments/{both}", place="Quay 7 shed", starts_at="2026-11-21T10:00", **EVERYONE
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=schedule#inspection")
    page = _text(pia.get(done.headers["location"]))
    assert "Joint inspection scheduled." in page and "Quay 7 shed" in page and "joint" in page
    assert 'class="schedule-inspection"' not in page  # one inspection per consignment
    again = bench.post(pia, path, csrf_from=f"/consignments/{both}", **EVERYONE)
    assert again.status_code == 409 and "already scheduled" in _text(again)

    # veterinary's one inspection a day (SLOTS daily: 1) is taken on the 21st: its form and the API refuse
    full = bench.post(
        vera,
        f"/consignments/{vet}/inspection",
        csrf_from=f"/consignments/{vet}",
        starts_at="2026-11-21T11:00",
        **{"agency.veterinary": "1"},
    )
    assert full.status_code == 409 and "veterinary has no capacity left on 2026-11-21" in _text(full)
    api = bench.anonymous().post(
        f"/v1/consignments/{vet}/inspection",
        json={"starts_at": "2026-11-21T11:00:00Z"},
        headers={"Authorization": f"Bearer {bench.keys['vera']}"},
    )
    assert api.status_code == 409 and "no capacity left" in api.text
    # an agency holding nothing on a consignment has no form there (it does not even see it)
    assert pia.get(f"/consignments/{vet}").status_code == 404
    assert 'class="schedule-inspection"' not in _text(vera.get(f"/consignments/{none}"))

"""Joint inspection: one inspection when customs and other agencies select the same consignment, each agency's
result in its own codes, and the consignment released only when every holding agency has released it.

Customs takes part when its current decision is a yellow or red channel still open; another agency when its
requirement on that decision is `hold` and it has not released the goods. The slot is the earliest start at which
every participant is within its working day, under its daily limit and with a free team (docs/agencies.md).
Customs' daily limit is the office's capacity for the decision's kind of control (office_settings), its working
day its `inspection_slots` row when there is one.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safelane.agencies.register import register
from safelane.cases import outcomes as customs_outcomes
from safelane.domain.assessment import CUSTOMS
from safelane.referrals import ActionError
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import inspections as store
from safelane.store import offices as office_store
from safelane.store import releases as release_store
from safelane.store import requirements as requirement_store
from safelane.store.filings import add_audit
from safelane.store.offices import day_of
from safelane.store.schema import decisions, releases

HORIZON_DAYS = 14
CUSTOMS_DAY = {"place": "customs examination area", "day_start": 8 * 60, "slot_minutes": 60, "slots": 8}


def outcome_codes() -> dict[str, dict[str, dict[str, str]]]:
    """Each agency's result codes (label, effect) from the agency register; customs keeps cases/outcomes.py's."""
    return {code: agency.outcome_codes() for code, agency in register().items()}


def _may_act(scope: Scope, agency: str | None, doing: str) -> None:
    """Customs acts for every participant; an agency officer only for its own agency."""
    if scope.is_customs or (scope.agency and scope.agency == agency):
        return
    raise ActionError(f"a {scope.role} may not {doing}", 403, "header.Authorization")


def _participants(conn: sa.Connection, case: Mapping[str, Any]) -> list[str]:
    decision = case["decision"]
    if decision is None:
        return []
    found = []
    channel = decision["answer"] == "channel" and decision["outcome"] in customs_outcomes.INSPECTED_CHANNELS
    if channel and decision["state"] != "closed":
        found.append(CUSTOMS)
    released = {r["agency"] for r in release_store.of(conn, case["consignment_id"])}
    for req in requirement_store.of_decision(conn, decision["decision_id"]):
        if req.action == "hold" and req.agency not in released:
            found.append(req.agency)
    return found


def _day(conn: sa.Connection, office: str | None, agencies: list[str], kind: str | None) -> dict[str, dict[str, Any]]:
    days = store.slots_of(conn, office, agencies)
    missing = [a for a in agencies if a not in days and a != CUSTOMS]
    if missing:
        raise ActionError(
            f"{', '.join(missing)} has no inspection slots at {office or 'this office'} (PUT /v1/inspections/slots)",
            409,
            "consignment_id",
        )
    if CUSTOMS in agencies:
        limit = office_store.offices(conn)(office).limit(kind or "physical")
        own = days.get(CUSTOMS) or {**CUSTOMS_DAY, "teams": limit or 1_000_000}
        days[CUSTOMS] = {**own, "daily": min(own.get("daily", limit or 1_000_000), limit or 1_000_000)}
    return days


def _why_not(
    days: dict[str, dict[str, Any]], booked: list[dict[str, Any]], start: datetime, end: datetime
) -> str | None:
    """Why a slot does not suit every participant (outside its working day, its daily limit reached, no free
    team), or None when it does."""
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    for agency, day in days.items():
        opens = midnight + timedelta(minutes=day["day_start"])
        closes = opens + timedelta(minutes=day["slot_minutes"] * day["slots"])
        if start < opens or end > closes:
            return f"{agency} inspects from {opens:%H:%M} to {closes:%H:%M} UTC, not at {start:%H:%M}"
        mine = [b for b in booked if b["agency"] == agency]
        if len(mine) >= day["daily"]:
            return f"{agency} has no capacity left on {start:%Y-%m-%d} ({day['daily']} inspections a day)"
        if sum(1 for b in mine if b["starts_at"] < end and b["ends_at"] > start) >= day["teams"]:
            return f"{agency} has no free team at {start:%Y-%m-%d %H:%M} ({day['teams']} at once)"
    return None


def _slot(
    conn: sa.Connection, office: str | None, days: dict[str, dict[str, Any]], not_before: datetime
) -> tuple[datetime, datetime]:
    minutes = max(d["slot_minutes"] for d in days.values())
    first, _ = day_of(not_before)
    for n in range(HORIZON_DAYS):
        midnight = first + timedelta(days=n)
        booked = store.booked(conn, office, midnight, midnight + timedelta(days=1))
        starts = sorted(
            {
                midnight + timedelta(minutes=d["day_start"] + i * d["slot_minutes"])
                for d in days.values()
                for i in range(d["slots"])
            }
        )
        for start in starts:
            end = start + timedelta(minutes=minutes)
            if start >= not_before and _why_not(days, booked, start, end) is None:
                return start, end
    raise ActionError(f"no common slot for {', '.join(days)} within {HORIZON_DAYS} days", 409, "consignment_id")


def _at(
    conn: sa.Connection, office: str | None, days: dict[str, dict[str, Any]], start: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The slot starting at `start` if it suits every participant; ActionError (409) says why not."""
    if start < now:
        raise ActionError(f"{start:%Y-%m-%d %H:%M} UTC has passed", 409, "starts_at")
    end = start + timedelta(minutes=max(d["slot_minutes"] for d in days.values()))
    first, _ = day_of(start)
    why = _why_not(days, store.booked(conn, office, first, first + timedelta(days=1)), start, end)
    if why is not None:
        raise ActionError(why, 409, "starts_at")
    return start, end


def holders(conn: sa.Connection, consignment_id: str, scope: Scope) -> list[str]:
    """Who holds the consignment for inspection now (customs and agencies): the default participants."""
    case = customs_outcomes.case_of(conn, consignment_id, scope=scope)
    return _participants(conn, case) if case is not None else []


def _chosen(holding: list[str], chosen: Sequence[str] | None) -> list[str]:
    """The participants: every holder by default, else those chosen, each of whom must hold the consignment."""
    if chosen is None:
        return holding
    outside = sorted(set(chosen) - set(holding))
    if outside:
        raise ActionError(f"{', '.join(outside)} does not hold this consignment for inspection", 409, "agencies")
    if not chosen:
        raise ActionError("choose at least one participating agency", 422, "agencies")
    return [a for a in holding if a in chosen]


def schedule(
    db: Database,
    consignment_id: str,
    *,
    scope: Scope,
    at: datetime,
    not_before: datetime | None = None,
    place: str | None = None,
    starts_at: datetime | None = None,
    agencies: Sequence[str] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The consignment's one inspection (scheduled now if it has none, else joined by whoever came to hold the
    goods since, `late_holders`); True when this call scheduled or joined it.
    Customs schedules any; an agency officer one its agency holds for inspection (it is then a participant).
    `place`, `starts_at` and `agencies` (a subset of the holders) are the officer's choice; without them the
    place is the participants' own and the slot the earliest common one. With a choice, an inspection already
    scheduled is a refusal (409), not the earlier one returned, so the officer learns its choice was not made."""
    if not (scope.is_customs or scope.agency):
        raise ActionError(f"a {scope.role} may not schedule inspections", 403, "header.Authorization")
    with db.write() as conn:
        case = customs_outcomes.case_of(conn, consignment_id, for_update=True, scope=scope)
        if case is None:
            raise ActionError(f"no consignment {consignment_id}", 404, "consignment_id")
        existing = store.of_consignment(conn, consignment_id)
        holding = _participants(conn, case)
        if existing is not None:
            if place is None and starts_at is None and agencies is None:
                return _joined(conn, case, existing, holding, scope=scope, at=at)
            when = f"{existing['starts_at']:%Y-%m-%d %H:%M} UTC at {existing['place']}"
            raise ActionError(f"an inspection is already scheduled: {when}", 409, "consignment_id")
        _may_act(scope, scope.agency if scope.agency in holding else None, "schedule this inspection")
        if not holding:
            raise ActionError(
                "neither customs nor any agency holds this consignment for inspection", 409, "consignment_id"
            )
        participants = _chosen(holding, agencies)
        _may_act(scope, scope.agency if scope.agency in participants else None, "leave its agency out")
        days = _day(conn, case["office"], participants, case["decision"]["inspection"])
        if starts_at is not None:
            start, end = _at(conn, case["office"], days, starts_at, at)
        else:
            start, end = _slot(conn, case["office"], days, max(at, not_before or at))
        place = place or days[CUSTOMS if CUSTOMS in days else participants[0]]["place"]
        inspection_id = store.add(
            conn, consignment_id, case["office"], place, start, end, participants, at=at, actor=scope.actor
        )
        add_audit(
            conn,
            at,
            scope.actor,
            "inspection.scheduled",
            consignment_id,
            {"inspection_id": inspection_id, "starts_at": start.isoformat(), "agencies": participants, "place": place},
        )
        scheduled = store.of_consignment(conn, consignment_id)
    assert scheduled is not None
    return scheduled, True


def completed(inspection: Mapping[str, Any]) -> bool:
    """An inspection is completed once every participant has recorded its result; until then (scheduled or in
    progress) a late holder may join it."""
    return all(p["outcome"] is not None for p in inspection["participants"])


def late_holders(inspection: Mapping[str, Any], holding: Sequence[str], scope: Scope) -> list[str]:
    """Who came to hold the goods after their inspection was scheduled and is not in it: every such holder for
    customs, its own agency for an agency officer."""
    taking_part = {p["agency"] for p in inspection["participants"]}
    return [a for a in holding if a not in taking_part and (scope.is_customs or a == scope.agency)]


def _joined(
    conn: sa.Connection,
    case: Mapping[str, Any],
    inspection: dict[str, Any],
    holding: list[str],
    *,
    scope: Scope,
    at: datetime,
) -> tuple[dict[str, Any], bool]:
    """The scheduled or ongoing inspection, joined by the late holders the officer acts for if its slot suits them
    (one inspection, not a second one); True when some joined. ActionError (409) says why a late holder cannot:
    no room in the slot, or the inspection is completed (a consignment has one inspection)."""
    late = late_holders(inspection, holding, scope)
    if not late:
        return inspection, False
    start, end = inspection["starts_at"], inspection["ends_at"]
    if completed(inspection):
        raise ActionError(
            f"the inspection at {start:%Y-%m-%d %H:%M} UTC is completed (every participant recorded its result); "
            f"{', '.join(late)} cannot join it",
            409,
            "consignment_id",
        )
    first, _ = day_of(start)
    days = _day(conn, case["office"], late, case["decision"]["inspection"])
    why = _why_not(days, store.booked(conn, case["office"], first, first + timedelta(days=1)), start, end)
    if why is not None:
        raise ActionError(f"cannot join the inspection at {start:%Y-%m-%d %H:%M} UTC: {why}", 409, "consignment_id")
    store.add_participants(conn, inspection["inspection_id"], late)
    add_audit(
        conn,
        at,
        scope.actor,
        "inspection.joined",
        case["consignment_id"],
        {"inspection_id": inspection["inspection_id"], "agencies": late, "in_progress": start <= at},
    )
    joined = store.of_consignment(conn, case["consignment_id"])
    assert joined is not None
    return joined, True


def record_result(
    db: Database, consignment_id: str, agency: str, form: Mapping[str, Any], *, scope: Scope, at: datetime
) -> tuple[dict[str, Any], bool]:
    """One participant's result: customs' through cases/outcomes.py, another agency's in its own codes, with its
    release or refusal, in one transaction. Recording the same result again changes nothing (False).
    An agency officer records only its own agency's result."""
    _may_act(scope, agency, f"record {agency}'s inspection result")
    with db.write() as conn:
        case = customs_outcomes.case_of(conn, consignment_id, for_update=True, scope=scope)
        inspection = store.of_consignment(conn, consignment_id) if case else None
        if case is None or inspection is None:
            raise ActionError(f"no inspection of consignment {consignment_id}", 404, "consignment_id")
        [part] = [p for p in inspection["participants"] if p["agency"] == agency] or [None]
        if part is None:
            raise ActionError(f"{agency} does not take part in this inspection", 422, "agency")
        code = str(form.get("result") if agency == CUSTOMS else form.get("outcome") or "")
        if part["outcome"] is not None:
            if part["outcome"] == code:
                return inspection, False
            raise ActionError(f"{agency} already recorded {part['outcome']!r} for this inspection", 409, "outcome")
        if agency == CUSTOMS:
            try:
                outcome = customs_outcomes.parse(form)
            except customs_outcomes.Invalid as invalid:
                raise ActionError(str(invalid), 422, next(iter(invalid.errors))) from None
            customs_outcomes.record_in(conn, consignment_id, outcome, scope=scope, at=at)
        else:
            codes = outcome_codes().get(agency, {})
            if code not in codes:
                raise ActionError(f"outcome must be one of {', '.join(codes) or '(none configured)'}", 422, "outcome")
            effect = codes[code]["effect"]
            if effect != "hold":
                kind = "released" if effect == "release" else "refused"
                release_store.record(conn, consignment_id, agency, at, scope.actor, kind=kind, note=code)
        note = form.get("note")
        if not store.record_result(
            conn, inspection["inspection_id"], agency, code, str(note) if note else None, at=at, actor=scope.actor
        ):
            raise ActionError(f"{agency}'s result was recorded meanwhile", 409, "outcome")
        add_audit(conn, at, scope.actor, "inspection.result", consignment_id, {"agency": agency, "outcome": code})
        done = store.of_consignment(conn, consignment_id)
    assert done is not None
    return done, True


def status(conn: sa.Connection, consignment_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Who still holds each consignment (customs included), who refused it, and when the last release came.

    Customs holds a consignment whose current decision is a yellow or red channel until customs' release."""
    held = release_store.holding_agencies(conn, consignment_ids)
    rows = conn.execute(sa.select(releases).where(releases.c.consignment_id.in_(consignment_ids))).mappings()
    done: dict[str, list[dict[str, Any]]] = {i: [] for i in consignment_ids}
    for r in rows:
        done[r["consignment_id"]].append(dict(r))
    controlled = {
        r.consignment_id
        for r in conn.execute(
            sa.select(decisions.c.consignment_id).where(
                decisions.c.consignment_id.in_(consignment_ids),
                decisions.c.current.is_(True),
                decisions.c.answer == "channel",
                decisions.c.outcome.in_(customs_outcomes.INSPECTED_CHANNELS),
            )
        )
    }
    out = {}
    for cid in consignment_ids:
        by = {r["agency"]: r for r in done[cid]}
        holding = set(held.get(cid, set())) | ({CUSTOMS} if cid in controlled and CUSTOMS not in by else set())
        refused = sorted(a for a, r in by.items() if r["kind"] == "refused")
        released = not holding and not refused
        out[cid] = {
            "held_by": sorted(holding),
            "refused_by": refused,
            "released": released,
            "released_at": max((r["at"] for r in done[cid]), default=None) if released else None,
            "releases": sorted(done[cid], key=lambda r: r["at"]),
        }
    return out


def saved(inspections: list[dict[str, Any]]) -> dict[str, Any]:
    """Inspections saved by joining: the separate inspections each participant would have held, less the joint
    ones; and each agency's participations."""
    per: dict[str, int] = {}
    for row in inspections:
        for p in row["participants"]:
            per[p["agency"]] = per.get(p["agency"], 0) + 1
    separate = sum(per.values())
    return {
        "inspections": len(inspections),
        "joint": sum(1 for r in inspections if r["joint"]),
        "separate_without_joining": separate,
        "saved": separate - len(inspections),
        "per_agency": dict(sorted(per.items())),
    }


def calendar(
    conn: sa.Connection, *, scope: Scope, office: str | None, start: datetime, end: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The inspections starting in [start, end) through `scope`, and their measures: the inspections saved by
    joining and the hours from arrival to each agency's and the last release. The one computation behind
    `GET /v1/inspections`, the calendar page, its CSV and the dashboards."""
    rows = store.calendar(conn, scope=scope, office=office, start=start, end=end)
    times = store.release_times(conn, scope=scope, office=office, start=start, end=end)
    return rows, {**saved(rows), "arrival_to_release": release_hours(times, free(conn, times))}


def free(conn: sa.Connection, rows: list[dict[str, Any]]) -> set[str]:
    """Of the consignments in release rows, those every holding agency has released (the goods may leave)."""
    ids = sorted({r["consignment_id"] for r in rows})
    return {cid for cid, s in status(conn, ids).items() if s["released"]} if ids else set()


def release_hours(rows: list[dict[str, Any]], free: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """Per agency, and "last" (each consignment's last release, when the goods could leave; only those in
    `free` when given, as a release by one agency while another still holds is not the last): how many, and
    the mean and median hours from arrival."""
    from statistics import mean, median

    per: dict[str, list[float]] = {}
    last: dict[str, float] = {}
    for r in rows:
        hours = max(0.0, (r["released_at"] - r["arrival"]).total_seconds() / 3600)
        per.setdefault(r["agency"], []).append(hours)
        if free is None or r["consignment_id"] in free:
            last[r["consignment_id"]] = max(last.get(r["consignment_id"], 0.0), hours)
    if last:
        per["last"] = list(last.values())
    return {
        agency: {"releases": len(v), "mean_hours": round(mean(v), 2), "median_hours": round(median(v), 2)}
        for agency, v in sorted(per.items())
    }

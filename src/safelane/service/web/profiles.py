"""Workbench pages: risk profiles — what is in force, what each profile achieves, drafts, backtests, activation.

Officers write drafts and backtest them; the editor checks a draft with the same loader as `safelane profiles
validate` and shows its errors in place, on the lines they name. Saving stores a new draft version; only a
supervisor puts a version in force or takes it out, and the running pipeline picks the change up at once.
An agency officer sees, backtests and drafts only the versions whose `agency:` is its own agency (need-to-know:
customs' and other agencies' rules are not its business); any other profile id answers 404 as if absent.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from safelane.cases import agency_effectiveness, effectiveness, joint
from safelane.domain import Lodgement, Problem
from safelane.domain.assessment import CUSTOMS
from safelane.risk.profiles import Profile, ProfileError, load_text
from safelane.risk.profiles.backtest import backtest as run_backtest
from safelane.risk.profiles.backtest import scope
from safelane.service.api import get_system
from safelane.service.web.charts import bars
from safelane.service.web.exports import csv_response
from safelane.service.web.render import not_found, now, page
from safelane.service.web.signin import FormDep, Officer, OfficerDep
from safelane.store import Database, agency_scope
from safelane.store import profiles as profile_store
from safelane.store.filings import newest_filed_at, stored_lodgements, stored_per_day

router = APIRouter()  # agency officers too: each page shows them only their agency's profiles

ORIGIN = "profile"  # the name the loader gives the editor's text in its error locations
MAX_SOURCE = 64_000  # characters: a profile is a page of YAML, not a data file
WINDOW_DAYS = 30  # a backtest looks back over the last 30 days of stored history ...
MAX_CONSIGNMENTS = 50_000  # ... and reads at most this many consignments of it, so a page answers in seconds
SAMPLE = 10  # hit consignments listed under a backtest
COLUMNS = (
    "profile_id",
    "version",
    "title",
    "owner",
    "agency",
    "status",
    "changed_at",
    "versions",
    "selections",
    "inspections",
    "hits",
    "holds",
    "results",
    "hit_rate",
)  # customs' rows leave holds and results empty, agencies' rows selections and inspections
AGENCY_COLUMNS = (*COLUMNS[:8], "hits", "holds", "results", "hit_rate")
DONE = {
    "created": "Saved as a new draft version. Backtest it, then a supervisor can activate it.",
    "unchanged": "This version was stored already with the same text; nothing changed.",
    "activated": "Activated: new filings are assessed with this version from now on.",
    "deactivated": "Deactivated: new filings are no longer assessed with this version.",
}
_LOCATION = re.compile(rf"^{re.escape(ORIGIN)}(?::(\d+))?(?: (.+))?$")
_VERSION_LINE = re.compile(r"^version:[ \t]*\d+[ \t]*$", re.MULTILINE)


def _db(request: Request) -> Database:
    return get_system(request).db


def percent(rate: float | None) -> str:
    """A share as officers read it: whole percents, with decimals only where a small share would read as 0%."""
    if rate is None:
        return ""
    return f"{rate:.2%}" if 0 < rate < 0.01 else f"{rate:.1%}" if 0 < rate < 0.1 else f"{rate:.0%}"


# -- list and view -----------------------------------------------------------------------------------------


def _by_profile(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["profile_id"], []).append(row)
    return grouped


def _visible(conn: Any, officer: Officer) -> list[dict[str, Any]]:
    """The stored versions the officer may see, each with the agency whose rule it is: all for customs, its
    agency's own for an agency officer."""
    agencies = profile_store.agencies_of_versions(conn)
    rows = [{**r, "agency": agencies[(r["profile_id"], r["version"])]} for r in profile_store.listing(conn)]
    return [r for r in rows if r["agency"] == officer.agency] if officer.is_agency else rows


def _measured(conn: Any, grouped: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Each profile's figures in its owner's terms: customs' selections and inspections for a customs profile,
    its agency's hits, holds and own results for an agency's (customs' measures read zero for those)."""
    by_agency: dict[str, list[str]] = {}
    for profile_id, versions in grouped.items():
        by_agency.setdefault(_in_view(versions)["agency"], []).append(profile_id)
    measured: dict[str, Any] = {}
    for agency, ids in by_agency.items():
        if agency == CUSTOMS:
            found = effectiveness.by_profile(conn, ids)
            measured.update({p: found.get(p) or effectiveness.Effectiveness(p) for p in ids})
        else:
            measured.update(agency_effectiveness.by_profile(conn, agency, ids))
    return measured


def _foreign(conn: Any, officer: Officer, profile_id: str) -> bool:
    """Whether an agency officer would write into a profile id with versions of another owner (never allowed)."""
    if not officer.is_agency:
        return False
    mine = {v for p, v in profile_store.versions_of_agency(conn, str(officer.agency)) if p == profile_id}
    return any(r["profile_id"] == profile_id and r["version"] not in mine for r in profile_store.listing(conn))


def _in_view(versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The version a list shows for a profile: the one in force, else the newest."""
    return next((v for v in versions if v["status"] == "active"), versions[-1])


@router.get("/profiles")
def profile_list(request: Request, officer: OfficerDep, format: str | None = None) -> Response:
    db = _db(request)
    with db.read() as conn:
        grouped = _by_profile(_visible(conn, officer))
        measured = _measured(conn, grouped)
    rows = []
    for profile_id, versions in grouped.items():
        measure = measured[profile_id]
        rate = measure.hit_rate
        rows.append(
            {
                **_in_view(versions),
                "versions": len(versions),
                "newest": versions[-1]["version"],
                **measure.as_dict(),
                "hit_rate": None if rate is None else round(rate, 4),
            }
        )
    if format == "csv":
        return csv_response(rows, AGENCY_COLUMNS if officer.is_agency else COLUMNS, "profiles.csv")
    return page(
        request,
        "profiles.html",
        officer,
        title="Profiles",
        customs_rows=[r for r in rows if r["agency"] == CUSTOMS],
        agency_rows=[r for r in rows if r["agency"] != CUSTOMS],
        percent=percent,
    )


@router.get("/profiles/new")
def new_profile(request: Request, officer: OfficerDep) -> Response:
    starter = _STARTER.format(today=now(request).date().isoformat())
    if officer.is_agency:  # an agency's draft starts as its own, with a requirement instead of customs' referral
        starter = starter.replace("owner: customs\n", f"owner: {officer.agency}\nagency: {officer.agency}\n")
        starter = starter.replace("  referral: RFI\n", "  requirement: hold\n")
    return _editor(request, officer, None, starter)


@router.post("/profiles/new")
def new_profile_post(request: Request, officer: OfficerDep, form: FormDep) -> Response:
    return _submitted(request, officer, None, form)


@router.get("/profiles/{profile_id}")
def profile_view(
    request: Request, officer: OfficerDep, profile_id: str, version: int | None = None, done: str | None = None
) -> Response:
    db = _db(request)
    with db.read() as conn:
        versions = _by_profile(_visible(conn, officer)).get(profile_id)
        if not versions:
            return not_found(request, officer, f"There is no profile {profile_id}.")
        shown = next((v for v in versions if v["version"] == version), None) if version else _in_view(versions)
        if shown is None:
            return not_found(request, officer, f"Profile {profile_id} has no version {version}.")
        source = profile_store.source_of(conn, profile_id, shown["version"]) or ""
        measure = _measured(conn, {profile_id: versions})[profile_id]
    messages = [("ok", DONE[done])] if done in DONE else []
    return page(
        request,
        "profiles_view.html",
        officer,
        title=f"Profile {profile_id}",
        messages=messages,
        profile=_parsed(source),
        shown=shown,
        versions=versions,
        source=source,
        measure=measure,
        codes=joint.outcome_codes().get(_in_view(versions)["agency"], {}),
        percent=percent,
    )


def _parsed(source: str) -> Profile | None:
    """The stored text read by today's loader (None if the language has moved on since it was stored)."""
    try:
        return load_text(source, ORIGIN)
    except ProfileError:
        return None


# -- the editor --------------------------------------------------------------------------------------------

_STARTER = """\
id: NEW-PROFILE-ID
version: 1
title: What this profile looks for
owner: customs
rationale: >
  Why these consignments deserve a look; officers read this with every hit.
valid_from: {today}
applies_to: [pre_loading]
when:
  mode: [air, express]
  hs_prefix: ["8517"]
outcome:
  score: 50
  referral: RFI
"""


@router.get("/profiles/{profile_id}/edit")
def edit_profile(request: Request, officer: OfficerDep, profile_id: str, version: int | None = None) -> Response:
    """Start from a stored version with the version number raised: saving makes the next version."""
    db = _db(request)
    with db.read() as conn:
        shown = [r["version"] for r in _visible(conn, officer) if r["profile_id"] == profile_id]
        source = profile_store.source_of(conn, profile_id, version or (max(shown) if shown else None))
        newest = max((r["version"] for r in profile_store.listing(conn) if r["profile_id"] == profile_id), default=None)
    if source is None or newest is None or not shown or (version is not None and version not in shown):
        return not_found(request, officer, f"There is no profile {profile_id}" + (f" v{version}." if version else "."))
    source = _VERSION_LINE.sub(f"version: {newest + 1}", source, count=1)
    return _editor(request, officer, profile_id, source)


@router.post("/profiles/{profile_id}/edit")
def edit_profile_post(request: Request, officer: OfficerDep, form: FormDep, profile_id: str) -> Response:
    return _submitted(request, officer, profile_id, form)


def _submitted(request: Request, officer: Officer, editing: str | None, form: dict[str, str]) -> Response:
    """Save the text as a draft version, or (the "Backtest" button) backtest it unsaved.

    On errors the editor comes back with the text as entered and the errors on its lines; nothing is stored.
    """
    source = form.get("source", "").replace("\r\n", "\n")
    if len(source) > MAX_SOURCE:
        return _editor(
            request,
            officer,
            editing,
            source,
            status=422,
            problems=[Problem(ORIGIN, "too_long", f"a profile holds at most {MAX_SOURCE:,} characters")],
        )
    db = _db(request)
    try:
        profile = load_text(source, ORIGIN)
        if officer.is_agency and profile.agency != officer.agency:
            refused = f"an agency officer writes only its own agency's profiles: set agency: {officer.agency}"
            raise ProfileError([Problem(f"{ORIGIN} agency", "not_your_agency", refused)])
        with db.read() as conn:
            if _foreign(conn, officer, profile.id) or (editing is not None and _foreign(conn, officer, editing)):
                taken = f"{profile.id} is a profile of another owner; choose a new id"
                raise ProfileError([Problem(f"{ORIGIN} id", "not_your_profile", taken)])
        if form.get("action") == "backtest":
            return _editor(request, officer, editing, source, backtest=_backtest(db, profile, officer))
        with db.write() as conn:
            profile, outcome = profile_store.save(
                conn, source, actor=officer.name, at=now(request), origin=ORIGIN, activate=False
            )
    except ProfileError as error:
        return _editor(request, officer, editing, source, status=422, problems=error.problems)
    return RedirectResponse(f"/profiles/{profile.id}?version={profile.version}&done={outcome}", status_code=303)


def _editor(
    request: Request,
    officer: Officer,
    editing: str | None,
    source: str,
    *,
    status: int = 200,
    problems: list[Problem] | None = None,
    backtest: dict[str, Any] | None = None,
) -> Response:
    errors = located(problems or [], source)
    marked = {e["line"] for e in errors if e["line"]}
    listing = [(n, text, n in marked) for n, text in enumerate(source.split("\n"), start=1)] if errors else []
    action = f"/profiles/{editing}/edit" if editing else "/profiles/new"
    title = f"Edit profile {editing}" if editing else "New profile"
    return page(
        request,
        "profiles_edit.html",
        officer,
        status=status,
        title=title,
        editing=editing,
        action=action,
        source=source,
        errors=errors,
        listing=listing,
        backtest=backtest,
        percent=percent,
    )


def located(problems: list[Problem], source: str) -> list[dict[str, Any]]:
    """The loader's problems as (line, field, message); a field without a line is found by its top-level key."""
    lines = source.split("\n")
    found = []
    for problem in problems:
        match = _LOCATION.match(problem.location)
        line = int(match.group(1)) if match and match.group(1) else None
        field = match.group(2) if match else problem.location
        if line is None and field:
            key = re.split(r"[.\[]", field, maxsplit=1)[0]
            line = next((n for n, text in enumerate(lines, start=1) if re.match(rf"{re.escape(key)}\s*:", text)), None)
        found.append({"line": line, "field": field, "code": problem.code, "message": problem.message})
    return found


# -- backtest ------------------------------------------------------------------------------------------------


def _capped(
    batches: Iterator[list[Lodgement]], seen: dict[str, tuple[str, str | None, str]], state: dict[str, bool]
) -> Iterator[list[Lodgement]]:
    """At most MAX_CONSIGNMENTS lodgements; notes each one's office and reference (for the hit sample, which
    lists only those of offices the officer sees)."""
    read = 0
    for batch in batches:
        if read + len(batch) > MAX_CONSIGNMENTS:
            batch, state["capped"] = batch[: MAX_CONSIGNMENTS - read], True
        read += len(batch)
        seen.update(
            (lo.consignment_id, (lo.filer, lo.consignment.entry_office, lo.consignment.reference)) for lo in batch
        )
        yield batch
        if state.get("capped"):
            return


def _backtest(db: Database, profile: Profile, officer: Officer) -> dict[str, Any]:
    """Hits per day over the last WINDOW_DAYS days of stored history (ending at the newest stored filing)."""
    seen: dict[str, tuple[str, str | None, str]] = {}
    state = {"capped": False}
    with db.read() as conn:
        newest = newest_filed_at(conn)
        since = None
        if newest is not None:
            since = datetime.combine(newest.date() - timedelta(days=WINDOW_DAYS - 1), time(), UTC)
        hit_scope = scope(profile)
        lodgements = stored_lodgements(conn, since=since, modes=hit_scope["modes"], kinds=hit_scope["kinds"])
        report = run_backtest(
            profile, _capped(lodgements, seen, state), per_day=stored_per_day(conn, since=since), examples=SAMPLE * 20
        )
    days: list[dict[str, Any]] = []
    if report.by_day:
        day, last = min(report.by_day), max(report.by_day)
        while day <= last:  # every day of the span, quiet days too, so the chart's gaps are real
            total, hits = report.by_day.get(day, (0, 0))
            days.append({"day": day, "consignments": total, "hits": hits, "share": hits / total if total else None})
            day += timedelta(days=1)
    with db.read() as conn:
        agencies = _agencies_of(conn, report.examples if officer.is_agency else ())
    visible = [
        {"consignment_id": cid, "reference": seen[cid][2]}
        for cid in report.examples
        if cid in seen and officer.scope.sees(*seen[cid][:2], agencies=agencies.get(cid))
    ]
    return {
        "profile": profile,
        "consignments": report.consignments,
        "hits": report.hits,
        "days": days,
        "chart": bars(
            f"Hits per day of {profile.id} v{profile.version}", [(d["day"].strftime("%m-%d"), d["hits"]) for d in days]
        ),
        "sample": visible[:SAMPLE],
        "hidden": len(report.examples) - len(visible),
        "since": since,
        "until": newest,
        "capped": state["capped"] or report.stopped_early,
        "window_days": WINDOW_DAYS,
        "requirement": _requirement(profile),
        "max_consignments": MAX_CONSIGNMENTS,
    }


def _agencies_of(conn: Any, consignment_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The agencies each sampled hit is in the scope of (an agency officer's sample lists only its own)."""
    return {cid: agency_scope.of(conn, cid) for cid in consignment_ids}


def _requirement(profile: Profile) -> str | None:
    """What every hit of an agency's profile asks of the filer: the backtest's hits are that agency's requirements."""
    outcome = profile.outcome
    if profile.agency == "customs" or outcome.requirement is None:
        return None
    documents = f" ({', '.join(outcome.documents)})" if outcome.documents else ""
    return f"{profile.agency} {outcome.requirement}{documents}"


@router.get("/profiles/{profile_id}/backtest")
def stored_backtest(request: Request, officer: OfficerDep, profile_id: str, version: int | None = None) -> Response:
    db = _db(request)
    with db.read() as conn:
        versions = _by_profile(_visible(conn, officer)).get(profile_id, [])
        shown = (
            next((v for v in versions if v["version"] == version), None)
            if version
            else (versions[-1] if versions else None)
        )
        source = profile_store.source_of(conn, profile_id, shown["version"]) if shown else None
    if shown is None or source is None:
        return not_found(request, officer, f"There is no profile {profile_id}" + (f" v{version}." if version else "."))
    profile = _parsed(source)
    if profile is None:
        return page(
            request,
            "error.html",
            officer,
            status=409,
            title="Cannot backtest",
            message=f"{profile_id} v{shown['version']} no longer loads; edit it into a new version.",
        )
    return page(
        request,
        "profiles_backtest.html",
        officer,
        title=f"Backtest {profile_id} v{shown['version']}",
        shown=shown,
        backtest=_backtest(db, profile, officer),
        percent=percent,
    )


# -- activation ----------------------------------------------------------------------------------------------


def _set_status(request: Request, officer: Officer, form: dict[str, str], profile_id: str, status: str) -> Response:
    officer.require_supervisor()
    system, db = get_system(request), _db(request)
    try:
        version = int(form.get("version", ""))
        with db.write() as conn:
            if (profile_id, version) not in {(r["profile_id"], r["version"]) for r in _visible(conn, officer)}:
                raise LookupError(profile_id)
            profile_store.set_status(conn, profile_id, version, status, actor=officer.name, at=now(request))
    except (ValueError, LookupError):
        return not_found(request, officer, f"There is no profile {profile_id} v{form.get('version', '?')}.")
    if system.profiles is not None:
        system.profiles.refresh()  # this process assesses with the change from the next filing on
    done = "activated" if status == "active" else "deactivated"
    return RedirectResponse(f"/profiles/{profile_id}?version={version}&done={done}", status_code=303)


@router.post("/profiles/{profile_id}/activate")
def activate(request: Request, officer: OfficerDep, form: FormDep, profile_id: str) -> Response:
    return _set_status(request, officer, form, profile_id, "active")


@router.post("/profiles/{profile_id}/deactivate")
def deactivate(request: Request, officer: OfficerDep, form: FormDep, profile_id: str) -> Response:
    return _set_status(request, officer, form, profile_id, "inactive")

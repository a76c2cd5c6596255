"""The Time Release Study stamps someone reports: the goods' actual departure and arrival, and the start of
customs' control.

The declared departure and arrival are forecasts; the carrier (through its filer) or an officer at the frontier
reports the actual ones, and the TRS measures from them where they are known: from the arrival for goods
declared for release, from the departure for pre-loading air cargo (the WCO TRS guide's start for pre-loading
and export). A departure reported after the reported arrival, or the other way round, is refused (422).

The control start is stamped by the officer who begins a documentary check or an examination (`POST
/v1/consignments/{id}/control-start`), so the TRS can split the wait for control from the control itself. Each
is reported once: the same report again is a replay and changes nothing, a different one is a conflict (409)
with the stored one shown.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from safelane.cases.outcomes import INSPECTED_CHANNELS, case_of
from safelane.cases.outcomes import history as outcome_history
from safelane.referrals import ActionError
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import trs_stamps as store
from safelane.store.filings import add_audit

CLOCK_SKEW = timedelta(minutes=5)  # a reported time this far past the server's clock is accepted, no further
AUDIT = {"arrival": "consignment.arrived", "departure": "consignment.departed", "control_start": "control.started"}


@dataclass(frozen=True)
class Stamped:
    stamp: dict[str, Any]
    new: bool


def _checked_time(at: datetime, now: datetime, location: str) -> datetime:
    if at.tzinfo is None:
        raise ActionError("give the time with its zone (e.g. 2026-12-01T08:00Z)", 422, location)
    if at > now + CLOCK_SKEW:
        raise ActionError(f"{at.isoformat()} is in the future: report what has happened", 422, location)
    return at.astimezone(UTC)


def _store(db: Database, consignment_id: str, kind: str, at: datetime, *, scope: Scope, now: datetime,
           note: str | None, check: Any = None) -> Stamped:  # fmt: skip
    with db.write() as conn:
        case = case_of(conn, consignment_id, for_update=True, scope=scope)
        if case is None:
            raise ActionError(f"no consignment {consignment_id}", 404, "consignment_id")
        if check is not None:
            check(conn, case)
        stamp, new = store.record(conn, consignment_id, kind, at, actor=scope.actor, recorded_at=now, note=note)
        if not new and stamp["at"] != at:
            raise ActionError(
                f"the {kind.replace('_', ' ')} was already reported at {stamp['at'].isoformat()} by "
                f"{stamp['actor']}; a stamp is not changed",
                409,
                "body.at",
            )
        if new:
            add_audit(conn, now, scope.actor, AUDIT[kind], consignment_id, {"at": at.isoformat(), "note": note})
    return Stamped(stamp, new)


def _journey(consignment_id: str, kind: str, at: datetime) -> Any:
    """A check that the goods' other journey stamp, if reported, lies on the right side of this one."""
    other = "departure" if kind == "arrival" else "arrival"

    def check(conn: Any, case: dict[str, Any]) -> None:
        stamp = store.get(conn, consignment_id, other)
        if stamp is not None and (at < stamp["at"] if kind == "arrival" else at > stamp["at"]):
            order = "before" if kind == "arrival" else "after"
            raise ActionError(
                f"the {kind} at {at.isoformat()} lies {order} the {other} reported at {stamp['at'].isoformat()}",
                422,
                "body.at",
            )

    return check


def _journey_stamp(
    db: Database, consignment_id: str, kind: str, at: datetime, *, scope: Scope, now: datetime, note: str | None
) -> Stamped:
    if not (scope.is_customs or scope.role == "filer"):
        raise ActionError(f"a {scope.role} does not report {kind}s", 403, "header.Authorization")
    at = _checked_time(at, now, "body.at")
    check = _journey(consignment_id, kind, at)
    return _store(db, consignment_id, kind, at, scope=scope, now=now, note=note, check=check)


def record_arrival(
    db: Database, consignment_id: str, at: datetime, *, scope: Scope, now: datetime, note: str | None = None
) -> Stamped:
    """The goods' actual arrival, reported by the consignment's filer (for its carrier) or a customs officer."""
    return _journey_stamp(db, consignment_id, "arrival", at, scope=scope, now=now, note=note)


def record_departure(
    db: Database, consignment_id: str, at: datetime, *, scope: Scope, now: datetime, note: str | None = None
) -> Stamped:
    """The goods' actual departure (wheels up, or the vessel sailing), reported by the consignment's filer or a
    customs officer: the TRS start for pre-loading air cargo."""
    return _journey_stamp(db, consignment_id, "departure", at, scope=scope, now=now, note=note)


def record_control_start(
    db: Database, consignment_id: str, at: datetime, *, scope: Scope, now: datetime, note: str | None = None
) -> Stamped:
    """An officer starts customs' control of a consignment its decision sent to a yellow or red channel."""
    if not scope.is_customs:
        raise ActionError(f"a {scope.role} does not start controls", 403, "header.Authorization")
    at = _checked_time(at, now, "body.at")

    def check(conn: Any, case: dict[str, Any]) -> None:
        decision = case["decision"]
        if not decision or decision["answer"] != "channel" or decision["outcome"] not in INSPECTED_CHANNELS:
            shown = decision["outcome"] if decision else "none"
            raise ActionError(f"the decision ({shown}) sends the consignment to no control", 409, "consignment_id")
        ended = [o["recorded_at"] for o in outcome_history(conn, consignment_id)]
        if ended and at > min(ended):
            raise ActionError(f"the control ended at {min(ended).isoformat()}, before {at.isoformat()}", 422, "body.at")

    return _store(db, consignment_id, "control_start", at, scope=scope, now=now, note=note, check=check)

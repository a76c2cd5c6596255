"""The life of a decision after it is made: PLACI referrals answered, screened, lifted; channels closed.

An RFI is answered by an information response (or an amendment, see the pipeline); an RFS by a
screening result; a DNL stands until an officer lifts it. Officers also issue referrals, lift any standing
one, and move a declaration to another channel, each with a reason. Every change is an event with who and when.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safelane.domain import Channel, Referral
from safelane.scope import CUSTOMS_ROLES, Scope
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store.filings import add_audit

# Screening methods for high-risk air cargo (EU Regulation 2015/1998 vocabulary, as ICS2 uses it).
SCREENING_METHODS = {
    "PHS": "hand search",
    "VCK": "visual check",
    "XRY": "x-ray",
    "EDS": "explosive detection system",
    "EDD": "explosive detection dogs",
    "ETD": "explosive trace detection",
    "CMD": "metal detection",
    "AOM": "other means",
}
OFFICER_ROLES = CUSTOMS_ROLES


class ActionError(Exception):
    """The action does not apply: wrong state, wrong role, or missing data. `status` maps to HTTP."""

    def __init__(self, message: str, status: int = 409, location: str = "action"):
        self.status = status
        self.location = location
        super().__init__(message)


@dataclass(frozen=True)
class Change:
    outcome: str
    state: str


def _information(row: dict[str, Any], data: dict[str, Any]) -> Change:
    if row["outcome"] != Referral.RFI.value or row["state"] != "open":
        raise ActionError("only an open RFI takes an information response")
    if not str(data.get("text", "")).strip():
        raise ActionError("the information response needs a text", 422, "text")
    return Change(Referral.RFI.value, "answered")


def _screening(row: dict[str, Any], data: dict[str, Any]) -> Change:
    if row["outcome"] != Referral.RFS.value or row["state"] != "open":
        raise ActionError("only an open RFS takes a screening result")
    if data.get("method") not in SCREENING_METHODS:
        raise ActionError(f"screening method must be one of {', '.join(SCREENING_METHODS)}", 422, "method")
    if data.get("result") not in ("clear", "not_clear"):
        raise ActionError("screening result must be 'clear' or 'not_clear'", 422, "result")
    if data["result"] == "clear":
        return Change(Referral.ASSESSMENT_COMPLETE.value, "closed")
    return Change(Referral.DNL.value, "open")  # the threat was not ruled out: do not load


STANDING = frozenset({Referral.RFI.value, Referral.RFS.value, Referral.DNL.value})


def _lift(row: dict[str, Any], data: dict[str, Any]) -> Change:
    if row["outcome"] not in STANDING or row["state"] == "closed":
        raise ActionError("only a standing RFI, RFS or DNL can be lifted")
    return Change(Referral.ASSESSMENT_COMPLETE.value, "closed")


def _close(row: dict[str, Any], data: dict[str, Any]) -> Change:
    if row["state"] == "closed":
        raise ActionError("the decision is already closed")
    if row["outcome"] == Referral.DNL.value:
        raise ActionError("a DNL is lifted, not closed")
    done = Referral.ASSESSMENT_COMPLETE.value if row["answer"] == "referral" else row["outcome"]
    return Change(done, "closed")


def _issue(row: dict[str, Any], data: dict[str, Any]) -> Change:
    if row["answer"] != "referral":
        raise ActionError("referrals are issued on pre-loading filings only")
    try:
        wanted = Referral(data.get("referral", ""))
    except ValueError:
        raise ActionError("referral must be RFI, RFS or DNL", 422, "referral") from None
    if wanted is Referral.ASSESSMENT_COMPLETE:
        raise ActionError("use close to complete an assessment", 422, "referral")
    if row["outcome"] == wanted.value and row["state"] != "closed":
        raise ActionError(f"an {wanted.value} already stands on this consignment")
    return Change(wanted.value, "open")


def _channel(row: dict[str, Any], data: dict[str, Any]) -> Change:
    """Move a declaration to another channel; yellow and red stay open until the control is done."""
    if row["answer"] != "channel":
        raise ActionError("channels apply to declarations and pre-arrival filings only")
    try:
        wanted = Channel(data.get("channel", ""))
    except ValueError:
        raise ActionError(f"channel must be one of {', '.join(c.value for c in Channel)}", 422, "channel") from None
    if wanted.value == row["outcome"]:
        raise ActionError(f"the consignment is already in the {wanted.value} channel", location="channel")
    return Change(wanted.value, "open" if wanted in (Channel.YELLOW, Channel.RED) else "closed")


Rule = Callable[[dict[str, Any], dict[str, Any]], Change]
ACTIONS: dict[str, tuple[Rule, frozenset[str], bool]] = {
    # action: (rule, roles allowed, note required)
    "information": (_information, frozenset({"filer"}), False),
    "screening": (_screening, frozenset({"filer"}) | OFFICER_ROLES, False),
    "lift": (_lift, OFFICER_ROLES, True),
    "close": (_close, OFFICER_ROLES, False),
    "issue": (_issue, OFFICER_ROLES, True),
    "channel": (_channel, OFFICER_ROLES, True),
}


def act(
    db: Database,
    decision_id: str,
    action: str,
    *,
    scope: Scope,
    at: datetime,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply one action in one transaction, as `scope.actor`; a decision outside the scope (another filer's, or
    another office's for an officer posted to one) is answered as if it did not exist."""
    if action not in ACTIONS:
        raise ActionError(f"unknown action {action!r}", 404)
    rule, roles, note_required = ACTIONS[action]
    actor, role = scope.actor, scope.role
    if role not in roles:
        raise ActionError(f"a {role} may not {action}", 403)
    if note_required and not (note and note.strip()):
        raise ActionError(f"{action} needs a note giving the reason", 422, "note")
    data = data or {}
    with db.write() as conn:
        row = decision_store.get(conn, decision_id, for_update=True, scope=scope)
        if row is None:
            raise ActionError(f"no decision {decision_id}", 404, "decision_id")
        if not row["current"]:
            raise ActionError("this decision belongs to an earlier version of the filing")
        change = rule(row, data)
        decision_store.record(
            conn,
            row,
            at=at,
            actor=actor,
            action=action,
            outcome=change.outcome,
            state=change.state,
            note=note,
            data=data or None,
        )
        add_audit(
            conn,
            at,
            actor,
            f"decision.{action}",
            decision_id,
            {"from": row["outcome"], "to": change.outcome, "state": change.state},
        )
        updated = decision_store.get(conn, decision_id)
    assert updated is not None
    return updated

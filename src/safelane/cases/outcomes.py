"""Inspection outcomes: what an officer found, recorded with its seizure in one transaction.

The outcome is the label the model learns from (`store.models.lodgements_with_outcomes`) and the hit that
a profile's effectiveness counts; it carries the decision that sent the consignment to inspection and that
decision's selection (risk, random, ...), so targeted and random hit rates can be compared. Recording it
closes the yellow or red channel it answers. The workbench form and the JSON API share `parse` and `record`,
so both refuse the same things with the same words.
"""

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safelane.cases.seizures import COMMODITIES, CONCEALMENTS, DETECTIONS, OFFENCES, UNITS
from safelane.domain.assessment import CUSTOMS
from safelane.referrals import ActionError
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store
from safelane.store import models as model_store
from safelane.store import releases as release_store
from safelane.store import seizures as seizure_store
from safelane.store.filings import add_audit, consignment_history

METHODS: dict[str, str] = {
    "documentary": "Documentary check",
    "nii": "Non-intrusive inspection (scan)",
    "physical": "Physical examination",
}
RESULTS: dict[str, str] = {
    "no_irregularity": "No irregularity",
    "irregularity": "Irregularity found",
    "seizure": "Seizure",
}
assert tuple(RESULTS) == model_store.RESULTS  # the model's labels read these results
HIT_RESULTS = ("irregularity", "seizure")  # what counts as a hit in hit rates and profile effectiveness
INSPECTED_CHANNELS = ("yellow", "red")  # the channels an inspection answers, and so closes
SEIZURE_FIELDS = ("commodity", "quantity", "unit", "concealment", "detection", "offence", "hs_code", "description")
MAX_TEXT = 2000


class Invalid(ValueError):
    """The outcome as entered cannot be recorded; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Seizure:
    commodity: str
    quantity: float
    unit: str
    concealment: str
    detection: str
    offence: str
    hs_code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Outcome:
    method: str
    result: str
    note: str | None = None
    seizure: Seizure | None = None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _choice(
    errors: dict[str, str], form: Mapping[str, Any], field: str, vocabulary: Mapping[str, str], what: str
) -> str:
    value = _text(form.get(field))
    if not value:
        errors[field] = f"Choose the {what}."
    elif value not in vocabulary:
        errors[field] = f"Choose the {what} from the list ({value!r} is not on it)."
    return value


def _quantity(errors: dict[str, str], value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = _text(value).replace(" ", "")
        if not text:
            errors["quantity"] = "Give the quantity seized."
            return 0.0
        try:
            number = float(text.replace(",", ".") if "." not in text else text)
        except ValueError:
            errors["quantity"] = f"The quantity must be a number ({text!r} is not)."
            return 0.0
    if not math.isfinite(number) or number <= 0:
        errors["quantity"] = "The quantity must be a number above zero."
    return number


def _limited(errors: dict[str, str], form: Mapping[str, Any], field: str) -> str | None:
    value = _text(form.get(field))
    if len(value) > MAX_TEXT:
        errors[field] = f"Keep this under {MAX_TEXT} characters (it has {len(value)})."
    return value or None


def parse(form: Mapping[str, Any]) -> Outcome:
    """An outcome from flat fields (the form's names); raises Invalid with every error at once.

    Seizure fields are required when the result is a seizure and must be empty otherwise, so details typed
    for a seizure are never dropped silently by a result chosen in error.
    """
    errors: dict[str, str] = {}
    method = _choice(errors, form, "method", METHODS, "inspection method")
    result = _choice(errors, form, "result", RESULTS, "result")
    note = _limited(errors, form, "note")
    seizure = None
    if result == "seizure":
        commodity = _choice(errors, form, "commodity", COMMODITIES, "commodity")
        quantity = _quantity(errors, form.get("quantity"))
        unit = _choice(errors, form, "unit", UNITS, "unit")
        concealment = _choice(errors, form, "concealment", CONCEALMENTS, "concealment method")
        detection = _choice(errors, form, "detection", DETECTIONS, "detection method")
        offence = _choice(errors, form, "offence", OFFENCES, "offence type")
        hs_code = _text(form.get("hs_code")).replace(".", "").replace(" ", "") or None
        if hs_code is not None and not (hs_code.isdigit() and 4 <= len(hs_code) <= 10):
            errors["hs_code"] = "An HS code is 4 to 10 digits (dots and spaces are ignored)."
        description = _limited(errors, form, "description")
        if commodity == "other" and not description and "description" not in errors:
            errors["description"] = "Describe what was seized when the commodity is 'other'."
        seizure = Seizure(commodity, quantity, unit, concealment, detection, offence, hs_code, description)
    elif result and any(_text(form.get(f)) for f in SEIZURE_FIELDS):
        errors["result"] = "Seizure details are filled in: choose the result 'seizure', or clear those fields."
    if errors:
        raise Invalid(errors)
    return Outcome(method, result, note, seizure)


def case_of(
    conn: sa.Connection, consignment_id: str, *, for_update: bool = False, scope: Scope | None = None
) -> dict[str, Any] | None:
    """The consignment as it now stands (current version) with its current decision, or None (also when
    `scope` does not see it)."""
    rows = consignment_history(conn, consignment_id, scope=scope)
    current = next((r for r in reversed(rows) if r["current"]), rows[-1] if rows else None)
    if current is None:
        return None
    decision = decision_store.get(conn, current["decision_id"], for_update=for_update)
    return {
        "consignment_id": consignment_id,
        "row_id": current["row_id"],
        "reference": current["reference"],
        "office": current["office"],
        "mode": current["mode"],
        "kind": current["kind"],
        "filer": current["filer"],
        "version": current["version"],
        "decision": decision,
    }


def history(conn: sa.Connection, consignment_id: str) -> list[dict[str, Any]]:
    """Every outcome recorded on a consignment, oldest first, each with its seizure (or None)."""
    found = model_store.outcomes(conn, consignment_id)
    seized = seizure_store.of_outcomes(conn, [o["outcome_id"] for o in found if o["result"] == "seizure"])
    return [{**o, "seizure": seized.get(o["outcome_id"])} for o in found]


def record(
    db: Database,
    consignment_id: str,
    outcome: Outcome,
    *,
    scope: Scope,
    at: datetime,
) -> dict[str, Any]:
    """Store the outcome, its seizure, the closing of the channel it answers and an audit event, all or nothing.

    Only customs record outcomes, and only on consignments in their scope (others are answered as none).
    """
    if not scope.is_customs:
        raise ActionError(f"a {scope.role} may not record inspection outcomes", 403, "header.Authorization")
    with db.write() as conn:
        return record_in(conn, consignment_id, outcome, scope=scope, at=at)


def record_in(
    conn: sa.Connection,
    consignment_id: str,
    outcome: Outcome,
    *,
    scope: Scope,
    at: datetime,
) -> dict[str, Any]:
    """`record` inside the caller's transaction (a joint inspection writes its participant's result with it).

    An inspection that closes the channel without a seizure is customs' release (docs/agencies.md): the goods
    leave once every other holding agency has released them too."""
    actor = scope.actor
    case = case_of(conn, consignment_id, for_update=True, scope=scope)
    if case is None:
        raise ActionError(f"no consignment {consignment_id}", 404, "consignment_id")
    decision = case["decision"]
    outcome_id = model_store.record_outcome(
        conn,
        case["row_id"],
        method=outcome.method,
        result=outcome.result,
        actor=actor,
        at=at,
        note=outcome.note,
        decision_id=decision["decision_id"] if decision else None,
        selection=decision["selection"] if decision else None,
    )
    seizure_id = None
    if outcome.seizure is not None:
        seizure_id = seizure_store.add(
            conn,
            outcome_id=outcome_id,
            consignment_id=consignment_id,
            office=case["office"],
            at=at,
            actor=actor,
            **asdict(outcome.seizure),
        )
    closed = bool(
        decision
        and decision["answer"] == "channel"
        and decision["outcome"] in INSPECTED_CHANNELS
        and decision["state"] != "closed"
    )
    if closed:
        decision_store.record(
            conn,
            decision,
            at=at,
            actor=actor,
            action="inspected",
            outcome=decision["outcome"],
            state="closed",
            note=f"{METHODS[outcome.method]}: {RESULTS[outcome.result].lower()}",
            data={"outcome_id": outcome_id, "result": outcome.result, "method": outcome.method},
        )
    released = closed and release_control_end(conn, consignment_id, outcome, at=at, actor=actor)
    add_audit(
        conn,
        at,
        actor,
        "outcome.recorded",
        consignment_id,
        {
            "outcome_id": outcome_id,
            "method": outcome.method,
            "result": outcome.result,
            "seizure_id": seizure_id,
            "decision_id": decision["decision_id"] if decision else None,
            "closed": closed,
            "released": released,
        },
    )
    return {
        "outcome_id": outcome_id,
        "seizure_id": seizure_id,
        "closed": closed,
        "reference": case["reference"],
        "decision_id": decision["decision_id"] if decision else None,
    }


def release_control_end(
    conn: sa.Connection, consignment_id: str, outcome: Outcome, *, at: datetime, actor: str
) -> bool:
    """Customs' release when its control ends (the Time Release Study's end point): released unless something was
    seized, which is recorded as a refusal. False when customs had already released or refused it."""
    kind = "refused" if outcome.result == "seizure" else "released"
    note = f"{METHODS[outcome.method]}: {RESULTS[outcome.result].lower()}"
    return release_store.record(conn, consignment_id, CUSTOMS, at, actor, kind=kind, note=note)

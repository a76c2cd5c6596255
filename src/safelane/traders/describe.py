"""An operator as the CLI, the API and the workbench show it: identifiers, authorisations, status now, history."""

from datetime import datetime
from typing import Any

from safelane.traders.authorisation import Authorisation, Operator


def authorisation_view(authorisation: Authorisation, at: datetime) -> dict[str, Any]:
    since = authorisation.change_at(at)
    return {
        "authorisation_id": authorisation.authorisation_id,
        "programme": authorisation.programme,
        "type": authorisation.type,
        "number": authorisation.number,
        "administration": authorisation.administration,
        "valid_from": authorisation.valid_from.isoformat() if authorisation.valid_from else None,
        "valid_to": authorisation.valid_to.isoformat() if authorisation.valid_to else None,
        "conditions": authorisation.conditions,
        "status": authorisation.status_at(at) or "none",
        "status_since": since.effective_at.isoformat() if since else None,
        "history": [
            {
                "status": c.status,
                "effective_at": c.effective_at.isoformat(),
                "reason": c.reason,
                "actor": c.actor,
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in authorisation.history
        ],
    }


def operator_view(operator: Operator, at: datetime) -> dict[str, Any]:
    """`at` decides the status shown (now, for a supervisor; the filing time, for a consignment)."""
    return {
        "operator_id": operator.operator_id,
        "name": operator.name,
        "country": operator.country,
        "street": operator.street,
        "city": operator.city,
        "postcode": operator.postcode,
        "identifiers": [{"scheme": s, "value": v} for s, v in operator.identifiers],
        "authorisations": [authorisation_view(a, at) for a in operator.authorisations],
    }

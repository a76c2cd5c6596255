"""Validate what a standard's reader produced, and report each defect where the filer wrote it.

A reader builds the filing as plain data (the shape `Filing` validates) and, beside it, notes where
each value came from: an XML element, an EDIFACT segment, a Cargo-IMP line. Validation errors name
a field of the domain model (consignments[0].goods[1].hs_code); `Origins` turns that back into the
place in the message (an XPath, a segment and position, a line), walking up to the nearest field
whose origin is known. Origins are kept as cheap references and described only when something fails.
"""

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from safelane.domain import Filing, InvalidMessage, Problem, problems_from_validation
from safelane.reference.checks import check_filing


class Origins:
    """Domain path -> where in the message it came from."""

    __slots__ = ("_describe", "_places", "root")

    def __init__(self, root: Any, describe: Callable[[Any], str] = str):
        self.root = root
        self._describe = describe
        self._places: dict[str, Any] = {}

    def note(self, path: str, origin: Any) -> None:
        if origin is not None:
            self._places[path] = origin

    def locate(self, path: str) -> str:
        """The origin of the field, else of its nearest enclosing field, else of the message root."""
        probe = path
        while probe:
            if probe in self._places:
                return self._describe(self._places[probe])
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return self._describe(self.root)


def validate_filing(data: dict[str, Any], *, filer: str | None) -> Filing:
    """Shape (pydantic) and codes (reference tables) of a filing as plain data; problems name domain paths."""
    if filer is not None:
        data["filer"] = filer
    try:
        filing = Filing.model_validate(data)
        check_filing(filing)
        return filing
    except ValidationError as error:
        raise InvalidMessage(problems_from_validation(error.errors())) from None


def build_filing(data: dict[str, Any], origins: Origins, *, filer: str | None) -> Filing:
    """Validate shape and codes; on failure raise InvalidMessage located in the message."""
    for consignment in data.get("consignments", ()):
        _explicit_empties(consignment)
    try:
        return validate_filing(data, filer=filer)
    except InvalidMessage as error:
        raise InvalidMessage([relocate(p, origins) for p in error.problems]) from None


_PARTIES = ("consignor", "consignee", "notify_party", "carrier", "declarant")


def _explicit_empties(consignment: Any) -> None:
    """Give empty lists where the model has list defaults: pydantic deep-copies a mutable default for every
    instance, which costs more than a third of validating a small consignment."""
    if not isinstance(consignment, dict):
        return
    consignment.setdefault("documents", [])
    itinerary = consignment.setdefault("itinerary", {})
    if isinstance(itinerary, dict):
        itinerary.setdefault("routing_countries", [])
    for role in _PARTIES:
        party = consignment.get(role)
        if isinstance(party, dict):
            party.setdefault("identifiers", [])


def relocate(problem: Problem, origins: Origins) -> Problem:
    """Point a domain-path problem at the message, keeping the domain field in the message for clarity."""
    field = problem.location
    where = origins.locate("" if field == "$" else field)
    suffix = f" (field {field})" if field and field != "$" else ""
    return Problem(where, problem.code, f"{problem.message}{suffix}")


def merge(problems: list[Problem]) -> None:
    """Raise the problems collected while reading, if any."""
    if problems:
        raise InvalidMessage(problems)

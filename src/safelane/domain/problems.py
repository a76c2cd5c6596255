"""Located problems: every rejection names where in the message it went wrong."""

from dataclasses import asdict, dataclass

from pydantic_core import ErrorDetails

from safelane.domain.text import control_character


@dataclass(frozen=True, slots=True)
class Problem:
    location: str  # field path (consignments[0].goods[1].hs_code), XPath, EDIFACT segment or line
    code: str  # machine-readable, e.g. unknown_hs_chapter
    message: str  # a sentence a filer understands

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class InvalidMessage(ValueError):
    """A message that cannot be accepted; carries one problem per defect."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0] if problems else Problem("", "invalid", "invalid message")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.location}: {first.message}{more}")


# Model-level checks point at the model; name the field the filer has to correct instead.
_FIELD_OF_MODEL_ERROR = {
    "dates_out_of_order": "arrival_at",
    "net_above_gross": "net_mass_kg",
    "validity_out_of_order": "valid_to",
}


def location_of(path: tuple[str | int, ...]) -> str:
    """('consignments', 0, 'goods', 1, 'hs_code') -> 'consignments[0].goods[1].hs_code'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def error_path(error: ErrorDetails) -> tuple[str | int, ...]:
    """The path of the field a pydantic error is about."""
    path = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    field = _FIELD_OF_MODEL_ERROR.get(error["type"])
    return (*path, field) if field else path


def problems_from_validation(errors: list[ErrorDetails], prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Turn pydantic's error list into located problems (one per defect)."""
    return [_problem(e, prefix) for e in errors]


def _problem(error: ErrorDetails, prefix: tuple[str | int, ...]) -> Problem:
    location = location_of(prefix + error_path(error)) or "$"
    if error["type"] == "string_pattern_mismatch":
        refused = control_character(error.get("ctx", {}).get("pattern", ""), error.get("input"))
        if refused:
            return Problem(location, "control_character", refused)
    return Problem(location, error["type"], "unknown field" if error["type"] == "extra_forbidden" else error["msg"])

"""Offices: inspection capacity per day, the random compliance sample and the exploration share.

Officers read them (and today's usage); supervisors and admins change them while filings flow. A change
is audited with before and after and takes effect for the next batch in this process (within a second in
the others).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from starlette.concurrency import run_in_threadpool

from safelane.domain import Problem
from safelane.selection.capacity import (
    BUILT_IN,
    INSPECTIONS,
    KINDS,
    MAX_CAPACITY,
    OFFICE,
    InvalidSettings,
    OfficeSettings,
)
from safelane.service.api import JsonResponse, SystemDep
from safelane.service.auth import CurrentUser, User
from safelane.service.errors import ApiError
from safelane.store import offices as office_store
from safelane.system import StoredSystem

router = APIRouter(prefix="/v1/offices", tags=["offices"])

OfficePath = Annotated[  # declared, and checked with the settings (OfficeSettings lists every problem at once)
    str,
    Path(
        description="'*' (the default) or 2 to 17 capital letters and digits",
        json_schema_extra={"pattern": f"^({OFFICE.pattern})$"},
    ),
]
_RATE = {"type": "number", "minimum": 0, "maximum": 1}
SETTINGS: dict[str, Any] = {  # what OfficeSettings.from_dict accepts, declared
    "additionalProperties": False,
    "properties": {
        "capacity": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {k: {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY} for k in KINDS},
            "description": "consignments per day by kind; a kind left out (or null) is unlimited; null: every kind",
        },
        "random_rate": _RATE,
        "explore_rate": _RATE,
        "random_inspection": {"enum": list(INSPECTIONS)},
    },
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Filers may not read office settings; only supervisors and admins change them"}
}


def _officer(user: User, office: str | None = None) -> None:
    """Officers only; an officer posted to an office reads that office (and the "*" default) only."""
    if not user.is_officer:
        raise ApiError(403, [Problem("header.Authorization", "forbidden", "only customs officers see offices")])
    if office not in (None, "*") and not user.scope.sees_office(office):
        raise ApiError(403, [Problem("office", "forbidden", f"you are posted to {user.scope.office}")])


def _office(office: str) -> str:
    if not OFFICE.fullmatch(office):
        raise ApiError(
            422,
            [
                Problem(
                    "office", "invalid_office", "an office is '*' (the default) or 2 to 17 capital letters and digits"
                )
            ],
        )
    return office


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "office": row["office"],
        "settings": row["settings"].as_dict(),
        "changed_at": row["changed_at"],
        "changed_by": row["changed_by"],
    }


def _effective(system: StoredSystem, office: str) -> dict[str, Any]:
    with system.db.read() as conn:
        found = office_store.effective(conn, office)
    return {**found, "settings": found["settings"].as_dict()}


@router.get("", responses=FORBIDDEN)
def list_offices(user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Every office with settings of its own, and "*" (the default for the others) if set."""
    _officer(user)
    with system.db.read() as conn:
        rows = office_store.listing(conn)
    rows = [r for r in rows if r["office"] == "*" or user.scope.sees_office(r["office"])]
    return JsonResponse({"offices": [_stored(r) for r in rows], "built_in": BUILT_IN.as_dict()})


@router.get("/{office}", responses=FORBIDDEN)
def get_office(office: OfficePath, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """The settings that apply to an office; `source` says whether they are its own, the default, or built in."""
    _officer(user, office)
    return JsonResponse(_effective(system, _office(office)))


def _change(system: StoredSystem, settings: OfficeSettings, actor: str) -> dict[str, Any] | None:
    with system.db.write() as conn:
        before = office_store.set(conn, settings, at=system.pipeline.clock(), actor=actor)
    system.pipeline.offices_changed()
    return before


@router.put("/{office}", responses={**FORBIDDEN, 422: {"description": "Invalid settings: each problem located"}})
async def put_office(
    office: OfficePath,
    user: CurrentUser,
    system: SystemDep,
    body: Annotated[
        dict[str, Any],
        Body(
            json_schema_extra=SETTINGS,
            examples=[
                {
                    "capacity": {"physical": 20, "nii": 10, "documentary": 40, "referral": 200},
                    "random_rate": 0.01,
                    "explore_rate": 0.05,
                    "random_inspection": "physical",
                }
            ],
        ),
    ],
) -> JsonResponse:
    """Replace an office's settings (supervisor or admin). Fields left out take their defaults; a kind left
    out of `capacity` is unlimited. Audited with before and after."""
    _officer(user)
    if user.role not in office_store.CHANGERS:
        raise ApiError(
            403, [Problem("header.Authorization", "forbidden", "only a supervisor or an admin changes office settings")]
        )
    try:
        settings = OfficeSettings.from_dict(_office(office), body)
    except InvalidSettings as error:
        raise ApiError(422, error.problems) from None
    before = await run_in_threadpool(_change, system, settings, user.name)
    return JsonResponse(
        {"office": office, "settings": settings.as_dict(), "before": before["settings"].as_dict() if before else None}
    )


@router.get("/{office}/capacity", responses=FORBIDDEN)
def capacity(office: OfficePath, user: CurrentUser, system: SystemDep) -> JsonResponse:
    """Today's (UTC) capacity per kind at an office: the limit, what is used and by which kind of selection."""
    _officer(user, office)
    _office(office)
    now = system.pipeline.clock()
    with system.db.read() as conn:
        source = office_store.effective(conn, office)["source"]
        kinds = office_store.today(conn, office, now)
    return JsonResponse(
        {"office": office, "day": office_store.day_of(now)[0].date().isoformat(), "source": source, "kinds": kinds}
    )

"""`safelane offices`: inspection capacity, random sample and exploration share per customs office.

`set` changes only what it is given (the rest of the office's settings stay) and is audited. Whoever runs
the CLI holds the database, so it acts as an admin; `--by NAME` records a supervisor or admin by name and
refuses anyone else.
"""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from safelane.cli.common import DatabaseOption, emit, fail, open_store

if TYPE_CHECKING:
    from safelane.selection.capacity import OfficeSettings

app = typer.Typer(help="Office settings: inspection capacity per day, random compliance sample, exploration share.")


def _limit(value: int | None) -> str:
    return "unlimited" if value is None else str(value)


def _option(location: str) -> str:
    """'capacity.physical' -> '--physical', 'random_rate' -> '--random-rate': name what the user typed."""
    if location == "office":
        return "OFFICE"
    return "--" + location.removeprefix("capacity.").replace("_", "-")


@app.command("list")
def list_(database: str | None = DatabaseOption, json: bool = typer.Option(False, "--json")) -> None:
    """Every office with settings of its own; "*" is the default for the others."""
    from safelane.selection.capacity import KINDS
    from safelane.store import offices as office_store

    with open_store(database).read() as conn:
        rows = office_store.listing(conn)
    if json:
        for row in rows:
            emit(
                {
                    "office": row["office"],
                    "settings": row["settings"].as_dict(),
                    "changed_at": row["changed_at"].isoformat(),
                    "changed_by": row["changed_by"],
                }
            )
        return
    table = Table("office", *KINDS, "random", "explore", "random by", "changed by")
    for row in rows:
        s: OfficeSettings = row["settings"]
        table.add_row(
            row["office"],
            *(_limit(s.limit(k)) for k in KINDS),
            f"{s.random_rate:.2%}",
            f"{s.explore_rate:.0%}",
            s.random_inspection,
            row["changed_by"],
        )
    Console().print(table)
    if not any(row["office"] == "*" for row in rows):
        Console().print("No default ('*'): other offices have unlimited capacity and no random sample.")


@app.command()
def show(office: str, database: str | None = DatabaseOption) -> None:
    """The settings that apply to one office (its own, the default '*', or the built-in default)."""
    from safelane.store import offices as office_store

    with open_store(database).read() as conn:
        found = office_store.effective(conn, office)
    emit({"office": office, "source": found["source"], "settings": found["settings"].as_dict()})


@app.command("set")
def set_(
    office: str = typer.Argument(..., help="office code (e.g. NLRTM), or '*' for the default"),
    physical: int | None = typer.Option(None, "--physical", help="physical inspections per day"),
    nii: int | None = typer.Option(None, "--nii", help="non-intrusive (scanner) inspections per day"),
    documentary: int | None = typer.Option(None, "--documentary", help="documentary checks per day"),
    referral: int | None = typer.Option(None, "--referral", help="score-driven RFI/RFS follow-ups per day"),
    unlimited: list[str] = typer.Option([], "--unlimited", help="make a kind unlimited (repeatable)"),
    random_rate: float | None = typer.Option(None, "--random-rate", help="random compliance sample, 0.01 = 1 %"),
    explore_rate: float | None = typer.Option(None, "--explore-rate", help="share of capacity for exploration"),
    random_inspection: str | None = typer.Option(None, "--random-inspection", help="physical, nii or documentary"),
    by: str | None = typer.Option(None, "--by", help="the supervisor or admin making the change"),
    database: str | None = DatabaseOption,
) -> None:
    """Change an office's settings; options not given keep their current value. Audited."""
    from safelane.domain import Problem
    from safelane.selection.capacity import KINDS, InvalidSettings, OfficeSettings
    from safelane.store import offices as office_store
    from safelane.store import users as user_store

    db = open_store(database)
    with db.write() as conn:
        actor = "cli"
        if by is not None:
            user = user_store.by_name(conn, by)
            if user is None or user["role"] not in office_store.CHANGERS:
                fail([Problem("--by", "forbidden", f"{by!r} is not an active supervisor or admin")])
            actor = by
        current = office_store.get(conn, office)
        data = current["settings"].as_dict() if current else {}
        capacity = dict(data.get("capacity", {}))
        for kind, value in (("physical", physical), ("nii", nii), ("documentary", documentary), ("referral", referral)):
            if value is not None:
                capacity[kind] = value
        for kind in unlimited:
            if kind not in KINDS:
                fail([Problem("--unlimited", "unknown_kind", f"kinds: {', '.join(KINDS)}")])
            capacity[kind] = None
        data["capacity"] = capacity
        rates: tuple[tuple[str, float | str | None], ...] = (
            ("random_rate", random_rate),
            ("explore_rate", explore_rate),
            ("random_inspection", random_inspection),
        )
        for key, rate in rates:
            if rate is not None:
                data[key] = rate
        try:
            settings = OfficeSettings.from_dict(office, data)
        except InvalidSettings as error:
            fail([Problem(_option(p.location), p.code, p.message) for p in error.problems])
        office_store.set(conn, settings, at=datetime.now(UTC), actor=actor)
    emit(
        {"office": office, "settings": settings.as_dict(), "before": current["settings"].as_dict() if current else None}
    )

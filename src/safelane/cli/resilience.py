"""`safelane resilience`: declare and end disruptions with their continuity plan, list them, simulate plans.

Whoever runs the CLI holds the database, so it acts as an admin; `--by NAME` records a supervisor or admin by
name and refuses anyone else. Everything declared and every end is audited.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from safelane.cli.common import DatabaseOption, emit, fail, open_store

app = typer.Typer(help="Disruptions and continuity plans: declare, end, list; simulate a disruption.")


def _actor(conn: Any, by: str | None) -> str:
    from safelane.domain import Problem
    from safelane.store import disruptions as disruption_store
    from safelane.store import users as user_store

    if by is None:
        return "cli"
    user = user_store.by_name(conn, by)
    if user is None or user["role"] not in disruption_store.DECLARERS:
        fail([Problem("--by", "forbidden", f"{by!r} is not an active supervisor or admin")])
    return by


def _yaml(path: Path, option: str) -> Any:
    import yaml

    from safelane.domain import Problem

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        fail([Problem(option, "unreadable", f"{path}: {error}")])


@app.command()
def declare(
    kind: str = typer.Option(..., "--kind", help="port_closure, airport_closure, system_outage, surge, ..."),
    office: list[str] = typer.Option([], "--office", help="an office in scope (repeatable)"),
    mode: list[str] = typer.Option([], "--mode", help="a transport mode in scope (repeatable)"),
    route: list[str] = typer.Option([], "--route", help="a route in scope, e.g. CNSHA-NLRTM (repeatable)"),
    origin: list[str] = typer.Option([], "--origin", help="a country of origin or loading in scope (repeatable)"),
    start: str | None = typer.Option(None, "--start", help="ISO 8601 time with zone; now by default"),
    expected_end: str | None = typer.Option(None, "--expected-end", help="ISO 8601 time with zone"),
    plan: Path | None = typer.Option(None, "--plan", help="YAML continuity plan; the standard tiered plan if none"),
    note: str | None = typer.Option(None, "--note"),
    by: str | None = typer.Option(None, "--by", help="the supervisor or admin declaring it"),
    database: str | None = DatabaseOption,
) -> None:
    """Declare a disruption and activate its continuity plan. Audited."""
    from safelane.domain import Problem
    from safelane.resilience.disruption import Declaration, InvalidDisruption
    from safelane.store import disruptions as disruption_store

    data: dict[str, Any] = {
        "kind": kind,
        "scope": {"offices": office, "modes": mode, "routes": route, "origins": origin},
        "starts_at": start,
        "expected_end": expected_end,
        "note": note,
        "plan": _yaml(plan, "--plan") if plan else None,
    }
    now = datetime.now(UTC)
    try:
        declaration = Declaration.from_dict({k: v for k, v in data.items() if v is not None}, now=now)
    except InvalidDisruption as error:
        options = {"starts_at": "--start", "expected_end": "--expected-end"}
        fail(
            [
                Problem(options.get(p.location, p.location.replace("scope.", "--").split("[")[0]), p.code, p.message)
                for p in error.problems
            ]
        )
    with open_store(database).write() as conn:
        disruption = disruption_store.declare(conn, declaration, at=now, actor=_actor(conn, by))
        row = disruption_store.get(conn, disruption.disruption_id)
    assert row is not None
    emit(disruption_store.as_data(row))


@app.command()
def end(
    disruption_id: str = typer.Argument(..., help="the disruption's id (from `safelane resilience list`)"),
    note: str | None = typer.Option(None, "--note"),
    by: str | None = typer.Option(None, "--by", help="the supervisor or admin ending it"),
    database: str | None = DatabaseOption,
) -> None:
    """End a disruption: its plan stops applying from now. Audited."""
    from safelane.domain import Problem
    from safelane.store import disruptions as disruption_store

    with open_store(database).write() as conn:
        actor = _actor(conn, by)
        try:
            row = disruption_store.end(conn, disruption_id, at=datetime.now(UTC), actor=actor, note=note)
        except disruption_store.NotEnded:
            fail([Problem("DISRUPTION_ID", "not_found", f"no disruption {disruption_id} in force")])
    emit(disruption_store.as_data(row))


@app.command("list")
def list_(
    all_: bool = typer.Option(False, "--all", help="also those that ended"),
    database: str | None = DatabaseOption,
) -> None:
    """Disruptions not yet ended (with --all, every one), newest first; one JSON line each."""
    from safelane.store import disruptions as disruption_store

    with open_store(database).read() as conn:
        rows = disruption_store.listing(conn, include_ended=all_)
    for row in rows:
        emit(disruption_store.as_data(row))


def _time(text: str, option: str) -> datetime:
    from safelane.domain import Problem

    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail([Problem(option, "invalid", f"{text!r} is not an ISO 8601 time")])
    if at.tzinfo is None:
        fail([Problem(option, "invalid", f"{text!r} has no time zone")])
    return at.astimezone(UTC)


@app.command("trs")
def trs_(
    since: str = typer.Option(..., "--since", help="ISO 8601 time with zone: consignments lodged from then"),
    until: str = typer.Option(..., "--until", help="ISO 8601 time with zone: ... until then (excluded)"),
    csv_: bool = typer.Option(False, "--csv", help="print CSV instead of one JSON object"),
    database: str | None = DatabaseOption,
) -> None:
    """Time Release Study figures per mode, office, channel, trader category and disruption."""
    import csv
    import sys

    from safelane.resilience import trs
    from safelane.scope import Scope

    start, end = _time(since, "--since"), _time(until, "--until")
    with open_store(database).read() as conn:
        report = trs.report(conn, scope=Scope.of("cli", "admin"), since=start, until=end)
    if not csv_:
        emit(report)
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=trs.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report["segments"])


@app.command()
def simulate(
    scenario: Path = typer.Option(..., "--scenario", help="YAML scenario (e.g. the shipped seaport_closure_48h.yaml)"),
    out: Path | None = typer.Option(None, "--out", help="folder for backlog.csv, tiers.csv, plans.csv, backlog.svg"),
    seed: int | None = typer.Option(None, "--seed", help="overrides the scenario's seed"),
    json: bool = typer.Option(False, "--json", help="print the summary as one JSON object instead of tables"),
    database: str | None = DatabaseOption,
) -> None:
    """Simulate a disruption under each plan of a scenario through the real selection policy; compare the plans.

    Streams with `shape: store` take their traffic from the database's history (--database)."""
    from safelane.resilience import history, report, simulation
    from safelane.resilience.scenario import InvalidScenario, load

    try:
        loaded = load(scenario)
        if history.needs_store(loaded):
            loaded = history.calibrate(loaded, open_store(database))
    except InvalidScenario as error:
        fail(error.problems, source=str(scenario))
    if seed is not None:
        loaded = loaded.with_seed(seed)
    traffic = simulation.draw(loaded)
    outcomes = simulation.simulate(loaded, traffic)
    summary = report.summarise(loaded, traffic, outcomes)
    if out is not None:
        report.write_csv(out, summary, outcomes)
        (out / "backlog.svg").write_text(report.svg(summary, outcomes), encoding="utf-8")
    if json:
        emit(summary)
    else:
        typer.echo(report.tables(summary), nl=False)

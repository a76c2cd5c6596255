"""`safelane demo`: the demo profiles, users and a month of traffic in the default database, then the workbench.

A newcomer should see referrals and channels with their reasons within a minute, without writing a
profile or a filing first. The demo uses the database every command uses (SAFELANE_DATABASE_URL, else
safelane.db in this folder), so `safelane users add` and the rest of the README work on what it serves.
It builds only into an empty database; run again, it serves the demo it built as it is (users and keys
kept). `--reset` rebuilds it, and only a demo's own SQLite file that no other process has open is deleted.
"""

import os
import secrets
import socket
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from safelane.cli.common import DatabaseOption, settings
from safelane.cli.lists import DEMO_LIST, import_file

if TYPE_CHECKING:  # the rest is imported where used: `safelane demo --help` must not load the store
    from safelane.demo.month import Month
    from safelane.demo.traffic import Traffic
    from safelane.results import FilingResult
    from safelane.system import StoredSystem

USERS = (("officer", "officer"), ("supervisor", "supervisor"), ("fwd-hkg", "filer"), ("carrier-ocean", "filer"))
# Capacity per day, small as the demo's days are small, so that it runs out: mandatory selections pass over
# it, score-driven ones (from the learned model) fall to blue or green, and the random compliance sample
# (5 %) and the exploration reserve (a quarter of each limited kind) show beside them. "*" is every other office.
OFFICES: dict[str, dict[str, int]] = {
    "*": {"physical": 2, "nii": 1, "documentary": 3, "referral": 4},
    "NLRTM": {"physical": 3, "nii": 2, "documentary": 5, "referral": 6},
    "DEHAM": {"physical": 3, "nii": 1, "documentary": 4, "referral": 6},
}
BUILT = "demo.built"  # the audit event that marks a database as the demo's own


class DemoError(Exception):
    """The demo cannot start here; the message says what to do instead."""


def port_free(host: str, port: int) -> bool:
    """True if a server could listen on host:port now (bound as uvicorn binds, then released)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def built(url: str) -> dict[str, Any] | bool | None:
    """What the database holds: None if nothing, the demo's build record if it is the demo's, False if
    anything else (another store the demo must not touch)."""
    import sqlalchemy as sa

    from safelane.store import Database
    from safelane.store import users as user_store
    from safelane.store.schema import audit_events, filings

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        if not path.exists() or not path.stat().st_size:
            return None
    db = Database(url)
    try:
        tables = set(sa.inspect(db.engine).get_table_names())
        if not tables or "audit_events" not in tables:
            return None if not tables - {"alembic_version"} else False
        with db.read() as conn:
            mark = conn.execute(
                sa.select(audit_events.c.at, audit_events.c.detail).where(audit_events.c.action == BUILT)
            ).first()
            used = bool(user_store.listing(conn)) or conn.execute(sa.select(filings.c.filing_id).limit(1)).first()
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        db.dispose()
    if mark is not None:
        return {"at": mark.at, **(mark.detail or {})}
    return False if used else None


def in_use(path: Path) -> bool:
    """True if another process has this SQLite database open. SQLite deletes the write-ahead log when the
    last connection to a database closes, so open and close it once: a log left behind is someone else's."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        connection.close()
    return path.with_name(path.name + "-wal").exists()


def remove(url: str) -> Path:
    """Delete the demo's SQLite file (for --reset); refuse if another process has it open."""
    import sqlalchemy as sa

    from safelane.settings import database_shown

    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise DemoError(
            f"--reset deletes only a demo's SQLite file; empty {database_shown(url)} yourself "
            "or give the demo an empty database"
        )
    path = Path(parsed.database).expanduser()
    if in_use(path):
        raise DemoError(
            f"{path} is open in another process (a running `safelane demo` or `serve`?); stop it "
            "first: the demo never deletes a database in use"
        )
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    return path


def load_profiles(system: "StoredSystem", at: datetime | None = None) -> dict[str, str]:
    """Store and activate every demo profile (as of `at`, default now); returns profile id -> title."""
    from safelane.demo import PROFILES_DIR
    from safelane.demo.agencies import PROFILES_DIR as AGENCY_PROFILES_DIR
    from safelane.store import profiles as profile_store

    at = at or datetime.now(UTC)
    titles = {}
    with system.db.write() as conn:
        for path in [*sorted(PROFILES_DIR.glob("*.yaml")), *sorted(AGENCY_PROFILES_DIR.glob("*.yaml"))]:
            profile, _ = profile_store.save(
                conn, path.read_text(encoding="utf-8"), actor="demo", at=at, origin=path.name, activate=True
            )
            titles[profile.id] = profile.title
    if system.profiles is not None:
        system.profiles.refresh()
    return titles


def _all_users() -> list[tuple[str, str, str | None]]:
    """(name, role, agency) of every demo user: customs' and the filers, then one officer per border agency."""
    from safelane.demo.agencies import USERS as AGENCY_USERS
    from safelane.store.users import AGENCY_ROLE

    return [*((n, r, None) for n, r in USERS), *((n, AGENCY_ROLE, a) for n, a in AGENCY_USERS)]


def add_users(system: "StoredSystem", at: datetime) -> dict[str, tuple[str, str | None]]:
    """The demo's officer, supervisor, two filers and an officer per border agency; returns name -> (API key,
    workbench password or None).

    Both are random and shown once (only hashes are kept): a demo left running on a network is no open door.
    Filers get no password, as the workbench is for officers.
    """
    from safelane.store import users as user_store

    credentials = {}
    with system.db.write() as conn:
        for name, role, agency in _all_users():
            key = user_store.add(conn, name, role, at=at, actor="demo", agency=agency)
            password = None if role == "filer" else secrets.token_urlsafe(9)
            if password:
                user_store.set_password(conn, name, password, at=at, actor="demo")
            credentials[name] = (key, password)
    return credentials


def set_offices(system: "StoredSystem", at: datetime | None = None) -> None:
    """The demo's office settings, changed as a supervisor would (audited) at `at` (default now)."""
    from safelane.selection.capacity import OfficeSettings
    from safelane.store import offices as office_store

    at = at or datetime.now(UTC)
    with system.db.write() as conn:
        for office, capacity in OFFICES.items():
            settings = OfficeSettings(office, capacity, random_rate=0.05, explore_rate=0.25)
            office_store.set(conn, settings, at=at, actor="supervisor")
    system.pipeline.offices_changed()


def capacity_table(system: "StoredSystem", now: datetime) -> Table:
    """Today's controls per office and kind, by why each was selected, against the capacity."""
    from safelane.selection.capacity import SELECTIONS
    from safelane.store import offices as office_store

    with system.db.read() as conn:
        used = office_store.usage(conn, now)
        offices = office_store.offices(conn)
    table = Table("office", "kind", "capacity", *SELECTIONS, title="Selection under capacity (today)")
    for office, kind in sorted({(o, k) for o, k, _ in used.counts}, key=lambda ok: (ok[0] or "", ok[1])):
        limit = offices(office).limit(kind)
        table.add_row(
            office or "",
            kind,
            "unlimited" if limit is None else str(limit),
            *(str(used.of(office, kind, s)) for s in SELECTIONS),
        )
    return table


def summary(results: Sequence["FilingResult"], titles: dict[str, str]) -> tuple[Table, Table, Table]:
    """Outcomes by kind of answer, and how often each profile hit."""
    from safelane.domain import Channel, Referral
    from safelane.risk.profiles.match import PROFILES

    referrals: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for result in results:
        for item in result.consignments:
            (referrals if item.answer == "referral" else channels)[item.outcome] += 1
            hits.update(f["code"] for f in item.findings if f["assessor"] == PROFILES)
    referral_table = Table("referral (pre-loading air)", "consignments", title="PLACI referrals")
    for referral in Referral:
        referral_table.add_row(referral.value, str(referrals[referral.value]))
    channel_table = Table("channel (sea cargo reports)", "consignments", title="Channels")
    for channel in Channel:
        channel_table.add_row(channel.value, str(channels[channel.value]))
    profile_table = Table("profile", "hits", "title", title="Profile hits")
    for profile_id in sorted(titles, key=lambda p: (-hits[p], p)):
        profile_table.add_row(profile_id, str(hits[profile_id]), titles[profile_id])
    return referral_table, channel_table, profile_table


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter("a moment as 2026-06-01T12:00:00Z", param_hint="--now") from None
    if at.utcoffset() is None:
        raise typer.BadParameter("give the time zone, e.g. 2026-06-01T12:00:00Z", param_hint="--now")
    return at.astimezone(UTC)


def _refuse(error: DemoError) -> None:
    Console(stderr=True).print(f"[red]{error}[/red]")
    raise typer.Exit(2)


def play_month(
    system: "StoredSystem",
    say: Console,
    *,
    now: datetime,
    consignments: int,
    seed: int,
    history_days: int,
    history_per_day: int,
    before_today: "Callable[[Traffic], None]" = lambda traffic: None,
) -> "Month":
    """The month through the pipeline with a progress bar over every consignment."""
    from safelane.demo.month import play

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=say) as progress:
        task = progress.add_task("filing, deciding and inspecting", total=history_days * history_per_day + consignments)
        return play(
            system,
            now=now,
            consignments=consignments,
            seed=seed,
            history_days=history_days,
            history_per_day=history_per_day,
            progress=lambda n: progress.advance(task, n),
            before_today=before_today,
        )


def report(month: "Month", titles: dict[str, str], system: "StoredSystem", now: datetime, say: Console) -> None:
    """What the month holds: the last day's answers and profile hits, capacity, outcomes, models."""
    for table in (*summary(month.results, titles), capacity_table(system, now)):
        say.print(table)
    found = month.found
    say.print(
        f"Simulated inspections (recorded by 'demo-inspector') of {sum(found.values())} controls: "
        f"{', '.join(f'{n} {r}' for r, n in sorted(found.items()))}; referrals followed up: "
        f"{', '.join(f'{n} {what}' for what, n in sorted(month.followed.items())) or 'none'}; "
        "the newest controls and referrals wait in the queue."
    )
    say.print(
        f"Goods declarations lodged after arrival (sea and air, by the filers as declarants): {month.declared}; "
        "`safelane resilience trs` measures them from arrival to release."
    )
    for row in month.models:
        say.print(
            f"Model {row['name']}:{row['number']} trained on the stored outcomes up to "
            f"{row['created_at']:%Y-%m-%d %H:%M} UTC and activated (see `safelane model list`)."
        )
    if month.untrained:
        say.print(f"No model was trained: {month.untrained}. Give more --history-days.")
    from safelane.demo import agencies, disruptions

    say.print(agencies.summary(system.db, month.agencies))
    if month.closure is not None:
        say.print(month.closure.summary())
    if month.surge is not None:
        say.print(disruptions.surge_summary(month.surge, now))


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="address to serve the API on"),
    port: int = typer.Option(8000, "--port"),
    database: str | None = DatabaseOption,
    consignments: int = typer.Option(3000, "--consignments", min=1, help="consignments in the last 24 hours"),
    history_days: int = typer.Option(30, "--history-days", min=0, help="days of decided, inspected history before"),
    history_per_day: int = typer.Option(100, "--history-per-day", min=1, help="consignments per day of history"),
    seed: int = typer.Option(7, "--seed", help="the same seed and --now give the same demo"),
    now: str | None = typer.Option(
        None, "--now", help="build the demo as of this moment (default: now), e.g. 2026-06-01T12:00:00Z"
    ),
    reset: bool = typer.Option(False, "--reset", help="delete the demo's own SQLite file and build it anew"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve the workbench afterwards (default) or exit"),
) -> None:
    """Build the demo in the database (profiles, users, 30 days of history and the last 24 hours, decided,
    partly inspected, a model trained and activated), then serve the workbench and the API."""
    from safelane.settings import database_shown
    from safelane.store.filings import add_audit
    from safelane.system import build

    say = Console()
    if serve and not port_free(host, port):
        _refuse(
            DemoError(
                f"port {port} on {host} is in use (another `safelane demo` or `serve`?); stop it or "
                "give --port. Nothing was changed."
            )
        )
    chosen = settings(database)
    url = chosen.database_url
    shown = database_shown(url)
    state = built(url)
    if state is False:
        _refuse(
            DemoError(
                f"{shown} holds data that is not the demo's; the demo builds only into an empty "
                "database or its own. Give another one, e.g. --database sqlite:///safelane-demo.db"
            )
        )
    if isinstance(state, dict) and reset:
        try:
            say.print(f"Removed the previous demo database [bold]{remove(url)}[/bold].")
        except DemoError as error:
            _refuse(error)
    elif isinstance(state, dict):
        say.print(
            f"Database [bold]{shown}[/bold] holds the demo built on {state['at']:%Y-%m-%d %H:%M} UTC "
            f"(seed {state.get('seed')}); serving it as it is, with its users and their keys (printed when "
            "it was built; `safelane users password officer` sets a new password). `safelane demo --reset` "
            "builds it anew, as of now."
        )
        if serve:
            from safelane.cli.serve import run

            run(build(chosen), host, port)
        return
    at = _now(now)
    if not os.environ.get("SAFELANE_SAMPLE_KEY"):  # the same seed gives the same random sample too
        chosen = replace(chosen, sample_key=f"safelane-demo-{seed}".encode())
    system = build(chosen)
    first = at - timedelta(days=history_days + 1)
    titles = load_profiles(system, first)
    keys = add_users(system, at)
    set_offices(system, first)
    watch_list = import_file(system.db, Path(str(DEMO_LIST)), "ftm", "demo", actor="demo")
    from safelane.demo import traders as demo_traders

    registered = demo_traders.load(
        system.db, at=first, seed=seed, suspend_on=demo_traders.mid_month(first, history_days)
    )
    trader_keys = demo_traders.add_trader_users(system.db, at=first, seed=seed)
    shared: list[str] = []
    say.print(
        f"Database [bold]{shown}[/bold] (the default of every safelane command run in this folder; "
        f"elsewhere set SAFELANE_DATABASE_URL={shown}): {len(titles)} demo profiles active, demo watch "
        f"list of {watch_list['entries']} entries, users {', '.join(keys)} created, capacity set for "
        f"{', '.join(OFFICES)} (see `safelane offices list`), {registered} (see `safelane traders show`)."
    )

    started = time.perf_counter()
    month = play_month(
        system,
        say,
        now=at,
        consignments=consignments,
        seed=seed,
        history_days=history_days,
        history_per_day=history_per_day,
        before_today=lambda traffic: shared.append(demo_traders.share_today(system.db, traffic, seed=seed)),
    )
    elapsed = time.perf_counter() - started
    with system.db.write() as conn:
        add_audit(
            conn,
            at,
            "demo",
            BUILT,
            None,
            {"seed": seed, "now": at.isoformat(), "consignments": consignments, "history_days": history_days},
        )
    stored = sum(len(r.consignments) for r in month.results)
    say.print(
        f"Generated, filed, decided and stored {month.history_consignments:,} consignments over "
        f"{history_days} days of history and {stored:,} in the last 24 hours up to {at:%Y-%m-%d %H:%M} UTC "
        f"(seed {seed}), each received as filed, in {elapsed:.1f} s."
    )
    report(month, titles, system, at, say)

    say.print("Credentials (shown once), one per line so a key is copied whole:")
    for name, role, agency in _all_users():
        role = f"{role} {agency}" if agency else role
        key, password = keys[name]
        say.print(f"  {name} ({role}) API key: {key}", soft_wrap=True, markup=False, highlight=False)
        if password:
            say.print(
                f"  {name} ({role}) workbench password: {password}", soft_wrap=True, markup=False, highlight=False
            )
    for name, (key, password) in trader_keys.items():  # AEO 2.0: the trader view at /trader, data over the API
        say.print(f"  {name} (trader) API key: {key}", soft_wrap=True, markup=False, highlight=False)
        say.print(f"  {name} (trader) password: {password}", soft_wrap=True, markup=False, highlight=False)
    say.print(" ".join(shared) + ".", soft_wrap=True, markup=False, highlight=False)
    if not serve:
        system.db.dispose()  # close its connections: a later --reset in this process must find the file unused
        return
    say.print(
        f"Serving the workbench on [bold]http://{host}:{port}/[/bold] (sign in as officer or supervisor) "
        "and the API (OpenAPI at /docs; send a key as 'Authorization: Bearer <key>'). Ctrl+C stops."
    )
    from safelane.cli.serve import run

    run(system, host, port)

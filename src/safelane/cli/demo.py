"""`safelane demo`: a throwaway database with the demo profiles, users and one generated day, then the API.

A newcomer should see referrals and channels with their reasons within a minute, without writing a
profile or a filing first. The demo starts from an empty database every time, so it never reads
SAFELANE_DATABASE_URL (it must not wipe a real store by accident) and it only deletes a SQLite file
that holds nothing but the demo's own users.
"""

import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from safelane.cli.common import settings
from safelane.cli.lists import DEMO_LIST, import_file
from safelane.demo import PROFILES_DIR, demo_day, filings_of, generate
from safelane.demo.inspections import inspect
from safelane.domain import Channel, Filing, Referral
from safelane.results import FilingResult
from safelane.risk.profiles.match import PROFILES
from safelane.selection.capacity import SELECTIONS, OfficeSettings
from safelane.store import Database
from safelane.store import offices as office_store
from safelane.store import profiles as profile_store
from safelane.store import users as user_store
from safelane.system import StoredSystem, build

DEFAULT_DATABASE = "sqlite:///safelane-demo.db"
USERS = (("officer", "officer"), ("supervisor", "supervisor"), ("fwd-hkg", "filer"), ("carrier-ocean", "filer"))
# Capacity per day, small as the demo's day is small, so that it runs out: mandatory selections pass over it,
# score-driven ones (from a learned model, once one is active) fall to blue or green, and the random
# compliance sample (1 %) and the exploration reserve (5 %) show beside them. "*" is every other office.
OFFICES = (
    OfficeSettings("*", {"physical": 1, "nii": 1, "documentary": 2, "referral": 3}),
    OfficeSettings("NLRTM", {"physical": 2, "nii": 2, "documentary": 4, "referral": 5}),
    OfficeSettings("DEHAM", {"physical": 2, "nii": 1, "documentary": 3, "referral": 5}),
)
CHUNK = 500  # consignments per pipeline batch: one transaction each, and a steady progress bar


class DemoError(Exception):
    """The demo cannot start on this database; the message says what to do instead."""


def _demo_users_only(db: Database) -> bool:
    """True if the store is empty or holds only the demo's users, i.e. it is safe to throw away."""
    try:
        with db.read() as conn:
            names = {row["name"] for row in user_store.listing(conn)}
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        db.dispose()
    return names <= {name for name, _ in USERS}


def fresh_database(url: str, say: Console) -> None:
    """Remove a previous demo SQLite file at `url`; refuse to touch anything that is not a demo database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        db = Database(url)
        db.migrate()
        with db.read() as conn:
            used = bool(user_store.listing(conn))
        db.dispose()
        if used:
            raise DemoError(f"{parsed.render_as_string()} is not empty; the demo needs an empty database "
                            "(or a SQLite file it may recreate)")
        return
    if not parsed.database or parsed.database == ":memory:":
        raise DemoError("the demo needs a database file, e.g. --database sqlite:///safelane-demo.db")
    path = Path(parsed.database).expanduser()
    if not path.exists():
        return
    if path.stat().st_size and not _demo_users_only(Database(url)):
        raise DemoError(f"{path} holds more than the demo's data; the demo only recreates its own database. "
                        "Choose another --database path")
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    say.print(f"Removed the previous demo database [bold]{path}[/bold].")


def _batches(filings: Sequence[Filing], size: int) -> Iterator[list[Filing]]:
    """Windows of about `size` consignments in filing order, split by filer: a batch is submitted as its filer,
    and batches must stay large because each one is a durable (fsync'd) transaction."""
    window: list[Filing] = []
    count = 0
    for filing in filings:
        window.append(filing)
        count += len(filing.consignments)
        if count >= size:
            yield from _by_filer(window)
            window, count = [], 0
    yield from _by_filer(window)


def _by_filer(filings: list[Filing]) -> Iterator[list[Filing]]:
    groups: dict[str | None, list[Filing]] = {}
    for filing in filings:
        groups.setdefault(filing.filer, []).append(filing)
    yield from groups.values()


def load_profiles(system: StoredSystem) -> dict[str, str]:
    """Store and activate every demo profile; returns profile id -> title."""
    titles = {}
    with system.db.write() as conn:
        for path in sorted(PROFILES_DIR.glob("*.yaml")):
            profile, _ = profile_store.save(conn, path.read_text(encoding="utf-8"), actor="demo",
                                            at=datetime.now(UTC), origin=path.name, activate=True)
            titles[profile.id] = profile.title
    if system.profiles is not None:
        system.profiles.refresh()
    return titles


def add_users(system: StoredSystem) -> dict[str, tuple[str, str | None]]:
    """The demo's officer, supervisor and two filers; returns name -> (API key, workbench password or None).

    Both are random and shown once (only hashes are kept): a demo left running on a network is no open door.
    Filers get no password, as the workbench is for customs officers.
    """
    credentials = {}
    with system.db.write() as conn:
        for name, role in USERS:
            key = user_store.add(conn, name, role, at=datetime.now(UTC), actor="demo")
            password = None if role == "filer" else secrets.token_urlsafe(9)
            if password:
                user_store.set_password(conn, name, password, at=datetime.now(UTC), actor="demo")
            credentials[name] = (key, password)
    return credentials


def set_offices(system: StoredSystem) -> None:
    """The demo's office settings, changed as a supervisor would (audited)."""
    with system.db.write() as conn:
        for settings in OFFICES:
            office_store.set(conn, settings, at=datetime.now(UTC), actor="supervisor")
    system.pipeline.offices_changed()


def capacity_table(system: StoredSystem) -> Table:
    """Today's controls per office and kind, by why each was selected, against the capacity."""
    with system.db.read() as conn:
        used = office_store.usage(conn, datetime.now(UTC))
        offices = office_store.offices(conn)
    table = Table("office", "kind", "capacity", *SELECTIONS, title="Selection under capacity (today)")
    for office, kind in sorted({(o, k) for o, k, _ in used.counts}, key=lambda ok: (ok[0] or "", ok[1])):
        limit = offices(office).limit(kind)
        table.add_row(office or "", kind, "unlimited" if limit is None else str(limit),
                      *(str(used.of(office, kind, s)) for s in SELECTIONS))
    return table


def submit_day(system: StoredSystem, filings: Sequence[Filing], say: Console) -> list[FilingResult]:
    """Every filing through the pipeline, as its filer, in batches of about CHUNK consignments."""
    total = sum(len(f.consignments) for f in filings)
    results: list[FilingResult] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=say) as progress:
        task = progress.add_task("assessing consignments", total=total)
        for chunk in _batches(filings, CHUNK):
            results += system.pipeline.submit(chunk, actor=chunk[0].filer or "demo")
            progress.advance(task, sum(len(f.consignments) for f in chunk))
    return results


def summary(results: Sequence[FilingResult], titles: dict[str, str]) -> tuple[Table, Table, Table]:
    """Outcomes by kind of answer, and how often each profile hit."""
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


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="address to serve the API on"),
    port: int = typer.Option(8000, "--port"),
    database: str = typer.Option(DEFAULT_DATABASE, "--database",
                                 help="where to build the demo; an existing demo SQLite file there is replaced"),
    consignments: int = typer.Option(3000, "--consignments", min=1, help="consignments in the generated day"),
    seed: int = typer.Option(7, "--seed", help="the same seed gives the same day"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve the API afterwards (default) or just exit"),
) -> None:
    """Build a demo: profiles, users and yesterday's synthetic traffic, assessed and decided; then serve the API."""
    say = Console()
    try:
        fresh_database(database, say)
    except DemoError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    chosen = settings(database)
    if not os.environ.get("SAFELANE_SAMPLE_KEY"):  # the same seed gives the same random sample too
        chosen = replace(chosen, sample_key=f"safelane-demo-{seed}".encode())
    system = build(chosen)
    titles = load_profiles(system)
    keys = add_users(system)
    set_offices(system)
    watch_list = import_file(system.db, Path(str(DEMO_LIST)), "ftm", "demo", actor="demo")
    say.print(f"Database [bold]{database}[/bold]: {len(titles)} demo profiles active, demo watch list of "
              f"{watch_list['entries']} entries, users {', '.join(keys)} created, capacity set for "
              f"{', '.join(s.office for s in OFFICES)} (see `safelane offices list`).")

    day = demo_day()
    started = time.perf_counter()
    traffic = generate(day, consignments, seed)
    filings = filings_of(traffic)
    say.print(f"Generated and validated {consignments:,} consignments in {len(filings):,} filings for {day} "
              f"(seed {seed}) in {time.perf_counter() - started:.1f} s.")
    started = time.perf_counter()
    results = submit_day(system, filings, say)
    elapsed = time.perf_counter() - started
    stored = sum(len(r.consignments) for r in results)
    say.print(f"Assessed, decided and stored {stored:,} consignments in {elapsed:.1f} s "
              f"({stored / elapsed:,.0f} per second).")
    for table in (*summary(results, titles), capacity_table(system)):
        say.print(table)
    found = inspect(system.db, traffic.planted, at=datetime.now(UTC), seed=seed)
    say.print(f"Simulated inspections (recorded by 'demo-inspector') of {sum(found.values())} controls: "
              f"{', '.join(f'{n} {r}' for r, n in sorted(found.items()))}; the other controls wait in the queue.")

    say.print("Credentials (shown once), one per line so a key is copied whole:")
    for name, role in USERS:
        key, password = keys[name]
        say.print(f"  {name} ({role}) API key: {key}", soft_wrap=True, markup=False, highlight=False)
        if password:
            say.print(f"  {name} ({role}) workbench password: {password}", soft_wrap=True, markup=False,
                      highlight=False)
    if not serve:
        return
    say.print(f"Serving the workbench on [bold]http://{host}:{port}/[/bold] (sign in as officer or supervisor) "
              "and the API (OpenAPI at /docs; send a key as 'Authorization: Bearer <key>'). Ctrl+C stops.")
    from safelane.cli.serve import run

    run(system, host, port)

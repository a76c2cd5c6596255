"""`safelane worker`: assess, decide and store filings that `safelane serve --stream` queued in JetStream."""

import typer

from safelane.cli.common import DatabaseOption, settings


def worker(
    database: str | None = DatabaseOption,
    batch: int = typer.Option(200, "--batch", min=1, max=10_000, help="Messages fetched and committed together."),
    max_deliver: int = typer.Option(
        5, "--max-deliver", min=1, help="Deliveries before a message goes to the dead-letter stream."
    ),
) -> None:
    """Run one worker until Ctrl-C or SIGTERM; start as many as you like, on any machine (docs/deployment.md)."""
    import os

    from safelane.settings import database_shown
    from safelane.stream import worker as stream_worker
    from safelane.system import build

    if not os.environ.get("SAFELANE_SAMPLE_KEY"):  # each worker would draw its own random sample
        typer.echo(
            "worker: set SAFELANE_SAMPLE_KEY (the same secret in every worker): without it each process keys the "
            "random sample and exploration draws on its own, and which worker takes a filing would decide them",
            err=True,
        )
        raise typer.Exit(2)
    system = build(settings(database))
    system.db.outbox = True  # decisions and releases go out as events through the relay (docs/events.md)
    typer.echo(
        f"worker: JetStream {system.settings.nats_url} -> store {database_shown(system.settings.database_url)}, "
        f"batches of {batch}",
        err=True,
    )
    forwarded = stream_worker.run(system, system.settings.nats_url, batch=batch, max_deliver=max_deliver)
    typer.echo(f"worker: stopped after forwarding {forwarded} filings", err=True)

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
    from safelane.settings import database_shown
    from safelane.stream import worker as stream_worker
    from safelane.system import build

    system = build(settings(database))
    typer.echo(
        f"worker: JetStream {system.settings.nats_url} -> store {database_shown(system.settings.database_url)}, "
        f"batches of {batch}",
        err=True,
    )
    forwarded = stream_worker.run(system, system.settings.nats_url, batch=batch, max_deliver=max_deliver)
    typer.echo(f"worker: stopped after forwarding {forwarded} filings", err=True)

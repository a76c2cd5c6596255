"""`safelane serve`: the HTTP API and the officer workbench on one port; no browser is opened."""

from typing import TYPE_CHECKING

import typer

from safelane.cli.common import DatabaseOption, settings

if TYPE_CHECKING:
    from safelane.system import StoredSystem


def run(system: "StoredSystem", host: str, port: int, *, stream: bool = False) -> None:
    """Serve a built system; the demo calls this too, so both serve the same app."""
    import uvicorn

    from safelane.service.app import create_app

    spool = system.settings.spool_dir
    if stream:
        typer.echo(
            f"stream mode: filings go to JetStream at {system.settings.nats_url}; run `safelane worker` to assess them",
            err=True,
        )
    else:
        typer.echo(
            f"store-and-forward: filings wait in {spool.resolve()} while the store is down"
            if spool
            else "store-and-forward: off (set SAFELANE_SPOOL_DIR to keep accepting filings while the store is down)",
            err=True,
        )
    uvicorn.run(create_app(system, stream=stream), host=host, port=port, log_config=None, access_log=False)


def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    database: str | None = DatabaseOption,
    stream: bool = typer.Option(
        False, "--stream", help="Publish accepted filings to NATS JetStream (SAFELANE_NATS_URL) for `safelane worker`."
    ),
) -> None:
    """Serve the workbench and the API on http://HOST:PORT (workbench at /, OpenAPI at /docs, metrics at /metrics)."""
    from safelane.system import build

    system = build(settings(database))
    system.db.outbox = system.db.outbox or stream  # officers' changes go out as events (docs/events.md)
    run(system, host, port, stream=stream)

"""`safelane ephyto pull`: take the certificates waiting on the IPPC ePhyto Hub into the store, once or in a loop.

Each pass prints one JSON line of counts (docs/ephyto.md); a Hub that fails is named on stderr: a single pass
then exits 1, a loop waits for its next pass (what was stored stays stored, and is acknowledged then).
"""

import time

import typer

from safelane.cli.common import DatabaseOption, emit, settings

app = typer.Typer(help="ePhyto certificates: pull them from the IPPC ePhyto Hub.", no_args_is_help=True)


@app.callback()
def ephyto() -> None:
    """ePhyto certificates (docs/ephyto.md); a group, so that `pull` keeps its name as more commands come."""


@app.command("pull")
def pull(
    database: str | None = DatabaseOption,
    hub: str | None = typer.Option(
        None, "--hub", envvar="SAFELANE_EPHYTO_HUB_URL", help="The Hub's delivery service URL."
    ),
    interval: float = typer.Option(0, "--interval", min=0, help="Seconds between passes; 0: one pass and exit."),
    passes: int = typer.Option(0, "--passes", min=0, help="With --interval: stop after this many passes (0: never)."),
) -> None:
    """Pull, validate and store each waiting certificate, re-assess the consignments it belongs to, and
    acknowledge it to the Hub once stored."""
    import os

    from safelane.documents.hub_intake import pull as pull_once
    from safelane.ephyto.hub_client import HubClient, HubUnavailable
    from safelane.system import build

    config = settings(database)
    url = hub or config.hub_url
    if not url:
        typer.echo("ephyto pull: name the Hub with --hub or SAFELANE_EPHYTO_HUB_URL", err=True)
        raise typer.Exit(2)
    if not os.environ.get("SAFELANE_SAMPLE_KEY"):
        typer.echo(
            "ephyto pull: SAFELANE_SAMPLE_KEY is not set; a re-assessment here draws the random sample with a key "
            "of its own (set the service's key for the same draws)",
            err=True,
        )
    client = HubClient(
        url,
        timeout=config.hub_timeout,
        client_cert=config.hub_client_cert,
        client_key=config.hub_client_key,
        ca_file=config.hub_ca_file,
    )
    system = build(config)
    done = 0
    while True:
        try:
            emit(pull_once(client, system.pipeline).as_dict())
        except HubUnavailable as error:
            typer.echo(f"ephyto pull: {error}", err=True)
            if not interval:
                raise typer.Exit(1) from None
        done += 1
        if not interval or (passes and done >= passes):
            break
        time.sleep(interval)

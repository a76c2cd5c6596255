"""The `safelane` command line: each noun's module is imported only when that command runs.

Printing help or the version must not pay for followthemoney, SQLAlchemy or LightGBM, so the top level
knows each command by name and one line of help, and loads its module on use (`safelane X --help` loads X).
"""

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from safelane import __version__

# name -> (module, attribute: a Typer app or a command function, one line of help for `safelane --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "assess": ("safelane.cli.assess", "assess", "Assess filings in any supported standard; one JSON line each."),
    "serve": ("safelane.cli.serve", "serve", "Serve the workbench and the API."),
    "worker": ("safelane.cli.worker", "worker", "Assess filings from the NATS JetStream queue (stream mode)."),
    "demo": ("safelane.cli.demo", "demo", "Build the demo (a month of traffic) in the database and serve it."),
    "profiles": ("safelane.cli.profiles", "app", "Risk profiles: validate, import, activate, backtest."),
    "users": ("safelane.cli.users", "app", "Users and their API keys."),
    "lists": ("safelane.cli.lists", "app", "Watch lists for screening every party."),
    "model": ("safelane.cli.model", "app", "The learned risk model: train, score, evaluate, manage versions."),
    "offices": ("safelane.cli.offices", "app", "Office settings: inspection capacity, random sample, exploration."),
    "resilience": ("safelane.cli.resilience", "app", "Disruptions, continuity plans and the disruption simulator."),
    "licences": ("safelane.cli.licences", "app", "Licences for strategic goods: load a CSV, list them."),
    "traders": ("safelane.cli.traders", "app", "Trusted traders: the AEO register, authorisations, status changes."),
    "screen": ("safelane.cli.screen", "screen", "Screen a name (or a CSV batch) against the watch lists."),
    "audit": ("safelane.cli.audit", "app", "The tamper-evident audit trail: verify the chain, export anchors."),
    "agencies": ("safelane.cli.agencies", "app", "Border agencies' register: check a file, re-index consignments."),
    "ephyto": ("safelane.cli.ephyto", "app", "ePhyto certificates: pull them from the IPPC ePhyto Hub."),
}


class LazyGroup(TyperGroup):
    """Lists the commands from COMMANDS and imports a command's module only when that command is used."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        target: Any = getattr(importlib.import_module(module), attribute)
        if not isinstance(target, typer.Typer):
            single = typer.Typer(pretty_exceptions_enable=False)
            single.command(cmd_name)(target)
            target = single
        command = typer.main.get_command(target)
        command.name = cmd_name
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, _, summary) in COMMANDS.items()])


def _version(value: bool) -> None:
    if value:
        typer.echo(f"safelane {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=LazyGroup,
    help="safelane: customs risk management and cargo targeting.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """safelane: customs risk management and cargo targeting."""


if __name__ == "__main__":
    app()

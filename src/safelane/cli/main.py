"""The `safelane` command line."""

import typer

from safelane.cli import assess, demo, lists, model, offices, profiles, screen, serve, users

app = typer.Typer(help="safelane: customs risk management and cargo targeting.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.command()(assess.assess)
app.command()(serve.serve)
app.command()(demo.demo)
app.add_typer(profiles.app, name="profiles")
app.add_typer(users.app, name="users")
app.add_typer(lists.app, name="lists")
app.add_typer(model.app, name="model")
app.add_typer(offices.app, name="offices")
app.command()(screen.screen)

if __name__ == "__main__":
    app()

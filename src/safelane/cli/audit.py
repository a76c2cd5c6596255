"""`safelane audit`: verify the tamper-evident audit trail, and export anchors of its head.

`verify` exits 0 when every row holds, 1 naming the first broken row, 2 when an anchor file cannot be read.
Keep the output of `anchor` somewhere the database's administrators cannot write (another host, a ticket, a
printout): `verify --anchor FILE` then catches a chain rewritten from before that anchor to its end.
"""

from datetime import UTC, datetime
from pathlib import Path

import orjson
import typer
from rich.console import Console

from safelane.cli.common import DatabaseOption, emit, open_store

app = typer.Typer(help="The tamper-evident audit trail: verify the hash chain, export anchors of its head.")


def _anchors(paths: list[Path]) -> dict[int, str]:
    from safelane.store.audit_anchors import parse

    found: dict[int, str] = {}
    for path in paths:
        try:
            lines = [line for line in path.read_bytes().splitlines() if line.strip()]
            for number, line in enumerate(lines, 1):
                anchor = parse(orjson.loads(line), f"{path}:{number}")
                found[anchor.seq] = anchor.hash
        except (OSError, orjson.JSONDecodeError, ValueError, AttributeError) as error:
            Console(stderr=True).print(f"cannot read anchor file {path}: {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    return found


@app.command()
def verify(
    anchor: list[Path] = typer.Option([], "--anchor", help="a file written by `safelane audit anchor` (repeatable)"),
    database: str | None = DatabaseOption,
    json: bool = typer.Option(False, "--json", help="print the report as one JSON object"),
) -> None:
    """Walk the whole chain; name the first row edited, deleted, inserted or reordered, and exit 1 if any."""
    from safelane.audit.trail import verify_all

    anchors = _anchors(anchor)
    report = verify_all(open_store(database), at=datetime.now(UTC), anchors=anchors)
    if json:
        emit(report.as_dict())
    else:
        console = Console(highlight=False, soft_wrap=True)
        console.print(
            f"checked {report.checked} events (sequence {report.start + 1}-{report.last.seq} of {report.head.seq}) "
            f"and {report.anchors} anchors in {report.seconds:.3f} s"
        )
        if report.problem is None:
            console.print(f"the chain holds; head {report.head.seq} {report.head.hash}")
        else:
            p = report.problem
            where = f"{p.table} {p.event_id} " if p.event_id else f"{p.table} " if p.table else ""
            Console(stderr=True, highlight=False, soft_wrap=True).print(
                f"BROKEN at {where}(seq {p.seq}): {p.kind}: {p.message}"
            )
    if report.problem is not None:
        raise typer.Exit(1)


@app.command("anchor")
def anchor_(
    output: Path | None = typer.Option(None, "--output", help="append the anchor to this file (JSON lines)"),
    database: str | None = DatabaseOption,
) -> None:
    """Verify the rows since the last anchor, then print the chain head (sequence, hash, time) as one JSON line."""
    from safelane.audit.trail import anchor
    from safelane.store.audit_anchors import exported

    at = datetime.now(UTC)
    report = anchor(open_store(database), at=at)
    if report.problem is not None:
        p = report.problem
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"not anchored: the chain is broken at {p.table} {p.event_id} (seq {p.seq}): {p.kind}: {p.message}"
        )
        raise typer.Exit(1)
    line = exported(report.last, at)
    if output is not None:
        with output.open("ab") as out:
            out.write(orjson.dumps(line) + b"\n")
    emit(line)

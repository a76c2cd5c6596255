"""`safelane assess`: read messages in any standard safelane reads (files or stdin), print one decision per
consignment. The standards and their names come from `formats.registry`."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import Progress

from safelane.cli.common import DatabaseOption, emit, fail, settings

if TYPE_CHECKING:
    from safelane.domain import Filing
    from safelane.system import System

CHUNK = 1000


def _read(path: str) -> bytes:
    return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()


def _line(consignment: dict[str, Any], answer: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "consignment_id": consignment["consignment_id"],
        answer: consignment[answer],
        "score": consignment["score"],
        "findings": [{k: f[k] for k in ("assessor", "code", "explanation")} for f in consignment["findings"]],
    }
    if stored:
        out.update(stored)
    return out


NO_PROFILES = (
    "note: no active profiles: consignments are assessed without risk profiles "
    "(safelane profiles import DIR --activate)"
)


def _active_profiles(system: "System", folder: Path | None) -> int:
    from safelane.risk.profiles import load_folder

    if system.profiles is not None:
        return len(system.profiles())
    folder = folder or system.settings.profiles_dir  # build read the profiles from this folder
    assert folder is not None
    return len(load_folder(folder))


def assess(
    files: list[str] = typer.Argument(None, help="input files; none or '-' reads standard input"),
    format: str | None = typer.Option(
        None, "--format", help="force a standard by its name (docs/formats.md lists them) instead of detecting it"
    ),
    store: bool = typer.Option(False, "--store", help="also persist filings, assessments and decisions"),
    profiles: Path | None = typer.Option(
        None,
        "--profiles",
        exists=True,
        file_okay=False,
        help="a folder of profile files (default: the database's active ones)",
    ),
    filer: str | None = typer.Option(None, "--filer", help="who filed, when the input does not say"),
    database: str | None = DatabaseOption,
) -> None:
    """Assess consignments and print one JSON object per consignment per line."""
    from safelane.domain import InvalidMessage, Problem
    from safelane.system import build

    system = build(settings(database), store=store, profiles_dir=profiles)
    pipeline = system.pipeline
    if not _active_profiles(system, profiles):  # an empty store would otherwise answer green without a word
        sys.stderr.write(NO_PROFILES + "\n")
    batch: list[Filing] = []
    problems: list[Problem] = []
    for name in files or ["-"]:
        try:
            parsed = pipeline.parse(_read(name), filer=None, format=format, actor="cli")
        except InvalidMessage as error:
            problems += [Problem(f"{name}: {p.location}", p.code, p.message) for p in error.problems]
            continue
        except OSError as error:
            problems.append(Problem(name, "unreadable", str(error)))
            continue
        batch += [f if f.filer or not filer else f.model_copy(update={"filer": filer}) for f in parsed]
    if problems:  # nothing is assessed or stored unless everything is valid
        fail(problems)
    with Progress(disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task("assessing", total=len(batch))
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start : start + CHUNK]
            results = pipeline.submit(chunk, actor="cli") if store else pipeline.evaluate(chunk)
            for result in results:
                if result.status == "conflict":
                    fail(result.problems, source=result.document_number)
                for c in result.consignments:
                    stored = None
                    if store:
                        stored = {
                            "reference": c.reference,
                            "filing_id": result.filing_id,
                            "decision_id": c.decision_id,
                            "status": result.status,
                        }
                    emit(_line(c.as_dict(), c.answer, stored))
            progress.advance(task, len(chunk))

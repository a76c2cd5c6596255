"""`safelane model`: train, score, evaluate, simulate, drift; list, activate and roll back model versions."""

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import typer
from rich.console import Console
from rich.table import Table as RichTable

from safelane.cli.common import DatabaseOption, emit, fail, open_store

if TYPE_CHECKING:  # the modules below import LightGBM and SQLAlchemy: each command imports what it uses
    from safelane.risk.model.dataset import Table
    from safelane.risk.model.mapping import ColumnMapping
    from safelane.risk.model.methods import Methods
    from safelane.risk.model.train import TrainedModel

DEFAULT_NAME = "fraud"  # safelane.risk.model.registry.DEFAULT_NAME, without importing the registry for --help

app = typer.Typer(help="The learned risk model: train on outcomes, score with reasons, evaluate, manage versions.")
console = Console(stderr=True)

MappingOption = typer.Option("korea-customs", "--mapping", help="column mapping file (or a packaged name)")
NameOption = typer.Option(DEFAULT_NAME, "--name", help="model name in the registry")
SeedOption = typer.Option(0, "--seed", help="random seed (training is reproducible)")
WithoutOption = typer.Option(
    [], "--without", help="switch a model method off: every_code, hierarchy, documents, text, tuning (repeatable)"
)


def _mapping(path: str) -> "ColumnMapping":
    from safelane.domain import Problem
    from safelane.risk.model.mapping import MappingError, load_mapping

    try:
        return load_mapping(path)
    except MappingError as error:
        fail([Problem("--mapping", "mapping", str(error))])
        raise


def _read(path: Path, mapping: "ColumnMapping", *, labels: bool = True) -> "Table":
    from safelane.domain import Problem
    from safelane.risk.model.dataset import read_csv
    from safelane.risk.model.mapping import MappingError

    try:
        return read_csv(path, mapping, labels=labels)
    except (MappingError, OSError) as error:
        fail([Problem(str(path), "data", str(error))])
        raise


def _rates(text: str) -> list[float]:
    from safelane.domain import Problem

    try:
        return [float(r) for r in text.split(",") if r.strip()]
    except ValueError:
        fail([Problem("--rates", "rates", f"comma-separated percentages expected, got {text!r}")])
        raise


@app.command("train")
def train_(
    data: Path | None = typer.Option(None, "--data", exists=True, dir_okay=False, help="historical CSV"),
    mapping: str = MappingOption,
    valid: Path | None = typer.Option(
        None,
        "--valid",
        exists=True,
        dir_okay=False,
        help="a later CSV for early stopping and calibration (default: last 20 %)",
    ),
    from_store_: bool = typer.Option(False, "--from-store", help="train on the store's inspection outcomes"),
    name: str = NameOption,
    seed: int = SeedOption,
    without: list[str] = WithoutOption,
    activate: bool = typer.Option(False, "--activate", help="make the new version the active one"),
    out: Path | None = typer.Option(None, "--out", help="also write the model artefact to this file"),
    no_store: bool = typer.Option(False, "--no-store", help="do not register the model (use with --out)"),
    database: str | None = DatabaseOption,
) -> None:
    """Train a model and register it as a new version (a candidate unless --activate)."""
    from safelane.domain import Problem
    from safelane.risk.model.dataset import from_store
    from safelane.risk.model.registry import register
    from safelane.risk.model.train import TrainingError, split_by_date, train, validation_metrics

    if (data is None) == (not from_store_):
        fail([Problem("--data", "source", "give either --data FILE (with --mapping) or --from-store")])
    db = None if no_store and not from_store_ else open_store(database)
    if from_store_:
        assert db is not None
        with db.read() as conn:
            table = from_store(conn)
        source = f"store: {db.url.rsplit('/', 1)[-1]}"
    else:
        assert data is not None
        columns = _mapping(mapping)
        table = _read(data, columns)
        source = f"{data.name} (mapping {columns.name})"
    valid_table = _read(valid, _mapping(mapping)) if valid else None
    if valid_table is None:
        table, valid_table = split_by_date(table)
    else:
        source += f"; validation {valid.name}" if valid else ""
    try:
        model = train(table, valid_table, seed=seed, source=source, methods=_methods(without))
    except TrainingError as error:
        fail([Problem("training data", "training", str(error))])
        raise
    metrics = validation_metrics(model, valid_table, [1, 2, 5, 10])
    if out:
        out.write_bytes(model.to_bytes())
    result = {
        "source": source,
        "window": model.info["window"],
        "rows": model.info["rows"],
        "rounds": model.info["rounds"],
        "tuning": {"candidates": model.info["tuning"], "kept": model.info["tuning_choice"]},
        "validation": metrics,
    }
    if db is not None and not no_store:
        row = register(
            db, model, source=source, metrics=metrics, actor="cli", at=datetime.now(UTC), name=name, activate=activate
        )
        result.update(
            {"version_id": row["version_id"], "model": f"{row['name']}:{row['number']}", "status": row["status"]}
        )
    if out:
        result["artefact"] = str(out)
    emit(result)


def _model(database: str | None, ref: str | None, model_file: Path | None, name: str) -> tuple["TrainedModel", str]:
    from safelane.domain import Problem
    from safelane.risk.model.registry import load
    from safelane.risk.model.train import IncompatibleModel, TrainedModel
    from safelane.store import models as model_store

    try:
        if model_file:
            return TrainedModel.from_bytes(model_file.read_bytes()), model_file.name
        with open_store(database).read() as conn:
            row = model_store.find(conn, ref, name) if ref else model_store.active(conn, name)
        if row is None:
            fail([Problem("--model", "model", f"no model {ref!r}" if ref else f"no active {name} model; train one")])
            raise typer.Exit(2)
        loaded = load(row)
    except IncompatibleModel as error:
        fail([Problem("--model", "model", str(error))])
        raise
    return loaded.model, loaded.label


@app.command()
def score(
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False),
    mapping: str = MappingOption,
    model: str | None = typer.Option(None, "--model", help="version id, NAME:NUMBER or number (default: active)"),
    model_file: Path | None = typer.Option(None, "--model-file", exists=True, dir_okay=False),
    name: str = NameOption,
    top: int = typer.Option(3, "--reasons", help="how many reasons per row"),
    database: str | None = DatabaseOption,
) -> None:
    """Score a file (label columns are never read): one JSON line {"id", "score", "explanation"} per row."""
    import numpy as np

    from safelane.risk.model.explain import explain, sentences
    from safelane.risk.model.predict import score as score_table

    trained, label = _model(database, model, model_file, name)
    table = _read(data, _mapping(mapping), labels=False)
    chunk = 50_000
    for start in range(0, len(table), chunk):
        part = table.take(np.arange(start, min(len(table), start + chunk)))
        scored = score_table(trained, part, critical=True)
        reasons = explain(trained, part, scored.matrix, top=top)
        for i, probability in enumerate(scored.probability.tolist()):
            line = {
                "id": str(part.ids[i]),
                "score": round(probability, 6),
                "explanation": sentences(reasons[i]),
                "reasons": [r.as_dict() for r in reasons[i]],
                "model": label,
            }
            if scored.critical is not None:
                line["critical_score"] = round(float(scored.critical[i]), 6)
            emit(line)


@app.command()
def evaluate(
    test_file: Path = typer.Option(..., "--test", exists=True, dir_okay=False, help="labelled test file"),
    train_file: Path | None = typer.Option(None, "--train", exists=True, dir_okay=False),
    valid: Path | None = typer.Option(None, "--valid", exists=True, dir_okay=False),
    scores: Path | None = typer.Option(
        None,
        "--scores",
        exists=True,
        dir_okay=False,
        help="measure the output of `model score` instead of training here",
    ),
    mapping: str = MappingOption,
    rates: str = typer.Option("1,2,5,10", "--rates"),
    seed: int = SeedOption,
    without: list[str] = WithoutOption,
) -> None:
    """Measure on --test. Either train on --train (validate on --valid or its last 20 %) and score --test without
    its labels, or take the JSON lines of `model score` (--scores). Scoring and measuring are separate steps."""
    import numpy as np

    from safelane.domain import Problem
    from safelane.risk.model.evaluate import evaluate as measure
    from safelane.risk.model.evaluate import revenue_proxy
    from safelane.risk.model.predict import score as score_table
    from safelane.risk.model.train import train

    columns = _mapping(mapping)
    if scores is not None:
        by_id = {}
        for line in scores.read_text().splitlines():
            if line.strip():
                row = orjson.loads(line)
                by_id[row["id"]] = row["score"]
        truth = _read(test_file, columns)
        missing = [i for i in truth.ids if i not in by_id]
        if missing:
            fail([Problem(str(scores), "scores", f"{len(missing)} test rows have no score, e.g. {missing[0]}")])
        values = np.array([by_id[i] for i in truth.ids])
        source: dict[str, str | int] = {"scores": scores.name}
    elif train_file is not None:
        table = _read(train_file, columns)
        valid_table = _read(valid, columns) if valid else None
        model = train(table, valid_table, seed=seed, source=train_file.name, methods=_methods(without))
        values = score_table(model, _read(test_file, columns, labels=False)).probability  # step 1: no labels
        truth = _read(test_file, columns)  # step 2: the labels, for measuring only
        source = {"train": train_file.name, "seed": seed}
    else:
        fail([Problem("--train", "source", "give --train FILE (to train and score here) or --scores FILE")])
        return
    emit(
        {
            **source,
            "test": test_file.name,
            "test_metrics": measure(
                values,
                truth.fraud,
                critical=truth.critical,
                revenue=revenue_proxy(truth.nums["value"], truth.nums["tax_rate"]),
                rates=_rates(rates),
            ),
        }
    )


@app.command()
def simulate(
    history: Path = typer.Option(..., "--history", exists=True, dir_okay=False, help="labelled past (e.g. 2020)"),
    stream: list[Path] = typer.Option(
        ..., "--stream", exists=True, dir_okay=False, help="later file(s), replayed week by week"
    ),
    mapping: str = MappingOption,
    budget: float = typer.Option(10.0, "--budget", help="inspection budget, % of each week"),
    explore: float = typer.Option(0.1, "--explore", help="exploration share of the budget"),
    seed: int = SeedOption,
    strategies: str = typer.Option("exploit,random,explore", "--strategies"),
) -> None:
    """Protocol O: weekly batches, a budget, outcomes revealed only for what was inspected, weekly retraining."""
    from safelane.risk.model.simulate import run_protocol_o

    columns = _mapping(mapping)
    tables = [_read(history, columns), *[_read(p, columns) for p in stream]]
    emit(
        run_protocol_o(
            tables,
            seed=seed,
            budget=budget,
            explore=explore,
            strategies=[s.strip() for s in strategies.split(",") if s.strip()],
        )
    )


@app.command()
def drift(
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False, help="recent declarations"),
    mapping: str = MappingOption,
    model: str | None = typer.Option(None, "--model"),
    model_file: Path | None = typer.Option(None, "--model-file", exists=True, dir_okay=False),
    name: str = NameOption,
    database: str | None = DatabaseOption,
) -> None:
    """Recent score distribution and realised hit rates against the model's validation window."""
    from safelane.risk.model import drift as drift_report

    trained, label = _model(database, model, model_file, name)
    emit({"model": label, **drift_report.report(trained, _read(data, _mapping(mapping)))})


@app.command("list")
def list_(
    name: str | None = typer.Option(None, "--name"),
    json: bool = typer.Option(False, "--json"),
    database: str | None = DatabaseOption,
) -> None:
    """Every model version with its status, window and headline metrics."""
    from safelane.store import models as model_store

    with open_store(database).read() as conn:
        rows = model_store.list_versions(conn, name)
    if json:
        for row in rows:
            emit(
                {
                    k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in row.items()
                    if k not in ("features", "card")
                }
            )
        return
    table = RichTable("version", "model", "status", "window", "created", "P@5 % (valid)")
    for row in rows:
        p5 = ((row["metrics"] or {}).get("at") or {}).get("5", {}).get("precision")
        table.add_row(
            row["version_id"],
            f"{row['name']}:{row['number']}",
            row["status"],
            f"{row['window_from']} .. {row['window_to']}",
            row["created_at"].isoformat(timespec="seconds"),
            "" if p5 is None else f"{p5:.3f}",
        )
    Console().print(table)


@app.command()
def card(
    ref: str = typer.Argument(..., help="version id, NAME:NUMBER or number"),
    name: str = NameOption,
    database: str | None = DatabaseOption,
) -> None:
    """Print a version's model card."""
    from safelane.domain import Problem
    from safelane.store import models as model_store

    with open_store(database).read() as conn:
        row = model_store.find(conn, ref, name)
    if row is None:
        fail([Problem(ref, "model", f"no model version {ref!r}")])
        return
    sys.stdout.write(row["card"])


@app.command()
def activate(
    ref: str = typer.Argument(..., help="version id, NAME:NUMBER or number"),
    name: str = NameOption,
    database: str | None = DatabaseOption,
) -> None:
    """Make a version the active one (the one the pipeline scores with)."""
    from safelane.domain import Problem
    from safelane.store import models as model_store

    db = open_store(database)
    try:
        with db.write() as conn:
            row = model_store.find(conn, ref, name)
            if row is None:
                raise model_store.RegistryError(f"no model version {ref!r}")
            row = model_store.activate(conn, row["version_id"], actor="cli", at=datetime.now(UTC))
    except model_store.RegistryError as error:
        fail([Problem(ref, "model", str(error))])
        return
    emit({"version_id": row["version_id"], "model": f"{row['name']}:{row['number']}", "status": row["status"]})


@app.command()
def rollback(name: str = NameOption, database: str | None = DatabaseOption) -> None:
    """Reactivate the version that was active before the current one."""
    from safelane.domain import Problem
    from safelane.store import models as model_store

    db = open_store(database)
    try:
        with db.write() as conn:
            row = model_store.rollback(conn, name, actor="cli", at=datetime.now(UTC))
    except model_store.RegistryError as error:
        fail([Problem(name, "model", str(error))])
        return
    emit({"version_id": row["version_id"], "model": f"{row['name']}:{row['number']}", "status": "active"})


def _methods(without: list[str]) -> "Methods":
    """The model methods, less those switched off (an unknown name is a located error)."""
    from safelane.domain import Problem
    from safelane.risk.model.methods import Methods

    try:
        return Methods().without(*without)
    except ValueError as error:
        fail([Problem("--without", "method", str(error))])
        raise

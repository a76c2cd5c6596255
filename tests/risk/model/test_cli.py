"""`safelane model ...` end to end on the small Korea sample."""

import orjson
from typer.testing import CliRunner

from safelane.cli.main import app
from tests.risk.model.conftest import SAMPLES

runner = CliRunner()
TRAIN, TEST = str(SAMPLES / "train-sample.csv"), str(SAMPLES / "test-sample.csv")


def lines(output: str) -> list[dict]:
    return [orjson.loads(line) for line in output.splitlines() if line.strip()]


def _label_free(tmp_path) -> str:
    rows = (SAMPLES / "test-sample.csv").read_text().splitlines()
    path = tmp_path / "test-nolabels.csv"
    path.write_text("\n".join(",".join(r.split(",")[:-2]) for r in rows) + "\n")
    return str(path)


def test_train_to_file_and_score_a_label_free_copy(tmp_path):
    artefact = tmp_path / "model.bin"
    result = runner.invoke(
        app, ["model", "train", "--data", TRAIN, "--mapping", "korea-customs", "--no-store", "--out", str(artefact)]
    )
    assert result.exit_code == 0, result.output
    trained = lines(result.stdout)[0]
    assert trained["window"] == {"from": "2020-01-01", "to": "2020-12-30"}
    assert "5" in trained["validation"]["at"]
    scored = runner.invoke(app, ["model", "score", "--data", _label_free(tmp_path), "--model-file", str(artefact)])
    assert scored.exit_code == 0, scored.output
    rows = lines(scored.stdout)
    assert len(rows) == 213
    assert set(rows[0]) >= {"id", "score", "explanation"}
    assert rows[0]["id"] == "41256141"
    assert 0 < rows[0]["score"] < 1
    assert rows[0]["explanation"]
    with_labels = lines(runner.invoke(app, ["model", "score", "--data", TEST, "--model-file", str(artefact)]).stdout)
    assert [r["score"] for r in with_labels] == [r["score"] for r in rows]  # labels are never read
    scores = tmp_path / "scores.jsonl"
    scores.write_text(scored.stdout)
    measured = runner.invoke(app, ["model", "evaluate", "--scores", str(scores), "--test", TEST, "--rates", "10"])
    assert measured.exit_code == 0, measured.output
    assert lines(measured.stdout)[0]["test_metrics"]["at"]["10"]["k"] == 21
    drift = runner.invoke(app, ["model", "drift", "--data", TEST, "--model-file", str(artefact)])
    assert drift.exit_code == 0, drift.output
    report = lines(drift.stdout)[0]
    assert report["verdict"] in ("stable", "moderate shift", "major shift")
    assert "hit_rate" in report


def test_evaluate_prints_metrics_at_rates():
    result = runner.invoke(app, ["model", "evaluate", "--train", TRAIN, "--test", TEST, "--rates", "5,10"])
    assert result.exit_code == 0, result.output
    metrics = lines(result.stdout)[0]["test_metrics"]
    assert set(metrics["at"]) == {"5", "10"}
    assert metrics["rows"] == 213
    assert 0 <= metrics["auc"] <= 1


def test_registry_commands(tmp_path):
    db = ["--database", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    first = lines(runner.invoke(app, ["model", "train", "--data", TRAIN, "--activate", *db]).stdout)[0]
    second = lines(runner.invoke(app, ["model", "train", "--data", TRAIN, "--seed", "1", *db]).stdout)[0]
    assert (first["model"], first["status"], second["model"], second["status"]) == (
        "fraud:1",
        "active",
        "fraud:2",
        "candidate",
    )
    assert lines(runner.invoke(app, ["model", "activate", "2", *db]).stdout)[0]["status"] == "active"
    listed = lines(runner.invoke(app, ["model", "list", "--json", *db]).stdout)
    assert [(v["number"], v["status"]) for v in listed] == [(1, "retired"), (2, "active")]
    assert lines(runner.invoke(app, ["model", "rollback", *db]).stdout)[0]["model"] == "fraud:1"
    failed = runner.invoke(app, ["model", "rollback", *db])
    assert failed.exit_code == 2
    assert "no earlier active version" in failed.stderr
    assert "Model card: fraud" in runner.invoke(app, ["model", "card", "fraud:1", *db]).stdout
    scored = lines(runner.invoke(app, ["model", "score", "--data", TEST, *db]).stdout)
    assert scored[0]["model"] == "fraud:1"


def test_simulate_reports_each_strategy():
    result = runner.invoke(
        app,
        [
            "model",
            "simulate",
            "--history",
            TRAIN,
            "--stream",
            TEST,
            "--strategies",
            "exploit,explore",
            "--budget",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    report = lines(result.stdout)[0]
    assert set(report["strategies"]) == {"exploit", "explore"}
    explore = report["strategies"]["explore"]
    assert explore["inspected"] >= 40
    assert 0 <= explore["frauds_found"] <= explore["inspected"]


def test_train_with_methods_switched_off_and_an_unknown_one_refused():
    base = ["model", "train", "--data", TRAIN, "--mapping", "korea-customs", "--no-store"]
    result = runner.invoke(app, [*base, "--without", "tuning", "--without", "every_code"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(app, [*base, "--without", "magic"])
    assert refused.exit_code == 2
    assert "magic" in refused.output

"""Detection benchmark on the Korea Customs Service synthetic declarations (Jeong et al. 2022), and on real
outcomes of another administration: US Fish & Wildlife Service LEMIS amphibian imports 2016-2021.

    python benchmarks/detection.py PATH/TO/customs-declarations [--seeds 5] [--skip-online] [--ablation]
        [--lemis PATH/TO/amphibian_LEMIS_2016_to_2021.csv]

Prints ONE JSON object:

* protocol A (the dataset's own): train 2020, validation 2021-Q1, test 2021-Q2; precision@1/2/5/10 %,
  recall@k, critical-fraud recall@k, AUC and a revenue proxy (Item Price x Tax Rate / 100 over frauds;
  our proxy, not an upstream metric), mean and spread over seeds, for safelane's model and for a plain
  label-encoded LightGBM baseline trained on the same rows.
* protocol O (online): weekly batches over the test half-year (2021-Q1 and Q2), a 10 % inspection budget,
  labels revealed only for what was inspected, weekly retraining; exploitation only, random, and safelane's
  exploration strategy.
* speed: batch scoring rows/s and one-row latency, on one core.
* ablation (with --ablation): protocol A with each of the model's methods switched off in turn, and with all
  of them off, P@5 %, P@10 % and AUC over the same seeds.

* lemis (with --lemis): time-ordered, train on the first four years (2016-2019; the last 20 % of its days
  are the validation window for early stopping, tuning and calibration), score the next two (2020-2021),
  safelane against the same plain LightGBM on the mapped columns; with the ablation, each method off too.

Scoring and measuring are separate steps: scores are made from label-free tables, then `evaluate` compares.
"""

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np

from safelane.risk.model.dataset import Table, read_csv
from safelane.risk.model.evaluate import evaluate, revenue_proxy, top_k
from safelane.risk.model.mapping import load_mapping
from safelane.risk.model.methods import Methods
from safelane.risk.model.predict import score
from safelane.risk.model.train import split_by_date, train, validation_metrics

RATES = (1.0, 2.0, 5.0, 10.0)
PUBLISHED = {"source": "Jeong et al. 2022 (arXiv:2208.02484), LightGBM", "precision@5": 0.762, "precision@10": 0.641}


def _baseline_columns(table: Table, numbers: list[str]) -> tuple[list[np.ndarray], list[str]]:
    names = [n for n in table.cats]
    return [table.cats[n] for n in names] + [table.nums[n] for n in numbers], names + numbers


def baseline_scores(train_table: Table, test: Table, seed: int) -> np.ndarray:
    """The upstream recipe: every column label-encoded (fitted on train), LightGBM with default settings."""
    numbers = [n for n, v in train_table.nums.items() if not np.isnan(v).all()]  # amounts the file declares
    train_columns, names = _baseline_columns(train_table, numbers)
    test_columns, _ = _baseline_columns(test, numbers)
    x_train = np.empty((len(train_table), len(names)), np.float64)
    x_test = np.empty((len(test), len(names)), np.float64)
    for j, (a, b) in enumerate(zip(train_columns, test_columns, strict=True)):
        if a.dtype == object:
            vocab = {v: i for i, v in enumerate(sorted(set(a)))}
            x_train[:, j] = [vocab[v] for v in a]
            x_test[:, j] = [vocab.get(v, -1) for v in b]
        else:
            low, high = np.nanmin(a), np.nanmax(a)
            x_train[:, j] = (a - low) / (high - low or 1.0)
            x_test[:, j] = (b - low) / (high - low or 1.0)
    params = {"objective": "binary", "seed": seed, "num_threads": 1, "verbose": -1, "deterministic": True}
    booster = lgb.train(params, lgb.Dataset(x_train, train_table.fraud.astype(float)), 100)
    return booster.predict(x_test, num_threads=1)


def paired_gap(ours: np.ndarray, base: np.ndarray, test: Table, seed: int, resamples: int = 1000) -> dict:
    """Safelane's precision@k minus the baseline's, over resamples of whole test days (both ranked on the same
    resample): how much of the gap the test window's own noise could explain."""
    days, group = np.unique(test.days, return_inverse=True)
    members = [np.flatnonzero(group == g) for g in range(len(days))]
    rng = np.random.default_rng(seed)
    y = test.fraud > 0
    gaps: dict[str, list[float]] = {"5": [], "10": []}
    for _ in range(resamples):
        rows = np.concatenate([members[g] for g in rng.integers(0, len(days), len(days))])
        for rate in gaps:
            mine, theirs = top_k(ours[rows], float(rate)), top_k(base[rows], float(rate))
            gaps[rate].append(float(y[rows][mine].mean() - y[rows][theirs].mean()))
    return {
        rate: {
            "mean": round(float(np.mean(g)), 4),
            "std": round(float(np.std(g)), 4),
            "share_above_0": float(np.mean(np.array(g) > 0)),
        }
        for rate, g in gaps.items()
    }


def _summary(runs: list[dict]) -> dict:
    """Mean and standard deviation across seeds of every metric."""
    out: dict = {"auc": _ms([r["auc"] for r in runs]), "at": {}}
    for rate in runs[0]["at"]:
        out["at"][rate] = {m: _ms([r["at"][rate][m] for r in runs]) for m in runs[0]["at"][rate] if m != "k"}
        out["at"][rate]["k"] = runs[0]["at"][rate]["k"]
    return out


def _ms(values: list[float]) -> dict:
    return {"mean": round(float(np.mean(values)), 4), "std": round(float(np.std(values)), 4)}


def protocol_a(train_table: Table, valid: Table, test: Table, seeds: int) -> dict:
    truth = {
        "fraud": test.fraud.copy(),
        "critical": test.critical.copy(),
        "revenue": revenue_proxy(test.nums["value"], test.nums["tax_rate"]),
    }
    unlabelled = test.without_labels()  # what the scorers see
    ours, plain, by_revenue, by_critical, seconds, development = [], [], [], [], [], []
    duty = revenue_proxy(unlabelled.nums["value"], unlabelled.nums["tax_rate"])  # declared, known before inspection
    for seed in range(seeds):
        started = time.process_time()
        model = train(train_table, valid, seed=seed, num_threads=1, source="protocol A")
        seconds.append(time.process_time() - started)
        development.append(validation_metrics(model, valid, list(RATES)))
        scored = score(model, unlabelled, critical=True)
        probability = scored.probability
        if scored.critical is not None:
            by_critical.append(
                evaluate(
                    scored.critical, truth["fraud"], critical=truth["critical"], revenue=truth["revenue"], rates=RATES
                )
            )
        ours.append(
            evaluate(probability, truth["fraud"], critical=truth["critical"], revenue=truth["revenue"], rates=RATES)
        )
        by_revenue.append(
            evaluate(
                probability * duty, truth["fraud"], critical=truth["critical"], revenue=truth["revenue"], rates=RATES
            )
        )
        base = baseline_scores(train_table, unlabelled, seed)
        plain.append(evaluate(base, truth["fraud"], critical=truth["critical"], revenue=truth["revenue"], rates=RATES))
    gap = paired_gap(probability, base, test, seed=seeds)  # last seed's scores; the test labels, as truth
    return {
        "split": {
            "train": len(train_table),
            "valid": len(valid),
            "test": len(test),
            "test_fraud_rate": round(float((test.fraud == 1).mean()), 4),
        },
        "seeds": seeds,
        # the validation window: what early stopping, tuning and calibration saw (development, optimistic)
        "safelane_validation_window": _summary(development),
        "safelane": _summary(ours),
        "safelane_ranked_by_expected_duty": _summary(by_revenue),  # probability x declared duty
        "safelane_critical_head": _summary(by_critical) if by_critical else None,  # ranked by P(critical)
        "baseline_label_encoded_lightgbm": _summary(plain),
        "safelane_minus_baseline_precision_by_day_bootstrap": gap,  # at 5 % and 10 %, last seed
        "published": PUBLISHED,
        "train_cpu_seconds": _ms(seconds),
        "rounds": model.booster.num_trees(),
        "tuning": {"candidates": model.info["tuning"], "kept": model.info["tuning_choice"]},  # last seed
    }, model


def ablation(train_table: Table, valid: Table, test: Table, seeds: int) -> dict:
    """Each method off in turn (and all off): what each adds on time-ordered data (train earlier, score later)."""
    unlabelled = test.without_labels()
    variants = {"all methods": Methods()}
    variants |= {f"without {name}": Methods().without(name) for name in Methods.names()}
    variants["none of them"] = Methods().without(*Methods.names())
    out = {}
    for label, methods in variants.items():
        runs = []
        for seed in range(seeds):
            model = train(train_table, valid, seed=seed, num_threads=1, source="ablation", methods=methods)
            runs.append(evaluate(score(model, unlabelled).probability, test.fraud, rates=(5.0, 10.0)))
        summary = _summary(runs)
        out[label] = {
            "precision@5": summary["at"]["5"]["precision"],
            "precision@10": summary["at"]["10"]["precision"],
            "auc": summary["auc"],
        }
    return out


def speed(model, test: Table) -> dict:
    from safelane.risk.model.explain import explain

    table = test.without_labels()
    big = table.take(np.tile(np.arange(len(table)), 12))  # ~100k rows
    score(model, big.take(np.arange(1000)))  # warm up
    # CPU time of this process (one thread): the measure of one core, unaffected by other work on the machine
    started = time.process_time()
    result = score(model, big)
    batch = time.process_time() - started
    started = time.process_time()
    explain(model, big.take(np.arange(20_000)), result.matrix[:20_000], top=3)
    explained = time.process_time() - started
    one = table.take(np.arange(1))
    times = []
    for _ in range(200):
        started = time.process_time()
        score(model, one)
        times.append(time.process_time() - started)
    pipeline_ms = _assessor_latency(model)
    return {
        "batch_rows": len(big),
        "batch_rows_per_second": round(len(big) / batch),
        "assessor_one_consignment_ms_median": pipeline_ms,
        "explained_rows_per_second": round(20_000 / explained),
        "one_row_ms_median": round(float(np.median(times)) * 1000, 3),
        "one_row_ms_p99": round(float(np.percentile(times, 99)) * 1000, 3),
        "threads": 1,
        "clock": "process CPU time",
    }


def _assessor_latency(model) -> float:
    """One lodgement through the model assessor (mapping, features, score, reasons), median of 200 runs."""
    from safelane.domain import Consignment, FilingKind, Lodgement
    from safelane.risk.model.assessor import ModelAssessor
    from safelane.risk.model.registry import LoadedModel

    consignment = Consignment.model_validate(
        {
            "mode": "sea",
            "master_document": "MAEU1",
            "office": "30",
            "consignee": {"name": "QLRUBN9", "identifiers": [{"scheme": "KR", "value": "QLRUBN9"}]},
            "consignor": {"name": "0VKY2BR", "country": "BE"},
            "goods": [
                {
                    "description": "wood",
                    "hs_code": "440890",
                    "net_mass_kg": 108.0,
                    "value": {"amount": 372254.4, "currency": "KRW"},
                    "origin_country": "BE",
                }
            ],
        }
    )
    lodgement = Lodgement("C1", consignment, FilingKind.DECLARATION, "ACME", datetime.now(UTC), "D1", 1)
    assessor = ModelAssessor(lambda: LoadedModel("M1", "fraud", 1, model))
    assessor.assess([lodgement])
    times = []
    for _ in range(200):
        started = time.process_time()
        assessor.assess([lodgement])
        times.append(time.process_time() - started)
    return round(float(np.median(times)) * 1000, 3)


def lemis(path: Path, seeds: int, with_ablation: bool) -> dict:
    """The second data set: real seizures and refusals; first four years to learn from, next two to score."""
    table = read_csv(path, load_mapping("lemis-amphibian")).sorted_by_date()
    first = int(table.dates().min().astype("datetime64[Y]").astype(int)) + 1970
    cut = (np.datetime64(f"{first + 4}-01-01", "D") - np.datetime64(0, "D")).astype(int)
    learn, test = table.take(np.flatnonzero(table.days < cut)), table.take(np.flatnonzero(table.days >= cut))
    train_table, valid = split_by_date(learn)
    out, _ = protocol_a(train_table, valid, test, seeds=seeds)
    out["years"] = {"learn": f"{first}-{first + 3}", "score": f"{first + 4}-"}
    out["published"] = None
    if with_ablation:
        out["ablation"] = ablation(train_table, valid, test, seeds=seeds)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="folder with df_syn_{train,valid,test}_eng.csv")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--skip-online", action="store_true")
    parser.add_argument("--ablation", action="store_true", help="each method off in turn")
    parser.add_argument("--lemis", type=Path, help="amphibian_LEMIS_2016_to_2021.csv (the second data set)")
    args = parser.parse_args(argv)
    if args.data is None and args.lemis is None:
        parser.error("give the Korea data folder, --lemis FILE, or both")
    started = time.perf_counter()
    report: dict = {
        "benchmark": "detection",
        "date": datetime.now(UTC).date().isoformat(),
        "python": platform.python_version(),
        "lightgbm": lgb.__version__,
    }
    if args.data is not None:
        mapping = load_mapping("korea-customs")
        tables = [read_csv(args.data / f"df_syn_{part}_eng.csv", mapping) for part in ("train", "valid", "test")]
        report["dataset"] = "Korea Customs synthetic import declarations"
        report["protocol_a"], model = protocol_a(*tables, seeds=args.seeds)
        report["speed"] = speed(model, tables[2])
        if args.ablation:
            report["ablation"] = ablation(*tables, seeds=args.seeds)
        if not args.skip_online:
            from safelane.risk.model.simulate import run_protocol_o

            report["protocol_o"] = run_protocol_o(tables, seed=0)
    if args.lemis is not None:
        report["lemis"] = lemis(args.lemis, args.seeds, args.ablation)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    return report


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(), sort_keys=False) + "\n")

"""Train the pairwise check on possible hits (`safelane.screening.pairwise`); prints one JSON object.

    python benchmarks/train_pairwise.py --lists REFERENCE_DIR --eval REFERENCE_DIR/name-matching-eval \
        --out src/safelane/screening/data/pairwise.json

Labelled pairs come from the training seed only: listed parties disturbed by `_variants.py` (a hit is a
match when it is the disturbed party's entry, or resolved to it), and innocents (synthetic persons of
negatives_global.csv not drawn by the development seed, and generated company names): every hit at or above
the alert threshold is a labelled pair. A logistic regression (L2, class-balanced, gradient descent on
standardised features; numpy only) is fitted and written with its features and the probability cut that
keeps 99.5 % of the training matches. The development seed is the
one reported while developing; the held-out seed is never used here.
"""

import argparse
import csv
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson
import screening_heldout as bench
from _variants import company_name
from followthemoney import registry

from safelane.screening import entities as ftm
from safelane.screening import pairwise
from safelane.screening.index import Screener
from safelane.screening.matcher import Query
from safelane.screening.names import normalise
from safelane.screening.policy import POSSIBLE
from safelane.screening.sources import read

TRAINING_SEED = 4242001
KEEP_MATCHES = 0.995


def training_innocents(eval_dir: Path, items: list, rng: random.Random, persons: int) -> list[Query]:
    dev_rng = random.Random(bench.SEEDS["development"])  # redraw the development set to leave it out
    bench.positives(items, dev_rng)
    dev_names = {q.name for q in bench.innocents(eval_dir, "development", dev_rng, 2000, bench.COMPANIES)}
    rows = [r for r in csv.DictReader((eval_dir / "yente" / "negatives_global.csv").open(encoding="utf-8"))]
    rows = [r for r in rows if r["full_name"] not in dev_names]
    out = [
        Query(r["full_name"], None, registry.country.clean(r["nationality"]) if r["nationality"] else None)
        for r in rng.sample(rows, persons)
    ]
    out += [Query(company_name(rng), None, rng.choice(["de", "cn", "tr", "ae", "in", "br"])) for _ in range(2000)]
    return [q for q in out if q.name not in dev_names]


def pairs(screener: Screener, pos: list[dict], inn: list[Query]) -> tuple[list[list[float]], list[int]]:
    x, y = [], []
    for query, truth in [(Query(p["name"], None, p["country"]), p["id"]) for p in pos] + [(q, None) for q in inn]:
        form = normalise(query.name)
        for hit in screener.screen(query, limit=10, threshold=POSSIBLE).hits:
            if "identifiers" in hit.why:
                continue
            x.append(pairwise.features(hit, form, screener.rarity))
            y.append(int(truth is not None and truth in hit.entity_ids))
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000, rate: float = 0.5) -> tuple:
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(z.shape[1]), 0.0
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))  # classes weigh alike
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = weight * (p - y)
        w -= rate * (z.T @ g / len(y) + l2 * w)
        b -= rate * g.mean()
    # Undo the standardisation so the product applies the weights to raw features.
    return w / std, b - float((w * mean / std).sum())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=Path, required=True)
    parser.add_argument("--eval", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    items = []
    for rel, source in bench.LISTS.values():
        name, entities = read(args.lists / rel, source)
        items += [(name, e) for e in entities]
    matchable = [(n, e) for n, e in items if ftm.is_matchable(e)]
    screener = Screener.from_entities(items, pairwise=None)
    rng = random.Random(TRAINING_SEED)
    pos = bench.positives(matchable, rng) + bench.positives(matchable, rng)
    inn = training_innocents(args.eval, matchable, rng, args.persons)
    x, y = pairs(screener, pos, inn)
    xa, ya = np.array(x), np.array(y, dtype=float)
    w, b = fit(xa, ya)
    p = 1 / (1 + np.exp(-(xa @ w + b)))
    # The cut: missing a listed party costs far more than an officer's look, so it keeps KEEP_MATCHES of
    # the training matches, whatever share of non-matches that holds back.
    cut = float(np.quantile(p[ya == 1], 1 - KEEP_MATCHES))
    kept = p >= cut
    model = {
        "features": list(pairwise.FEATURES),
        "weights": [round(float(v), 5) for v in w],
        "bias": round(float(b), 5),
        "below": round(POSSIBLE - 0.01, 2),
        "unlikely": round(cut, 5),
        "trained_on": {"seed": TRAINING_SEED, "pairs": len(y), "matches": int(ya.sum())},
    }
    if args.out:
        args.out.write_text(orjson.dumps(model, option=orjson.OPT_INDENT_2).decode() + "\n")
    result = {
        "benchmark": "train_pairwise",
        "pairs": len(y),
        "matches": int(ya.sum()),
        "training_matches_kept": round(float(kept[ya == 1].mean()), 4),
        "training_non_matches_held": round(float((~kept)[ya == 0].mean()), 4),
        "model": model,
    }
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()

"""Scores and reasons of a fixed-seed model on fixed consignments stay exactly what they were (issue 18).

Speed work on features, look-ups and explanations must not change a single score: the golden file was
written before that work. Regenerate it only for a deliberate change of the model: `python -m
tests.risk.model.test_golden_scores`.
"""

import json
from pathlib import Path

import numpy as np

from safelane.risk.model.explain import explain
from safelane.risk.model.predict import score

GOLDEN = Path(__file__).with_name("golden_scores.json")
ROWS = 40  # the first rows of the test sample, each scored alone (as the assessor does) and all together


def observed(trained, test_table) -> dict:
    rows = test_table.take(np.arange(min(ROWS, len(test_table))))
    batch = score(trained, rows, critical=True)
    alone = [score(trained, rows.take(np.array([i])), critical=True) for i in range(len(rows))]
    return {
        "batch_probability": batch.probability.tolist(),
        "batch_margin": batch.margin.tolist(),
        "batch_critical": [] if batch.critical is None else batch.critical.tolist(),
        "alone_probability": [float(s.probability[0]) for s in alone],
        "reasons": [[[r.group, r.contribution, r.text] for r in why] for why in explain(trained, rows, batch.matrix)],
    }


def test_scores_and_reasons_match_the_golden_file(trained, test_table):
    golden = json.loads(GOLDEN.read_text())
    now = observed(trained, test_table)
    for name in ("batch_probability", "batch_margin", "batch_critical", "alone_probability"):
        np.testing.assert_allclose(now[name], golden[name], rtol=0, atol=1e-12, err_msg=name)
    assert [[(g, t) for g, _, t in row] for row in now["reasons"]] == [
        [(g, t) for g, _, t in row] for row in golden["reasons"]
    ]
    now_credit = [c for row in now["reasons"] for _, c, _ in row]
    np.testing.assert_allclose(now_credit, [c for row in golden["reasons"] for _, c, _ in row], rtol=0, atol=1e-12)


if __name__ == "__main__":
    from safelane.risk.model.dataset import read_csv
    from safelane.risk.model.mapping import load_mapping
    from safelane.risk.model.train import train
    from tests.risk.model.conftest import SAMPLES

    mapping = load_mapping("korea-customs")
    model = train(read_csv(SAMPLES / "train-sample.csv", mapping), seed=0)
    GOLDEN.write_text(json.dumps(observed(model, read_csv(SAMPLES / "test-sample.csv", mapping)), indent=1) + "\n")

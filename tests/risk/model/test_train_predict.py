"""Training is reproducible; scoring never sees labels; explanations are sentences with their facts."""

import numpy as np

from safelane.risk.model.dataset import Table
from safelane.risk.model.explain import explain, sentences
from safelane.risk.model.predict import score
from safelane.risk.model.train import TrainedModel, train


def test_training_is_reproducible(train_table, trained):
    again = train(train_table, seed=0)
    assert again.booster.model_to_string() == trained.booster.model_to_string()
    assert again.calibration == trained.calibration


def test_scores_are_calibrated_probabilities(trained, test_table):
    p = score(trained, test_table).probability
    assert p.shape == (len(test_table),)
    assert ((p > 0) & (p < 1)).all()
    assert 0.05 < p.mean() < 0.5  # near the fraud rate of the sample (about 0.2)


def test_shuffling_test_labels_leaves_scores_unchanged(trained, test_table):
    before = score(trained, test_table).probability
    rng = np.random.default_rng(1)
    shuffled = Table(
        test_table.ids,
        test_table.days,
        test_table.cats,
        test_table.nums,
        rng.permutation(test_table.fraud),
        rng.permutation(test_table.critical),
        test_table.extra,
    )
    assert np.array_equal(before, score(trained, shuffled).probability)
    assert np.array_equal(before, score(trained, test_table.without_labels()).probability)


def test_removing_future_rows_leaves_scores_identical(trained, test_table):
    """Rows scored with later rows in the batch, or without them, get the same score."""
    full = score(trained, test_table).probability
    cut = int(np.median(test_table.days))
    kept = np.flatnonzero(test_table.days <= cut)
    assert np.array_equal(full[kept], score(trained, test_table.take(kept)).probability)
    one = score(trained, test_table.take(kept[:1])).probability
    assert one[0] == full[kept[0]]


def test_a_longer_history_changes_nothing_for_earlier_rows(train_table):
    """A model's history may grow; rows dated before the new rows get the very same features (and scores)."""
    cut = np.sort(train_table.days)[int(len(train_table) * 0.8)]
    early = train_table.take(np.flatnonzero(train_table.days < cut))
    model = train(early, seed=0)
    longer = train_table.take(np.flatnonzero(train_table.days < cut + 10))
    # the same model, given a longer history, scores rows before the cut exactly as before
    past_rows = early.take(np.arange(len(early) - 20, len(early)))
    from safelane.risk.model.features import History, build_matrix

    a = build_matrix(past_rows.without_labels(), History.build(early), model.encoder)
    b = build_matrix(past_rows.without_labels(), History.build(longer), model.encoder)
    assert np.array_equal(a, b, equal_nan=True)


def test_artefact_round_trip_scores_identically(trained, test_table):
    restored = TrainedModel.from_bytes(trained.to_bytes())
    assert np.array_equal(score(trained, test_table).probability, score(restored, test_table).probability)
    assert restored.info["window"] == trained.info["window"]


def test_explanations_are_plain_sentences(trained, test_table):
    scored = score(trained, test_table)
    reasons = explain(trained, test_table, scored.matrix, top=3)
    assert len(reasons) == len(test_table)
    top = int(np.argmax(scored.probability))
    assert 1 <= len(reasons[top]) <= 3
    assert all(r.contribution > 0 for r in reasons[top])
    texts = [r.text for row in reasons for r in row]
    assert any("past inspections found an irregularity" in t or "no past inspection" in t for t in texts)
    assert sentences([]) == "no factor raises the risk above the usual"


def test_path_attributions_sum_to_the_margin(trained, test_table):
    from safelane.risk.model.explain import attribution

    scored = score(trained, test_table)
    credit = attribution(trained)(scored.matrix)
    totals = credit.sum(axis=1)
    contrib = trained.booster.predict(scored.matrix, pred_contrib=True)
    # both decompose the margin: attribution + tree-root values = margin
    roots = scored.margin - totals
    assert np.allclose(roots, roots[0])
    assert np.allclose(contrib.sum(axis=1), scored.margin)


def test_an_artefact_of_another_feature_set_is_refused(trained):
    import io
    import json
    import zipfile

    import pytest

    from safelane.risk.model.train import IncompatibleModel

    source = zipfile.ZipFile(io.BytesIO(trained.to_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            if item == "meta.json":
                meta = json.loads(data)
                meta["names"] = meta["names"][:-1]
                data = json.dumps(meta).encode()
            target.writestr(item, data)
    with pytest.raises(IncompatibleModel, match="different feature set"):
        TrainedModel.from_bytes(out.getvalue())


def test_a_critical_head_is_trained_when_labels_allow(train_table, test_table):
    from dataclasses import replace

    rng = np.random.default_rng(3)
    critical = train_table.critical.copy()
    frauds = np.flatnonzero(train_table.fraud == 1)
    critical[rng.choice(frauds, size=len(frauds) // 2, replace=False)] = 2  # enough critical cases to learn
    model = train(replace(train_table, critical=critical), seed=0)
    assert model.critical_booster is not None
    assert model.info["critical_head"]["rounds"] >= 1
    scored = score(model, test_table, critical=True)
    assert scored.critical is not None
    assert ((scored.critical > 0) & (scored.critical < 1)).all()
    assert score(model, test_table).critical is None  # only when asked for
    restored = TrainedModel.from_bytes(model.to_bytes())
    assert np.array_equal(score(restored, test_table, critical=True).critical, scored.critical)


def test_no_critical_head_without_enough_critical_cases(trained):
    assert trained.critical_booster is None
    assert trained.info["critical_head"] is None

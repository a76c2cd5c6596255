"""Track records and usual prices use only what was known strictly before each declaration's date."""

import numpy as np

from safelane.risk.model.dataset import concat, from_records
from safelane.risk.model.features import Encoder, History, build_matrix, feature_names


def _rows():
    # importer A: inspected on days 1, 1, 2, 3 with outcomes 1, 0, 1, 1; importer B once
    spec = [("r1", 1, "A", 1), ("r2", 1, "A", 0), ("r3", 2, "A", 1), ("r4", 3, "A", 1), ("r5", 3, "B", 0)]
    return from_records(
        [
            {
                "id": i,
                "day": 18000 + d,
                "importer": imp,
                "hs": "690722",
                "origin": "CN",
                "mass": 10.0,
                "value": 100.0 * (k + 1),
                "tax_rate": 8.0,
                "fraud": y,
                "critical": y,
            }
            for k, (i, d, imp, y) in enumerate(spec)
        ]
    )


def _column(table, history, name):
    encoder = Encoder.fit(table, min_count=1)
    return build_matrix(table, history, encoder)[:, feature_names(encoder).index(name)]


def test_track_record_counts_only_earlier_days():
    table = _rows()
    history = History.build(table)
    inspections = _column(table, history, "track:importer:inspections")
    assert inspections.tolist() == [0, 0, 2, 3, 0]  # same-day rows never see each other
    declarations = _column(table, history, "track:importer:declarations")
    assert declarations.tolist() == [0, 0, 2, 3, 0]


def test_a_rows_own_label_never_reaches_its_features():
    table = _rows()
    flipped = _rows()
    flipped.fraud[2] = 1 - flipped.fraud[2]
    a = build_matrix(table, History.build(table), Encoder.fit(table, min_count=1))
    b = build_matrix(flipped, History.build(flipped), Encoder.fit(table, min_count=1))
    assert np.array_equal(a[:3], b[:3], equal_nan=True)  # rows up to and including day 2 are unchanged
    assert not np.array_equal(a[3], b[3], equal_nan=True)  # a later row sees the outcome


def test_removing_future_rows_leaves_features_identical(train_table):
    encoder = Encoder.fit(train_table)
    full = build_matrix(train_table, History.build(train_table), encoder)
    cut = int(np.median(train_table.days))
    kept = np.flatnonzero(train_table.days <= cut)
    past = train_table.take(kept)
    assert np.array_equal(full[kept], build_matrix(past, History.build(past), encoder), equal_nan=True)


def test_scored_rows_see_history_not_each_other(train_table, test_table):
    encoder = Encoder.fit(train_table)
    history = History.build(train_table)
    unlabelled = test_table.without_labels()
    together = build_matrix(unlabelled, history, encoder)
    alone = np.vstack([build_matrix(unlabelled.take(np.array([i])), history, encoder) for i in range(5)])
    assert np.array_equal(together[:5], alone, equal_nan=True)
    # a history that also holds the test rows' outcomes changes nothing for a test row of the first day
    first = np.flatnonzero(test_table.days == test_table.days.min())
    with_test = History.build(concat([train_table, test_table]))
    assert np.array_equal(
        build_matrix(unlabelled.take(first), with_test, encoder)[:, :7], together[first][:, :7], equal_nan=True
    )


def test_value_per_kg_against_the_usual():
    table = _rows()
    ratio = _column(table, History.build(table), "price:hs:log_ratio")
    assert np.isnan(ratio[0])
    assert np.isnan(ratio[1])  # nothing usual known yet
    assert np.isclose(ratio[2], np.log(30.0) - np.mean([np.log(10.0), np.log(20.0)]))


def test_keys_with_huge_value_spaces_are_numbered_without_changing_features(train_table, test_table, monkeypatch):
    from safelane.risk.model import features

    encoder = Encoder.fit(train_table)
    plain = History.build(train_table)
    expected = build_matrix(test_table.without_labels(), plain, encoder)
    expected_train = build_matrix(train_table, plain, encoder)
    monkeypatch.setattr(features, "DAY_BITS", 50)  # combined keys now count as too large to shift
    dense = History.build(train_table)
    assert dense.stats["importer+hs"].dense is not None
    assert plain.stats["importer+hs"].dense is None
    assert np.array_equal(build_matrix(test_table.without_labels(), dense, encoder), expected, equal_nan=True)
    assert np.array_equal(build_matrix(train_table, dense, encoder), expected_train, equal_nan=True)

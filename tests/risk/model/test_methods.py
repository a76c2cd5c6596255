"""The methods that make the model carry over: each can fail, and each is strictly past."""

import numpy as np
import pytest

from safelane.risk.model.dataset import concat, from_records, read_csv
from safelane.risk.model.features import Encoder, History, build_matrix, feature_names
from safelane.risk.model.mapping import ColumnMapping, MappingError
from safelane.risk.model.methods import Methods
from safelane.risk.model.predict import score
from safelane.risk.model.registry import card
from safelane.risk.model.train import TrainedModel, share_outcomes, split_by_date, train

DAY = 18000


def _row(i, day, fraud, **fields):
    return {"id": f"r{i}", "day": DAY + day, "mass": 10.0, "value": 100.0, "fraud": fraud, "critical": fraud, **fields}


def _features(table, methods=Methods(), history_table=None):
    encoder = Encoder.fit(table, min_count=1, methods=methods)
    history = History.build(history_table or table, encoder.features)
    names = feature_names(encoder)
    return build_matrix(table, history, encoder), names


def _column(table, name, **kwargs):
    matrix, names = _features(table, **kwargs)
    return matrix[:, names.index(name)]


def test_every_extra_code_gets_a_strictly_past_track_record():
    rows = [_row(0, 0, 1, scheme="A"), _row(1, 0, 1, scheme="A"), _row(2, 1, 0, scheme="A"), _row(3, 2, 0, scheme="B")]
    table = from_records(rows, extra=("scheme",))
    assert _column(table, "track:scheme:inspections").tolist() == [0, 0, 2, 0]  # never its own day
    flipped = from_records([{**r, "fraud": 1 - r["fraud"]} if r["id"] == "r2" else r for r in rows], extra=("scheme",))
    a, b = _column(table, "track:scheme:rate"), _column(flipped, "track:scheme:rate")
    assert a[2] == b[2]  # its own outcome never reaches it
    _, names = _features(table, methods=Methods().without("every_code"))
    assert "track:scheme:rate" not in names  # switched off: only the built-in keys


def _hs_rows():
    # heading 6907 has a bad record (3 of 3); heading 4408 a clean one; later, two unseen ten-digit codes
    past = [_row(i, 0, 1, hs="6907220010") for i in range(3)] + [_row(3 + i, 0, 0, hs="4408900010") for i in range(3)]
    return from_records([*past, _row(10, 5, -1, hs="6907990090"), _row(11, 5, -1, hs="4408109090")])


def test_an_unseen_code_borrows_its_headings_record_level_by_level():
    table = _hs_rows()
    assert table.cats["hs"][0] == "6907220010"  # ten digits kept
    nested = _column(table, "track:hs:nested_rate")
    assert nested[6] > nested[7]  # unseen both; the risky heading's code ranks higher
    assert nested[6] > _column(table, "history:overall_rate")[6]
    _, names = _features(table, methods=Methods().without("hierarchy"))
    assert "track:hs:nested_rate" not in names and "track:hs2:rate" not in names


def test_a_declared_parent_code_is_smoothed_first():
    rows = [_row(i, 0, 1, region="N", office=f"N{i}") for i in range(3)]
    rows += [_row(3 + i, 0, 0, region="S", office=f"S{i}") for i in range(3)]
    rows += [_row(10, 4, -1, region="N", office="N9"), _row(11, 4, -1, region="S", office="S9")]
    table = from_records(rows, extra=("region",), parents=(("office", "region"),))
    nested = _column(table, "track:office:nested_rate")
    assert nested[6] > nested[7]  # new offices: the risky region's is riskier
    with pytest.raises(MappingError, match="parents"):
        ColumnMapping.from_dict({"id": "a", "date": "b", "fields": {"office": "O"}, "parents": {"office": "nope"}})


def test_fields_the_mapping_lacks_drop_out():
    table = from_records([_row(i, i, i % 2, importer=f"I{i % 3}", hs="690722") for i in range(10)])
    _, names = _features(table)
    assert "track:importer:rate" in names and "track:hs+origin:rate" not in names
    assert not [n for n in names if "seller" in n or "tax_rate" in n or "courier" in n]


def _document_rows():
    return [
        _row(0, 0, 0, document="D1", hs="690722"),
        _row(1, 1, 1, document="D1", hs="440890"),  # a later-dated line of D1: takes the document's date
        _row(2, 0, 0, document="D2", hs="690722"),
        _row(3, 3, 0, document="D3", hs="440890"),
        _row(4, 0, -1, document="D1", hs="690722"),  # a line of D1 whose outcome was not recorded
    ]


def test_lines_of_one_document_share_date_outcome_and_records():
    table = from_records(_document_rows())
    assert table.days.tolist() == [DAY, DAY, DAY, DAY + 3, DAY]
    shared = share_outcomes(table)
    assert shared.fraud.tolist() == [0, 1, 0, 0, 1]  # the unrecorded line takes D1's; recorded ones are kept
    assert _column(table, "document:lines").tolist() == [3, 3, 1, 1, 3]
    worst = _column(table, "document:hs:worst_line")
    nested = _column(table, "track:hs:nested_rate")
    assert worst[0] == worst[1] == max(nested[0], nested[1])
    train_part, valid_part = split_by_date(from_records(_document_rows() * 1), share=0.3)
    assert set(train_part.documents) & set(valid_part.documents) == set()  # no document split
    _, names = _features(table, methods=Methods().without("documents"))
    assert "document:lines" not in names


def test_description_ngrams_have_strictly_past_records():
    rows = [_row(i, 0, 1, description="Counterfeit watches, assorted") for i in range(4)]
    rows += [_row(4 + i, 0, 0, description="Ceramic floor tiles") for i in range(4)]
    rows += [_row(8, 2, -1, description="assorted counterfeit WATCHES"), _row(9, 2, -1, description="floor tiles")]
    rows += [_row(10, 0, 1, description="ceramic tiles")]  # same day as the first rows: unseen by them
    table = from_records(rows)
    best = _column(table, "text:best_rate")
    assert best[8] > best[9] > 0
    assert _column(table, "text:inspected_ngrams")[0] == 0  # nothing before the first day
    future = from_records([*rows, _row(11, 9, 1, description="floor tiles")])
    assert np.array_equal(_features(future.take(np.arange(11)), history_table=future)[0], _features(table)[0])
    _, names = _features(table, methods=Methods().without("text"))
    assert not [n for n in names if n.startswith("text:")]


def _mapped(tmp_path):
    path = tmp_path / "lines.csv"
    rng = np.random.default_rng(7)
    lines = ["ref,doc,date,hs,what,origin,found"]
    for i in range(400):
        bad = rng.random() < 0.3
        words = "replica handbags" if bad and rng.random() < 0.7 else rng.choice(["cotton shirts", "steel bolts"])
        date = f"2024-{1 + i // 40:02d}-{1 + i % 28:02d}"
        lines.append(f"L{i},D{i // 2},{date},{6109100010 + i % 7},{words},CN,{int(bad)}")
    path.write_text("\n".join(lines) + "\n")
    mapping = ColumnMapping.from_dict(
        {
            "id": "ref",
            "date": "date",
            "document": "doc",
            "description": "what",
            "fields": {"hs": "hs", "origin": "origin"},
            "labels": {"fraud": "found"},
        }
    )
    return read_csv(path, mapping)


def test_tuning_picks_the_best_validation_candidate_and_the_artefact_keeps_the_spec(tmp_path):
    table = _mapped(tmp_path)
    assert table.documents is not None and table.descriptions is not None
    history, later = split_by_date(table, share=0.25)
    model = train(history, seed=0)
    tried = model.info["tuning"]
    assert len(tried) == 3
    within = [t for t in tried if t["short_of_best"] <= t["short_of_best_standard_error"]]
    assert model.info["params"]["learning_rate"] == min(within, key=lambda t: t["trees"])["learning_rate"]
    assert model.info["rounds"] == min(t["trees"] for t in within)
    written = card(model, name="fraud", source="test", metrics={})
    assert written.count("- candidate ") == 3 and f"- kept: {model.info['tuning_choice']}" in written
    assert len(train(history, seed=0, methods=Methods().without("tuning")).info["tuning"]) == 1
    again = TrainedModel.from_bytes(model.to_bytes())
    assert again.encoder.features == model.encoder.features
    first, second = score(model, later), score(again, later)
    assert np.array_equal(first.probability, second.probability)
    assert "text:best_rate" in model.names and "document:lines" in model.names
    both = concat([history, later])
    assert len(both) == len(table)


def test_a_model_with_documents_and_text_scores_and_explains_a_lodgement_without_them(tmp_path):
    from safelane.risk.model.explain import _Facts, explain

    model = train(_mapped(tmp_path), seed=0, methods=Methods().without("tuning"))
    alone = from_records([_row(0, 2500, -1, hs="6109100012", origin="CN")])
    assert alone.documents is None and alone.descriptions is None
    matrix = model.matrix(alone)
    assert matrix[0, model.names.index("document:lines")] == 1  # a line on its own is a document of one line
    reasons = explain(model, alone, matrix, top=len(model.names))
    assert all(r.text for r in reasons[0])
    facts = _Facts(model, alone)
    assert facts.sentence("document", 0).startswith("document (none): 1 line")
    assert facts.sentence("text", 0) == "goods description: no wording on record"
    described = from_records([_row(0, 2500, -1, hs="6109100012", description="Replica handbags")])  # after
    sentence = _Facts(model, described).sentence("text", 0)
    assert sentence.startswith("goods description with 'replica") and " of 0 past" not in sentence

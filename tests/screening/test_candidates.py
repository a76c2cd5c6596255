"""Candidate generation: which list names the index hands to the scorer, and that the choice is stable."""

import random
import subprocess
import sys
from pathlib import Path

from followthemoney import model

from safelane.screening import index
from safelane.screening.index import Screener
from safelane.screening.matcher import NameComparer, Query, compare_names
from safelane.screening.names import normalise
from safelane.screening.policy import POSSIBLE


def _person(entity_id: str, name: str):
    entity = model.make_entity("Person")
    entity.id = entity_id
    entity.add("name", name)
    return ("ofac-sdn", entity)


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfgjlnprtvz") + rng.choice("aeiou") for _ in range(3))


def _crowded_list() -> list:
    """Sixteen other Iqbals and a rarer respelt given name ahead of the listed "IQBAL, Muhammad", among
    three hundred unrelated names (so that the parts' weights are those of a real list)."""
    rng = random.Random(18)
    items = [_person(f"filler-{i}", f"{_pseudo_word(rng)} {_pseudo_word(rng)}") for i in range(300)]
    items.append(_person("mukhammad", "MUKHAMMAD, Boris"))
    items += [_person(f"iqbal-{i}", f"IQBAL, {_pseudo_word(rng).title()}") for i in range(16)]
    items.append(_person("target", "IQBAL, Muhammad"))
    return items


def test_a_name_respelt_is_reached_behind_many_equal_votes(monkeypatch):
    query = Query("Iqbal, Moukhammad")
    screener = Screener.from_entities(_crowded_list())
    assert "target" in [h.entity_id for h in screener.screen(query, threshold=POSSIBLE).hits]
    # By votes alone the sixteen other Iqbals fill the places and the listed party is never scored.
    monkeypatch.setattr(index, "CLOSEST", 0)
    by_votes = Screener.from_entities(_crowded_list())
    assert "target" not in [h.entity_id for h in by_votes.screen(query).hits]


def test_one_comparer_for_many_names_scores_as_single_comparisons():
    q = normalise("Akhmad Aiman Iqbal")
    names = ["AHMAD, Ayman", "IQBAL, Muhammad", "A. Iqbal", "Aimanov Ahmadovich", "Ali Hassan", "山田 太郎"]
    forms = [normalise(n) for n in names]
    comparer = NameComparer(q, {"iqbal": 0.5})
    comparer.prepare([t for f in forms for t in f.tokens], [p for f in forms for p in f.phonetic])
    for form in forms:
        assert comparer.compare(form, "Person") == compare_names(q, form, "Person", {"iqbal": 0.5})


def _two_crowds() -> list:
    """Ten Iqbals and ten Zubairs: twenty names with equal votes for "Iqbal Zubair", fifteen places."""
    rng = random.Random(19)
    items = [_person(f"filler-{i}", f"{_pseudo_word(rng)} {_pseudo_word(rng)}") for i in range(300)]
    items += [_person(f"iqbal-{i}", f"IQBAL, {_pseudo_word(rng).title()}") for i in range(10)]
    items += [_person(f"zubair-{i}", f"ZUBAIR, {_pseudo_word(rng).title()}") for i in range(10)]
    return items


_CHOICE = """
import sys
sys.path.insert(0, {tests!r})
from screening.test_candidates import _two_crowds
from safelane.screening.index import Screener
from safelane.screening.names import normalise
print(sorted(Screener.from_entities(_two_crowds()).candidates(normalise("Iqbal Zubair"))))
"""


def test_the_candidates_do_not_depend_on_the_hash_seed():
    tests = str(Path(__file__).parents[1])
    runs = [
        subprocess.run(
            [sys.executable, "-c", _CHOICE.format(tests=tests)],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    ]
    assert runs[0] and all(run == runs[0] for run in runs)

"""A small learned check on a possible hit: is this name pair the listed party or a namesake?

The name score adds up part agreements with hand-set weights; which combinations mark a namesake (two
frequent parts agreeing and a third part on the filing the list never records, every part agreeing only
by a typo, the same trade words in two companies) is better learned from labelled pairs than set by hand.
A logistic regression over features the matcher already computes gives the probability that the hit is
the listed party. A hit it finds unlikely is kept below the alert threshold (still shown to a caller
asking for everything, with the reason); it never raises a score, and identifier and code matches are
never reviewed. The weights ship in `data/pairwise.json`, trained by `benchmarks/train_pairwise.py` on
pairs generated with a training seed distinct from the development and held-out seeds.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from safelane.screening.matcher import Hit
from safelane.screening.names import NameForm, normalise

FEATURES = (
    "score",
    "exact_share",
    "slip_parts",  # parts agreeing by typo, sound, prefix or initial
    "filing_parts_unmatched",
    "list_parts_unmatched",
    "country_agrees",
    "country_differs",
    "legal_form_differs",
    "joined",
    "one_part",
    "min_rarity",
    "organisation",
)


def features(hit: Hit, form: NameForm, rarity: Mapping[str, float]) -> list[float]:
    parts = hit.why.get("name_parts", [])
    hows = [p["how"] for p in parts]
    listed = normalise(hit.matched_name)
    country = str(hit.why.get("country", ""))
    rarities = [rarity.get(p["list"], 1.0) for p in parts] or [1.0]
    return [
        hit.score,
        hows.count("exact") / max(1, len(form.tokens)),
        float(sum(h in ("typo", "sound", "romanised", "prefix", "initial") for h in hows)),
        float(len(hit.why.get("unmatched_parts", []))),
        float(max(0, len(listed.tokens) - len(parts))),
        float(country == "agrees"),
        float(country.startswith("differs")),
        float("legal_form" in hit.why),
        float("joined" in hows),
        float(len(form.tokens) == 1 or len(listed.tokens) == 1),
        min(rarities),
        float(hit.schema != "Person"),
    ]


@dataclass(frozen=True, slots=True)
class PairwiseModel:
    weights: tuple[float, ...]
    bias: float
    below: float  # the score an unlikely hit is held at (just under the alert threshold)
    unlikely: float  # below this probability a hit is held (the cut keeping 99.5 % of training matches)

    def probability(self, values: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def review(self, hit: Hit, form: NameForm, rarity: Mapping[str, float]) -> Hit:
        """The hit, held under the alert threshold when the model finds it unlikely to be the party."""
        if hit.score < self.below or "identifiers" in hit.why or _by_code(hit):
            return hit
        p = self.probability(features(hit, form, rarity))
        if p >= self.unlikely:
            return hit
        why = {**hit.why, "pairwise": f"unlikely the listed party (p={p:.2f}): held under the alert threshold"}
        return replace(hit, score=self.below, why=why)


def _by_code(hit: Hit) -> bool:
    return any(p["how"] == "code" for p in hit.why.get("name_parts", []))


@lru_cache(maxsize=1)
def shipped() -> PairwiseModel:
    """The model shipped in `data/pairwise.json`."""
    return load(json.loads(resources.files("safelane.screening").joinpath("data/pairwise.json").read_text()))


def load(data: Mapping[str, Any]) -> PairwiseModel:
    """A model from the JSON `benchmarks/train_pairwise.py` writes."""
    if list(data["features"]) != list(FEATURES):
        raise ValueError("pairwise.json: its features do not match this version of the matcher")
    weights = tuple(float(w) for w in data["weights"])
    return PairwiseModel(weights, float(data["bias"]), float(data["below"]), float(data["unlikely"]))

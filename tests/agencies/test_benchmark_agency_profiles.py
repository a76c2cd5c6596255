"""The benchmark's generated agency profiles are real profiles: they load, name their agency and its requirement,
and the same seed gives the same set (benchmarks/throughput.py --agencies)."""

import importlib.util
from pathlib import Path

from safelane.risk.profiles import ProfileSet, load_text

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "throughput.py"


def _throughput():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("throughput_benchmark", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_five_agencies_of_fifty_profiles_load_as_agency_rules() -> None:
    texts = _throughput().agency_profile_texts(5, 50, seed=7)
    profiles = [load_text(text) for text in texts]
    assert len(ProfileSet(profiles)) == 250
    by_agency = {p.agency for p in profiles}
    assert by_agency == {"plant_health", "veterinary", "food_safety", "wildlife", "environment"}
    assert all(p.outcome.requirement for p in profiles)
    assert {p.outcome.requirement for p in profiles} >= {"documents", "hold"}


def test_the_same_seed_gives_the_same_profiles() -> None:
    module = _throughput()
    assert module.agency_profile_texts(2, 10, seed=3) == module.agency_profile_texts(2, 10, seed=3)
    assert module.agency_profile_texts(2, 10, seed=3) != module.agency_profile_texts(2, 10, seed=4)

"""Building the system puts its long-lived objects out of the cyclic GC and collects young objects less often."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from safelane.settings import Settings
from safelane.system import YOUNG_COLLECTION_THRESHOLD, build

DEMO_PROFILES = Path(__file__).parents[1] / "src" / "safelane" / "demo" / "profiles"


@pytest.fixture
def default_collector() -> Iterator[None]:
    kept = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*kept)


@pytest.mark.usefixtures("default_collector")
def test_build_freezes_what_it_built_and_raises_the_young_threshold() -> None:
    build(Settings(), store=False, profiles_dir=DEMO_PROFILES)

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, 10, 10)

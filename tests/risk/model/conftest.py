"""Small real samples of the Korea Customs synthetic declarations (MIT; see tests/fixtures/customs-declarations)."""

import pytest

from safelane.risk.model.dataset import read_csv
from safelane.risk.model.mapping import load_mapping
from tests.conftest import FIXTURES

SAMPLES = FIXTURES / "customs-declarations"


@pytest.fixture(scope="session")
def mapping():
    return load_mapping("korea-customs")


@pytest.fixture(scope="session")
def train_table(mapping):
    return read_csv(SAMPLES / "train-sample.csv", mapping)


@pytest.fixture(scope="session")
def test_table(mapping):
    return read_csv(SAMPLES / "test-sample.csv", mapping)


@pytest.fixture(scope="session")
def trained(train_table):
    from safelane.risk.model.train import train

    return train(train_table, seed=0)

"""Property: a mutated valid message gives filings or InvalidMessage, never any other exception."""

import pytest
from hypothesis import HealthCheck, given, settings

from safelane.domain import Filing, InvalidMessage
from safelane.formats import parse
from tests.formats.mutations import SEEDS, mutated, seeds

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes, fmt: str) -> None:
    try:
        filings = parse(data, format=fmt)
    except InvalidMessage as error:
        assert error.problems
        assert all(p.location for p in error.problems)
        return
    assert filings
    assert all(isinstance(f, Filing) for f in filings)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_first_seed_of_each_format_is_valid(fmt):
    assert parse(seeds(fmt)[0], format=fmt)


@SETTINGS
@given(mutated("cargo-xml"))
def test_cargo_xml_mutations(data):
    outcome(data, "cargo-xml")


@SETTINGS
@given(mutated("cargo-imp"))
def test_cargo_imp_mutations(data):
    outcome(data, "cargo-imp")


@SETTINGS
@given(mutated("ffm"))
def test_flight_manifest_mutations(data):
    outcome(data, "ffm")


@SETTINGS
@given(mutated("xffm"))
def test_cargo_xml_flight_manifest_mutations(data):
    outcome(data, "xffm")


@SETTINGS
@given(mutated("cuscar"))
def test_cuscar_mutations(data):
    outcome(data, "cuscar")


@SETTINGS
@given(mutated("wco-dms"))
def test_wco_dms_mutations(data):
    outcome(data, "wco-dms")


@SETTINGS
@given(mutated("ics-ens"))
def test_ics_ens_mutations(data):
    outcome(data, "ics-ens")

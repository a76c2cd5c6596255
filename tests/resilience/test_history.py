"""Scenario traffic calibrated from the store's own history (rate and hourly shape per office and mode)."""

from datetime import UTC, datetime

import orjson
import pytest

from safelane.resilience import history, simulation
from safelane.resilience.scenario import InvalidScenario, parse
from tests.factories import filing, sea_consignment
from tests.resilience.test_simulation import SMALL


def test_a_store_stream_takes_the_rate_and_shape_the_office_received(system, clock):
    filed = [(8, 0), (8, 20), (8, 40), (20, 0)]  # three at 08:00 UTC, one at 20:00, on one day
    for n, (hour, minute) in enumerate(filed):
        clock.now = datetime(2026, 11, 20, hour, minute, tzinfo=UTC)
        data = filing(sea_consignment(house_document=f"H{n}"), kind="pre_arrival", document_number=f"S-{n}")
        system.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
    stream = {"office": "NLRTM", "mode": "sea", "shape": "store", "essential_share": 0.1}
    scenario = parse({**SMALL, "traffic": [stream]})
    assert history.needs_store(scenario)
    calibrated = history.calibrate(scenario, system.db)
    [t] = calibrated.traffic
    assert t.per_hour == pytest.approx(4 / 24)
    assert t.weights is not None and sum(t.weights) == pytest.approx(24)
    assert t.weights[8] == pytest.approx(3 * t.weights[20]) and t.weights[12] == 0
    traffic = simulation.draw(calibrated)
    hours_of_day = ((traffic.arrival % 24) // 1).astype(int)
    assert set(hours_of_day.tolist()) <= {8, 20}  # arrivals only in the hours the office received traffic

    offices = {**SMALL["offices"], "DEHAM": {"lanes": 2}}
    elsewhere = parse({**SMALL, "offices": offices, "traffic": [{**stream, "office": "DEHAM"}]})
    with pytest.raises(InvalidScenario) as error:
        history.calibrate(elsewhere, system.db)
    assert [p.location for p in error.value.problems] == ["traffic[0]"]

"""The resilience dashboard's figures: the forecast simulated once per minute per disruption, the simulator's
real run on the store's history, and a disruption the simulator cannot model said so."""

from datetime import UTC, datetime, timedelta

import orjson

from safelane.resilience import dashboard, forecast
from safelane.resilience.disruption import Declaration
from safelane.scope import Scope
from safelane.store import disruptions as disruption_store
from tests.factories import filing, sea_consignment

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ADMIN = Scope.of("test-admin", "admin")


def _declare(system, scope: dict) -> object:
    with system.db.write() as conn:
        declaration = Declaration.from_dict(
            {"kind": "port_closure", "scope": scope, "starts_at": T0.isoformat(),
             "expected_end": (T0 + timedelta(hours=12)).isoformat()},
            now=T0,
        )  # fmt: skip
        return disruption_store.declare(conn, declaration, at=T0, actor="sam")


def test_forecast_is_simulated_once_a_minute(system, clock) -> None:
    for n in range(4):
        clock.now = T0 - timedelta(days=2, hours=-n * 5)
        body = filing(sea_consignment(house_document=f"HBL-F{n}"), document_number=f"F-{n}", kind="declaration")
        system.pipeline.submit_message(orjson.dumps(body), filer="ACME", actor="ACME-user")
    disruption = _declare(system, {"offices": ["NLRTM"], "modes": ["sea"]})
    runs = []

    def counted(db, d, *, now):
        runs.append(now)
        return forecast.forecast(db, d, now=now)

    forecasts = dashboard.Forecasts(system.db, counted)
    first = forecasts(disruption, T0 + timedelta(hours=1, seconds=5))
    assert first["unavailable"] is None and [p["name"] for p in first["plans"]] == ["FIFO", "the plan declared"]
    assert first["consignments"] > 0 and first["office"] == "NLRTM"
    assert forecasts(disruption, T0 + timedelta(hours=1, seconds=50)) is first
    assert len(runs) == 1
    forecasts(disruption, T0 + timedelta(hours=1, minutes=1))
    assert len(runs) == 2

    figures = dashboard.figures(system.db, ADMIN, now=T0 + timedelta(hours=1), forecasts=forecasts)
    assert [d["disruption_id"] for d in figures["disruptions"]] == [disruption.disruption_id]
    assert figures["release_times"]["since"] == T0  # now: since the disruption started; baseline: 30 days before
    assert figures["release_times"]["baseline_since"] == T0 - timedelta(days=30)
    baseline = next(r for r in figures["release_times"]["rows"] if r["mode"] == "all")["baseline"]
    assert baseline["consignments"] == 4


def test_a_disruption_without_an_office_has_no_forecast(system) -> None:
    disruption = _declare(system, {"modes": ["sea"]})
    found = forecast.forecast(system.db, disruption, now=T0)
    assert "names no office" in found["unavailable"]
    nowhere = _declare(system, {"offices": ["XXNOP"]})
    assert "holds no" in forecast.forecast(system.db, nowhere, now=T0)["unavailable"]

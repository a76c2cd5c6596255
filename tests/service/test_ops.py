"""For operators: /healthz, /metrics, OpenAPI, one JSON log line per request, and 500s that do not stop the server."""

import os

import orjson
from fastapi.testclient import TestClient

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.system import build
from tests.factories import air_consignment, filing


def log_lines(text: str) -> list[dict]:
    return [orjson.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_healthz_needs_no_key(api):
    response = api.client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["notes"], body["audit"]["status"]) == ("ok", ["no watch lists loaded"], "ok")


def test_healthz_notes_an_empty_store(tmp_path):
    system = build(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    with TestClient(create_app(system)) as client:
        response = client.get("/healthz")
    assert system.db is not None
    system.db.dispose()
    body = response.json()
    assert (body["status"], body["notes"]) == ("ok", ["no watch lists loaded", "no active profiles"])


def test_healthz_is_503_when_the_database_cannot_be_read(tmp_path):
    path = tmp_path / "gone.db"
    system = build(Settings(database_url=f"sqlite:///{path}"))
    assert system.db is not None
    client = TestClient(create_app(system))
    assert client.get("/healthz").status_code == 200
    system.db.dispose()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    response = client.get("/healthz")  # SQLite opens a new, empty file: safelane's tables are not there
    system.db.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_metrics_count_filings_decisions_and_requests(api):
    api.accepted("acme", filing(air_consignment(consignee__name="Falcon Star General Trading")))
    api.submit("acme", b"{")
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'safelane_filings_received_total{format="json",status="accepted"} 1.0' in text
    assert 'safelane_filings_received_total{format="json",status="rejected"} 1.0' in text
    assert 'safelane_decisions_total{answer="referral",outcome="RFS"} 1.0' in text
    assert 'safelane_http_request_duration_seconds_count{method="POST",route="/v1/filings",status="201"} 1.0' in text


def test_each_app_has_its_own_metrics(api):
    api.accepted("acme", filing())
    other = TestClient(create_app(api.system))
    assert "safelane_filings_received_total{" not in other.get("/metrics").text


def test_openapi_and_docs_are_served(api):
    schema = api.client.get("/openapi.json").json()
    assert {
        "/v1/filings",
        "/v1/filings/{filing_id}/amendments",
        "/v1/decisions/{decision_id}/{action}",
        "/v1/consignments/{consignment_id}",
        "/healthz",
        "/metrics",
    } <= set(schema["paths"])
    assert "text/csv" in schema["paths"]["/v1/filings"]["post"]["requestBody"]["content"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schema["components"]["securitySchemes"])
    docs = api.client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_docs_pages_need_no_internet(api):
    """Every script and stylesheet the docs pages load is served by safelane itself."""
    import re

    for page in ("/docs", "/redoc"):
        html = api.client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: ?'([^']+)'", html)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            assert api.client.get(asset).status_code == 200, asset


def test_one_json_log_line_per_request_without_secrets(api, capsys):
    capsys.readouterr()
    api.client.get("/v1/filings?limit=3", headers=api.as_("acme"))
    api.client.get("/v1/filings", headers={"X-API-Key": "sl_wrong"})
    lines = log_lines(capsys.readouterr().err)
    assert len(lines) == 2
    ok, denied = lines
    assert {k: ok[k] for k in ("method", "path", "route", "status", "actor")} == {
        "method": "GET",
        "path": "/v1/filings",
        "route": "/v1/filings",
        "status": 200,
        "actor": "acme",
    }
    assert ok["duration_ms"] >= 0
    assert ok["ts"].endswith("+00:00")
    assert ok["request_id"]
    assert (denied["status"], denied["actor"]) == (401, None)
    assert api.keys["acme"] not in str(lines)
    assert "sl_wrong" not in str(lines)


def test_an_unexpected_error_is_a_500_with_problems_and_the_server_goes_on(api, capsys):
    def broken() -> None:
        raise RuntimeError("a bug")

    api.client.app.add_api_route("/v1/broken", broken)
    capsys.readouterr()
    response = api.client.get("/v1/broken")
    assert response.status_code == 500
    body = response.json()
    assert body["problems"][0]["code"] == "internal_error"
    assert "a bug" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]
    [line] = log_lines(capsys.readouterr().err)
    assert (line["status"], line["error"], line["level"]) == (500, "RuntimeError", "error")
    assert "a bug" in line["traceback"]
    assert line["request_id"] == body["request_id"]
    assert api.client.get("/healthz").status_code == 200

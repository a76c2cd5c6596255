"""Browser protection on every answer (the OpenAPI pages too), HSTS behind TLS, and a deadline on slow bodies."""

import base64
import hashlib
import re
import socket
import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from safelane.service.app import create_app
from safelane.settings import Settings
from safelane.store import users as user_store
from safelane.system import build
from tests.service.served import served


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'safelane.db'}", hsts_seconds=31_536_000, body_seconds=1.0)


@pytest.fixture
def client(settings):
    system = build(settings)
    with TestClient(create_app(system), base_url="https://testserver") as test_client:
        yield test_client
    assert system.db is not None
    system.db.dispose()


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_openapi_pages_cannot_be_framed(client, path):
    assert "frame-ancestors 'none'" in client.get(path).headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_openapi_pages_run_only_their_own_start_up_script(client, path):
    page = client.get(path)
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    allowed = set(re.search(r"script-src ([^;]+)", page.headers["content-security-policy"]).group(1).split())
    assert allowed == {"'self'", *hashes}


def test_api_answers_are_not_sniffed_or_framed(client):
    response = client.get("/healthz")
    assert (response.headers["x-content-type-options"], response.headers["x-frame-options"]) == ("nosniff", "DENY")


def test_hsts_is_sent_over_tls_when_configured(client):
    assert client.get("/healthz").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_not_sent_over_plain_http(client):
    assert "strict-transport-security" not in client.get("http://testserver/healthz").headers


def test_a_body_trickled_a_byte_at_a_time_is_cut_off_with_408(settings):
    system = build(settings)
    assert system.db is not None
    with system.db.write() as conn:
        key = user_store.add(conn, "acme", "filer", at=datetime(2026, 11, 20, tzinfo=UTC), filer="ACME")
    with (
        served(create_app(system)) as url,
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30) as sock,
    ):
        sock.sendall(
            f"POST /v1/filings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n".encode()
        )
        answer = b""
        for _ in range(100):  # a byte every 0.1 s would take 100 s; the server gives up after 1 s
            try:
                sock.sendall(b" ")
            except OSError:
                break
            time.sleep(0.1)
            sock.setblocking(False)
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
            if b"\r\n\r\n" in answer:
                break
    system.db.dispose()
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 408 Request Timeout"

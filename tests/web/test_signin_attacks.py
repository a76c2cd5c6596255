"""Sign-in under attack: concurrent guesses, a stranger locking an officer out, guesses sprayed over names,
a forged sign-in form (login CSRF)."""

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from fastapi.testclient import TestClient

from safelane.service.web.signin import MAX_ADDRESS_FAILURES, MAX_FAILURES
from safelane.store.schema import audit_events, web_sessions
from tests.web.conftest import PASSWORD, Bench, sign_in


def _from(bench: Bench, address: str) -> TestClient:
    client = TestClient(bench.app, follow_redirects=False, client=(address, 50000))
    bench.clients.append(client)
    return client


def _token(client: TestClient) -> str:
    return client.get("/signin").text.split('name="csrf" value="')[1].split('"')[0]


def _password_checks(bench: Bench) -> int:
    """Refusals after a real password check (the others were refused before checking)."""
    with bench.db.read() as conn:
        rows = conn.execute(
            sa.select(audit_events.c.detail).where(audit_events.c.action == "workbench.signin_refused")
        ).scalars()
        return sum(1 for detail in rows if detail["reason"] == "credential")


def test_sixty_concurrent_wrong_passwords_get_five_real_checks(bench: Bench) -> None:
    client = _from(bench, "192.0.2.7")
    guess = {"name": "olga", "password": "guess guess", "csrf": _token(client)}  # one form, posted 60 times at once
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda _: client.post("/signin", data=guess).status_code, range(60)))
    assert (_password_checks(bench), statuses.count(401), statuses.count(429)) == (MAX_FAILURES, 5, 55)


def test_a_stranger_cannot_lock_an_officer_out_from_elsewhere(bench: Bench) -> None:
    stranger = _from(bench, "192.0.2.66")
    for _ in range(MAX_FAILURES + 1):
        sign_in(stranger, {"name": "olga", "password": "guess guess"})
    assert sign_in(_from(bench, "198.51.100.4"), {"name": "olga", "password": PASSWORD}).status_code == 303


def test_one_address_spraying_guesses_over_names_is_stopped(bench: Bench) -> None:
    sprayer = _from(bench, "192.0.2.99")
    for i in range(MAX_ADDRESS_FAILURES):
        sign_in(sprayer, {"name": f"guess{i}", "password": "guess guess"})
    assert sign_in(sprayer, {"name": "sam", "password": PASSWORD}).status_code == 429


def test_a_sign_in_form_from_another_site_signs_nobody_in(bench: Bench) -> None:
    forged = bench.anonymous().post("/signin", data={"name": "olga", "password": PASSWORD})
    with bench.db.read() as conn:
        sessions = conn.execute(sa.select(sa.func.count()).select_from(web_sessions)).scalar_one()
    assert (forged.status_code, sessions) == (403, 0)


def test_a_token_without_its_cookie_is_refused(bench: Bench) -> None:
    csrf = _token(bench.anonymous())  # the attacker's own form and token, posted from another browser
    forged = bench.anonymous().post("/signin", data={"name": "olga", "password": PASSWORD, "csrf": csrf})
    assert forged.status_code == 403

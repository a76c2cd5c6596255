"""Sign-in: officers in, everyone else out; every page needs a session; forms need the session's token."""

import sqlalchemy as sa

from safelane.store.schema import audit_events, web_sessions
from tests.web.conftest import PASSWORD, Bench, sign_in


def test_pages_redirect_to_signin_and_back(bench: Bench) -> None:
    client = bench.anonymous()
    response = client.get("/queue?mode=air")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/queue%3Fmode%3Dair"
    signed = sign_in(client, {"name": "olga", "password": PASSWORD, "next": "/queue?mode=air"})
    assert signed.status_code == 303
    assert signed.headers["location"] == "/queue?mode=air"
    assert "httponly" in signed.headers["set-cookie"].lower()
    assert "samesite=strict" in signed.headers["set-cookie"].lower()


def test_wrong_password_and_unknown_name_get_the_same_answer(bench: Bench) -> None:
    client = bench.anonymous()
    wrong = sign_in(client, {"name": "olga", "password": "not it at all"})
    unknown = sign_in(client, {"name": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert "Unknown name or wrong password." in wrong.text
    assert "Unknown name or wrong password." in unknown.text
    with bench.db.read() as conn:
        refused = conn.execute(
            sa.select(sa.func.count())
            .select_from(audit_events)
            .where(audit_events.c.action == "workbench.signin_refused")
        ).scalar_one()
    assert refused == 2


def test_a_filer_cannot_open_the_workbench(bench: Bench) -> None:
    client = bench.anonymous()
    response = sign_in(client, {"name": "acme", "password": PASSWORD})
    assert response.status_code == 403
    assert "for customs and border agency officers" in response.text
    assert "safelane_session" not in response.headers.get("set-cookie", "")
    assert client.get("/queue").status_code == 303  # still not signed in
    with bench.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_sessions)).scalar_one() == 0


def test_the_next_target_stays_on_this_site(bench: Bench) -> None:
    client = bench.anonymous()
    for elsewhere in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/"):
        response = sign_in(bench.anonymous(), {"name": "olga", "password": PASSWORD, "next": elsewhere})
        assert response.headers["location"] == "/queue", elsewhere
    kept = sign_in(client, {"name": "olga", "password": PASSWORD, "next": "/dashboard?office=NLRTM"})
    assert kept.headers["location"] == "/dashboard?office=NLRTM"


def test_signout_ends_the_session_in_the_store(bench: Bench) -> None:
    client = bench.client("olga")
    cookie = client.cookies.get("safelane_session")
    assert cookie
    assert bench.post(client, "/signout").status_code == 303
    assert client.get("/queue").status_code == 303
    replay = bench.anonymous()
    replay.cookies.set("safelane_session", cookie)
    assert replay.get("/queue").status_code == 303  # the old token no longer opens anything


def test_a_form_without_the_session_token_is_refused(bench: Bench) -> None:
    client = bench.client("olga")
    response = client.post("/signout", data={"csrf": "forged"})
    assert response.status_code == 403
    assert "did not come from the workbench" in response.text
    assert client.get("/signin").status_code == 200


def test_pages_allow_nothing_but_this_server(bench: Bench) -> None:
    response = bench.anonymous().get("/signin")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert response.headers["cache-control"] == "no-store"


def test_a_name_waits_after_five_wrong_passwords(bench: Bench) -> None:
    client = bench.anonymous()
    for _ in range(5):
        assert sign_in(client, {"name": "olga", "password": "guess guess"}).status_code == 401
    locked = sign_in(client, {"name": "olga", "password": PASSWORD})  # even the right one, for now
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "safelane_session" not in locked.headers.get("set-cookie", "")
    assert sign_in(bench.anonymous(), {"name": "sam", "password": PASSWORD}).status_code == 303

"""The trader view in a browser: a trader user signs in with its password and sees its own operator's
consignments, decisions and compliance figures at /trader, and nothing of anyone else; every workbench page
refuses it, and officers are refused its view. On both engines, templates with StrictUndefined."""

import re
from datetime import UTC, datetime
from typing import Any

from safelane.domain import Filing
from safelane.service import web
from safelane.store import traders as trader_store
from safelane.store import users as user_store
from safelane.traders.importing import read
from tests.factories import air_consignment, filing, sea_consignment
from tests.traders.conftest import IMPORTER
from tests.web.conftest import PASSWORD, Bench, bench, sign_in  # noqa: F401  (the workbench fixture)

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
FRUIT_CONSIGNEE = {
    "name": "Fresh Fruit Import BV",
    "address": {"city": "Rotterdam", "country": "NL"},
    "identifiers": [{"scheme": "EORI", "value": "NL100200300"}],
}


def _setup(bench: Bench, register_text: str) -> dict[str, Any]:  # noqa: F811
    """The register, trader users for Northwind and the fruit importer, and one consignment of each plus one of
    nobody's, filed after the keys were made."""
    system = bench.system
    system.pipeline.clock = lambda: NOW
    text = register_text.replace(register_text.splitlines()[2] + "\n", IMPORTER)
    with bench.db.write() as conn:
        trader_store.import_rows(conn, read(text), actor="test", at=NOW, source="register.csv")
        ids = {o.name: o.operator_id for o in trader_store.everyone(conn)}
        for name, operator in (("northwind", "Northwind Retail GmbH"), ("fruit", "Fresh Fruit Import BV")):
            user_store.add(conn, name, "trader", at=NOW, operator_id=ids[operator], actor="test")
            user_store.set_password(conn, name, PASSWORD, at=NOW, actor="test")
    filed = {}
    for who, consignment in (
        ("northwind", air_consignment(house_document="HAWB-NORTHWIND")),
        ("fruit", sea_consignment(consignee=FRUIT_CONSIGNEE, house_document="HBL-FRUIT")),
        ("nobody", sea_consignment(house_document="HBL-NOBODY-SECRET")),
    ):
        body = filing(consignment, document_number=f"DOC-{who}", filer="ACME", kind="pre_arrival")
        result = system.pipeline.submit([Filing.model_validate(body)], actor="test")[0].consignments[0]
        filed[who] = result.consignment_id
    return filed


def test_a_trader_signs_in_to_its_own_view_and_sees_nothing_else(bench: Bench, register_text: str) -> None:  # noqa: F811
    filed = _setup(bench, register_text)
    client = bench.anonymous()
    signed = sign_in(client, {"name": "northwind", "password": PASSWORD, "next": "/queue"})
    assert signed.status_code == 303
    assert signed.headers["location"] == "/trader"  # never a workbench page
    page = client.get("/trader")
    assert page.status_code == 200, page.text
    assert "Northwind Retail GmbH" in page.text
    assert "HAWB-NORTHWIND" in page.text
    for marker in ("HBL-FRUIT", "Fresh Fruit", "HBL-NOBODY-SECRET", filed["fruit"], filed["nobody"]):
        assert marker not in page.text
    fruit = bench.anonymous()
    assert sign_in(fruit, {"name": "fruit", "password": PASSWORD}).status_code == 303
    theirs = fruit.get("/trader").text
    assert "HBL-FRUIT" in theirs and "HAWB-NORTHWIND" not in theirs and "Northwind" not in theirs
    # sign-out works for a trader (its own form token)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    assert client.post("/signout", data={"csrf": token.group(1)}).status_code == 303
    assert client.get("/trader").status_code == 303  # signed out: back to the sign-in form


def test_every_workbench_page_refuses_a_trader_and_the_trader_view_refuses_officers(
    bench: Bench,  # noqa: F811
    register_text: str,
) -> None:
    filed = _setup(bench, register_text)
    client = bench.anonymous()
    assert sign_in(client, {"name": "northwind", "password": PASSWORD}).status_code == 303
    values = {"consignment_id": filed["northwind"], "operator_id": "O-any", "profile_id": "P-any", "office": "NLRTM"}
    checked = 0
    for module in web.PAGES:
        for route in module.router.routes:
            path: str = route.path  # type: ignore[attr-defined]
            if "GET" not in route.methods or path in ("/signin", "/trader"):  # type: ignore[attr-defined]
                continue
            url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m.group(1), "X-any"), path)
            response = client.get(url)
            assert response.status_code == 403, f"{url}: {response.status_code}"
            for marker in ("HAWB-NORTHWIND", "HBL-FRUIT", "HBL-NOBODY-SECRET"):
                assert marker not in response.text, url
            checked += 1
    assert checked > 10
    for officer in ("olga", "sam"):
        assert bench.client(officer).get("/trader").status_code == 403
    assert bench.anonymous().get("/trader").status_code == 303

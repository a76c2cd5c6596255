"""Stream mode decides exactly as the single process: a seeded day of a few hundred consignments through
`serve --stream` and two workers on PostgreSQL gets the same outcome, selection, inspection and finding codes
per consignment as one in-process pipeline on another schema, with the same profiles, office settings and
sample key. Capacity is left unlimited on purpose: under a limit, which consignments get the last places
depends on how filings fall into batches (highest score first within a batch), and batching differs with the
number of workers and their timing; the random sample and exploration draws are keyed per consignment (HMAC of
its id), so they do not depend on order or process."""

import random
from datetime import UTC, datetime

import httpx
import orjson
import sqlalchemy as sa

from safelane.selection import OfficeSettings
from safelane.settings import Settings
from safelane.store import offices as office_store
from safelane.store import profiles as profile_store
from safelane.store.schema import decisions, receipts
from safelane.system import build
from tests.conftest import DEMO_PROFILES
from tests.factories import air_consignment, filing, sea_consignment
from tests.stream.processes import SAMPLE_KEY, WAIT, Store
from tests.stream.processes import start as _start
from tests.stream.processes import stop as _stop
from tests.stream.processes import until as _until
from tests.stream.test_stream_mode import api, pytestmark, store  # noqa: F401 - fixtures and skip marks

FILINGS, SEED = 150, 17
_AT = datetime(2026, 11, 20, tzinfo=UTC)
HS = ("610910", "611020", "080390", "940360", "851713", "030617", "392690", "871200")
ORIGINS = ("CN", "EC", "VN", "TR", "IN", "US")


def _day(seed: int) -> list[dict]:
    """A seeded day: sea and air filings of one or two consignments, varied goods, origins and values."""
    rng = random.Random(seed)
    made = []
    for i in range(FILINGS):
        consignments = []
        make = rng.choice((sea_consignment, air_consignment))
        for j in range(rng.choice((1, 1, 2))):
            ref = {"master_document": f"M{i}X{j}"} if make is sea_consignment else {"house_document": f"H{i}X{j}"}
            consignments.append(
                make(
                    **ref,
                    goods__0__hs_code=rng.choice(HS),
                    goods__0__value={"amount": rng.randrange(500, 200_000), "currency": "USD"},
                    **({"goods__0__origin_country": rng.choice(ORIGINS)} if rng.random() < 0.5 else {}),
                )
            )
        made.append(filing(*consignments, document_number=f"DAY-{i}"))
    return made


def _prepare(url: str) -> None:
    """The same profiles and office settings in each store (a 20 % random sample: the draws must agree)."""
    system = build(Settings(database_url=url, sample_key=SAMPLE_KEY.encode()))
    with system.db.write() as conn:
        for path in sorted(DEMO_PROFILES.glob("*.yaml")):
            profile_store.save(conn, path.read_text(), actor="test", at=_AT, origin=path.name, activate=True)
        office_store.set(conn, OfficeSettings("*", {}, random_rate=0.2, explore_rate=0.0), at=_AT, actor="test")
    system.db.dispose()


def _decisions(db: Store) -> dict[str, tuple]:
    with db.admin.connect() as conn:
        conn.exec_driver_sql(f"SET search_path TO {db.schema}")
        rows = conn.execute(sa.select(decisions).where(decisions.c.current.is_(True))).mappings().all()
    return {
        r["consignment_id"]: (
            r["outcome"],
            r["selection"],
            r["inspection"],
            tuple(sorted(f["code"] for f in r["reasons"])),
        )
        for r in rows
    }


def test_stream_mode_gives_the_single_process_decisions(store, api):  # noqa: F811 - fixtures
    day = _day(SEED)
    single = Store()
    try:
        _prepare(store.url)
        _prepare(single.url)
        alone = build(Settings(database_url=single.url, sample_key=SAMPLE_KEY.encode()))
        for data in day:
            [result] = alone.pipeline.submit_message(orjson.dumps(data), filer="ACME", actor="acme")
            assert result.status == "accepted", result.problems
        alone.db.dispose()

        headers = {"Authorization": f"Bearer {store.key}"}
        for data in day:
            posted = httpx.post(f"{api}/v1/filings", content=orjson.dumps(data), headers=headers, timeout=WAIT)
            assert posted.status_code == 202, posted.text
        workers = [_start(store, "worker", "--batch", "20") for _ in range(2)]
        try:
            _until(lambda: store.count(receipts) == len(day), "every filing is decided")
        finally:
            for worker in workers:
                _stop(worker)
        expected, got = _decisions(single), _decisions(store)
        assert len(expected) > FILINGS
        assert {v[1] for v in expected.values()} >= {"random"}  # the sample drew some: the comparison means it
        assert got == expected
    finally:
        single.drop()

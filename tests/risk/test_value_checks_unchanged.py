"""The e-commerce and valuation assessors give exactly the findings (and splitting index rows) recorded in
tests/risk/golden/value_checks.json before they were made faster (issue 16): every message fixture the parsers
accept, a generated demo day and a generated e-commerce day, judged against a history of two generated days.

A change meant to alter what the checks find regenerates the file, and the diff shows what changed:

    SAFELANE_WRITE_GOLDEN=1 pytest tests/risk/test_value_checks_unchanged.py
"""

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import orjson
import sqlalchemy as sa

from safelane import formats
from safelane.demo import filings_of, generate
from safelane.demo.ecommerce import parcel_day
from safelane.domain import Filing, InvalidMessage, Lodgement
from safelane.ids import consignment_id
from safelane.risk.ecommerce.assessor import EcommerceAssessor, stored_window
from safelane.risk.ecommerce.tables import load
from safelane.risk.valuation import ValuationAssessor, ValuationPolicy, declared_of
from safelane.risk.value_distribution import Sketch, bucket
from safelane.risk.value_history import ANY_ORIGIN, Key
from safelane.store import Database
from safelane.store.schema import ecommerce_parcels
from tests.conftest import FIXTURES

GOLDEN = Path(__file__).parent / "golden" / "value_checks.json"
DAY = date(2026, 11, 20)
FILED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # for a fixture that names no filing time
BATCH = 250


def _lodgements(filings: list[Filing]) -> list[Lodgement]:
    found = []
    for filing in filings:
        filer = filing.filer or "GOLDEN"
        for c in filing.consignments:
            found.append(
                Lodgement(
                    consignment_id(filer, filing.document_number, c.reference),
                    c,
                    filing.filing_kind,
                    filer,
                    filing.filed_at or FILED,
                    filing.document_number,
                    filing.version,
                    filing.message_type,
                )
            )
    return found


def _fixtures() -> list[Lodgement]:
    filings: list[Filing] = []
    folder = FIXTURES / "messages"
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "LICENSES" not in p.parts and p.suffix != ".md"):
        try:
            filings += formats.parse(path.read_bytes(), filer="ACME")
        except InvalidMessage:
            continue  # a deliberately invalid sample or a response message
    return _lodgements(filings)


def _parcels(day: date, count: int, seed: int) -> list[Lodgement]:
    filings: list[Filing] = []
    for data in parcel_day(day, count, seed).filings:
        filings += formats.parse(orjson.dumps(data), filer="SHOP")
    return _lodgements(filings)


def _history(lodgements: list[Lodgement]) -> dict[Key, Sketch]:
    """The distributions a store holding these lodgements gives (as `ValueHistory` counts a row)."""
    sketches: dict[Key, Sketch] = {}
    for lo in lodgements:
        for item in lo.consignment.goods:
            found = declared_of(item, lo.consignment.consignor, lo.filed_at.date())
            if found is None:
                continue
            for measure, value in found.per.items():
                origins = (ANY_ORIGIN, found.origin) if found.origin else (ANY_ORIGIN,)
                for origin in origins:
                    sketches.setdefault((measure, found.hs6, origin), Sketch()).add(bucket(value))
    return sketches


def _judged(tmp_path: Path) -> dict[str, object]:
    earlier = _lodgements(filings_of(generate(DAY - timedelta(days=1), 3000, seed=11)))
    earlier += _parcels(DAY - timedelta(days=2), 3000, seed=12)
    today = _fixtures() + _lodgements(filings_of(generate(DAY, 1500, seed=7))) + _parcels(DAY, 1500, seed=3)
    sketches = _history(earlier)
    valuation = ValuationAssessor(lambda: sketches, ValuationPolicy(min_history=10), lambda: "golden history")
    db = Database(f"sqlite:///{tmp_path / 'golden.db'}")
    db.migrate()
    ecommerce = EcommerceAssessor(load(), stored_window(db))
    findings: list[list[object]] = []
    try:
        for start in range(0, len(today), BATCH):
            batch = today[start : start + BATCH]
            for assessor in (valuation, ecommerce):
                for lo, found in zip(batch, assessor.assess(batch), strict=True):
                    findings += [[lo.consignment_id, f.as_dict()] for f in found]
            with db.write() as conn:
                ecommerce.record(conn, [SimpleNamespace(lodgement=lo) for lo in batch])  # type: ignore[misc]
        with db.read() as conn:
            index = [list(row) for row in conn.execute(sa.select(ecommerce_parcels).order_by(*ecommerce_parcels.c))]
    finally:
        db.dispose()
    return {"lodgements": len(today), "findings": findings, "index": index}


def test_the_findings_and_the_index_are_those_recorded(tmp_path: Path) -> None:
    judged = orjson.loads(orjson.dumps(_judged(tmp_path), default=str))
    if os.environ.get("SAFELANE_WRITE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(orjson.dumps(judged, option=orjson.OPT_INDENT_2) + b"\n")
    golden = orjson.loads(GOLDEN.read_bytes())
    codes = {f[1]["code"].split(":")[0] for f in golden["findings"]}
    assert {"valuation", "ECOM-SPLIT", "ECOM-UNDERVALUED"} <= codes  # the file exercises what it guards
    assert judged["lodgements"] == golden["lodgements"]
    assert judged["index"] == golden["index"]
    assert judged["findings"] == golden["findings"]

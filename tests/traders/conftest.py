"""A small register file: a home AEOS with an EORI, a home AEOF known by name only, a C-TPAT member (MRA),
a Japanese AEO, and an AEOC suspended on 2026-11-15."""

from datetime import UTC, datetime

import pytest

from safelane.selection.capacity import OfficeSettings
from safelane.store import offices as office_store
from safelane.store import traders as trader_store
from safelane.traders.importing import read

REGISTER = "".join(
    [
        (
            "name,country,street,city,postcode,eori,tin,aeo,ctpat,mid,iata,icao,programme,type,number,"
            "administration,status,effective,valid_from,valid_to,conditions,reason\n"
        ),
        (
            "Northwind Retail GmbH,DE,Hafenstrasse 3,Hamburg,20457,DE123456789012345,,DEAEOS123,,,,,"
            "EU-AEO,AEOS,AEOS-123,DE,certified,2021-03-01,,,,audit passed\n"
        ),
        (
            "Fresh Fruit Import BV,NL,,Rotterdam,,,,,,,,,EU-AEO,AEOF,NLAEOF0042,NL,certified,"
            "2020-06-01,,,,audit passed\n"
        ),
        (
            "Acme Freight Inc,US,,Chicago,,,,,CTPAT778899,,,,US-CTPAT,TIER3,CTPAT778899,US,certified,"
            "2019-01-15,,,,C-TPAT validated\n"
        ),
        ("Sakura Boeki KK,JP,,Osaka,,,,,,,,,JP-AEO,AEO,JP-AEO-55,JP,certified,2018-04-01,,,,AEO approved\n"),
        (
            "Hanse Customs Brokers GmbH,DE,,Bremen,,DE998877665544332,,,,,,,EU-AEO,AEOC,AEOC-77,DE,"
            "certified,2022-01-10,,,,audit passed\n"
        ),
        (
            "Hanse Customs Brokers GmbH,DE,,Bremen,,DE998877665544332,,,,,,,EU-AEO,AEOC,AEOC-77,DE,"
            "suspended,2026-11-15,,,,irregularities found in a post-clearance audit\n"
        ),
    ]
)

FILED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def register_text() -> str:
    return REGISTER


IMPORTER = (
    "Fresh Fruit Import BV,NL,,Rotterdam,,NL100200300,,,,,,,EU-AEO,AEOF,NLAEOF0042,NL,certified,2020-06-01,,,,"
    "audit passed\n"
)


@pytest.fixture
def traders(system, clock):
    """The system with the test register (the importer known by EORI) and a 1 % random sample by default."""
    text = REGISTER.replace(REGISTER.splitlines()[2] + "\n", IMPORTER)
    registered(system, read(text), at=clock.now, random_rate=0.01)
    return system


def registered(system, rows, *, at, random_rate: float, source: str = "register.csv") -> None:
    """Import the register rows and set every office's random sample rate, as an administrator would."""
    with system.db.write() as conn:
        trader_store.import_rows(conn, rows, actor="test", at=at, source=source)
        office_store.set(conn, OfficeSettings("*", {}, random_rate=random_rate), at=at, actor="test")
    system.pipeline.offices_changed()

"""The facilitation assessor's findings, byte for byte, over every parser fixture and a generated demo day.

The register holds the demo's traders (one suspended on the day) and an operator for every party of the fixtures
(by identifier when it quotes one, else by name), over home and partner programmes, certified, suspended, revoked
and expired, so every kind of finding is produced. The findings are compared with the committed golden file,
on a cold and on a warm pass, in batches of several sizes: making the assessor faster must not change one byte.
Regenerate (only for an intended change of the findings) with SAFELANE_UPDATE_GOLDEN=1.
"""

import os
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from safelane.demo import generate
from safelane.demo import traders as demo_traders
from safelane.domain.consignment import PARTY_ROLES
from safelane.formats import native, parse
from safelane.traders.facilitation import TRADERS
from safelane.traders.importing import Row
from tests.traders.conftest import registered

FIXTURES = Path(__file__).parents[1] / "fixtures" / "messages"
GOLDEN = Path(__file__).parent / "golden" / "facilitation.jsonl"
DAY = date(2026, 11, 20)
RECEIVED = datetime(2026, 11, 20, 12, tzinfo=UTC)
PROGRAMMES = (
    ("EU-AEO", "AEOS"),
    ("EU-AEO", "AEOF"),
    ("EU-AEO", "AEOC"),
    ("US-CTPAT", "TIER3"),
    ("JP-AEO", "AEO"),
    ("US-CTPAT", "TIER1"),  # a type the arrangement does not recognise
)
STATUSES = ("certified", "certified", "certified", "suspended", "revoked", "expired")


def _fixture_filings() -> list:
    filings = []
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".md", "")):
        try:
            filings += [(str(path.relative_to(FIXTURES)), f) for f in parse(path.read_bytes())]
        except Exception:  # fixtures of refused messages are the parsers' tests, not these
            continue
    return filings


def _party_rows(parties: list) -> list[Row]:
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for party in parties:
        country = party.country_code
        key = (party.name, country)  # one operator per name there: ties between namesakes go by generated ids
        if country is None or not party.name or key in seen:
            continue
        seen.add(key)
        index = len(seen)
        programme, type_ = PROGRAMMES[index % len(PROGRAMMES)]
        status = STATUSES[index % len(STATUSES)]
        address = party.address
        base = dict(
            line=len(rows) + 2,
            name=party.name,
            country=country,
            street=address.street if address else None,
            city=address.city if address else None,
            postcode=address.postcode if address else None,
            identifiers=tuple((i.scheme if i.scheme in ("EORI", "TIN", "AEO", "MID") else "TIN", i.value)
                              for i in party.identifiers),
            programme=programme,
            type=type_,
            number=f"G{index:04d}",
            administration=country,
            effective=date(2020, 1 + index % 12, 1),
            valid_from=date(2020, 1, 1),
            valid_to=date(2025, 1, 1) if status == "expired" else None,
            conditions=None,
            reason="golden register",
        )  # fmt: skip
        rows.append(Row(status="certified", **base))
        if status in ("suspended", "revoked"):
            rows.append(Row(status=status, **{**base, "line": len(rows) + 2, "effective": date(2024, 5, 1)}))
    return rows


def _findings(assessor, lodgements, size: int) -> list:
    """Each consignment's findings, the register's generated ids replaced by what they name (they differ per run)."""
    register = assessor.register()
    names = {o.operator_id: f"operator {o.name}" for o in register.operators.values()}
    names |= {a.authorisation_id: f"authorisation {a.label}" for o in register.operators.values()
              for a in o.authorisations}  # fmt: skip
    out = []
    for start in range(0, len(lodgements), size):
        batch = lodgements[start : start + size]
        for lodgement, found in zip(batch, assessor.assess(batch), strict=True):
            if found:
                findings = [f.as_dict() for f in found]
                for finding in findings:
                    evidence = finding["evidence"]
                    evidence |= {k: names[evidence[k]] for k in ("operator_id", "authorisation_id")}
                out.append({"consignment": lodgement.consignment_id, "findings": findings})
    return out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_findings_are_those_of_the_golden_file(system, clock):
    lodgements = []
    for name, filing in _fixture_filings():
        lodgements += system.pipeline._lodgements(filing.model_copy(update={"filer": name}), RECEIVED, True)
    parties = [getattr(lg.consignment, role) for lg in lodgements for role in PARTY_ROLES]
    parties = [p for p in parties if p is not None]
    for filing in generate(DAY, 400, 7, filers={}).filings:
        [parsed] = native.parse_json(orjson.dumps(filing), filer=None)
        lodgements += system.pipeline._lodgements(parsed, RECEIVED, False)
    rows = demo_traders.register_rows(7, suspend_on=DAY) + _party_rows(parties)
    rows = [Row(**{**r.__dict__, "line": i + 2}) for i, r in enumerate(rows)]
    registered(system, rows, at=clock.now, random_rate=0.01, source="golden")
    [assessor] = [a for a in system.pipeline.engine.assessors if getattr(a, "name", "") == TRADERS]

    cold = _findings(assessor, lodgements, 1000)
    text = "".join(orjson.dumps(c, option=orjson.OPT_SORT_KEYS).decode() + "\n" for c in cold)  # a line each
    if os.environ.get("SAFELANE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()
    kinds = {(f["evidence"]["match"], f["evidence"]["status"]) for c in cold for f in c["findings"]}
    assert {("identifier", "certified"), ("name match", "certified"), ("identifier", "suspended")} <= kinds
    assert _findings(assessor, lodgements, 7) == cold  # warm caches, other batch sizes: the same findings

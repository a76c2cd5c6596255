"""Every profile hit, finding for finding, on the parser fixtures and a generated day, with the shipped profiles and
the throughput benchmark's customs and agency profiles: a change that makes matching cheaper must not change one.

The golden file was written before matching was made cheaper (issue 17). Regenerate it only for a change that is
meant to change hits: `SAFELANE_WRITE_GOLDEN=1 pytest tests/risk/test_profile_hits_golden.py`.
"""

import hashlib
import importlib.util
import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from safelane import formats
from safelane.demo import PROFILES_DIR
from safelane.demo.traffic import generate_day
from safelane.domain import Filing, InvalidMessage, Lodgement
from safelane.risk.profiles import ProfileSet, load_folder, load_text

_ROOT = Path(__file__).resolve().parents[1]
_GOLDEN = Path(__file__).parent / "profile_hits.golden.json"
_MESSAGES = _ROOT / "fixtures" / "messages"
_RECEIVED = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _throughput():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("throughput_benchmark", _ROOT.parent / "benchmarks" / "throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _party_profiles(day: list[Filing]) -> list[str]:
    """Party rules on the day's own traders (by name and role, identifier, country and role, documents missing),
    so the party checks hit often: the shipped and benchmark party rules name traders the day rarely has."""
    parties = {}
    for filing in day:
        for consignment in filing.consignments:
            for role, party in consignment.parties():
                parties.setdefault(party.name, (role, party))
    texts = []
    for index, (role, party) in enumerate(list(parties.values())[:60:3]):
        word = re.escape(party.name.split()[0])
        conditions = [f"roles: [{role}]\n      name_matches: ['(?i)^{word}']"]
        if party.identifiers:
            conditions.append(f"identifiers: [{party.identifiers[0].value}]")
        if party.country_code:
            conditions.append(f"roles: [{role}, declarant]\n      country: [{party.country_code}]")
        for n, condition in enumerate(conditions):
            missing = "\n  documents_missing: [N935]" if n == 2 else ""
            texts.append(
                f"id: GOLDEN-PARTY-{index}-{n}\nversion: 1\ntitle: Golden party rule\nowner: customs\n"
                f"rationale: A test rule.\nvalid_from: 2026-01-01\nwhen:\n  party:\n    - {condition}{missing}\n"
                "outcome:\n  score: 10\n"
            )
    return texts


def _profiles(day: list[Filing]) -> ProfileSet:
    bench = _throughput()
    texts = bench.profile_texts(200, 7) + bench.agency_profile_texts(5, 50, seed=7) + _party_profiles(day)
    return ProfileSet(load_folder(PROFILES_DIR) + [load_text(t) for t in texts])


def _fixture_filings() -> list[tuple[str, Filing]]:
    found = []
    for path in sorted(p for p in _MESSAGES.rglob("*") if p.is_file() and p.suffix in (".xml", ".txt", ".edi")):
        try:
            parsed = formats.parse(path.read_bytes(), filer="golden")
        except (InvalidMessage, ValueError):
            continue  # not a filing (a response, a notification) or invalid on purpose
        found += [(path.relative_to(_MESSAGES).as_posix(), f) for f in parsed]
    return found


def _amended(filing: Filing) -> Filing:
    """A next version whose parties are swapped, as `model_copy` makes amendments elsewhere in the pipeline."""
    swapped = [c.model_copy(update={"consignor": c.consignee, "consignee": c.consignor}) for c in filing.consignments]
    return filing.model_copy(update={"version": filing.version + 1, "consignments": swapped})


def _lodgements(name: str, filing: Filing) -> list[tuple[str, Lodgement]]:
    return [
        (
            f"{name}#{index}@v{filing.version}",
            Lodgement(
                c.reference,
                c,
                filing.filing_kind,
                filing.filer or "golden",
                filing.filed_at or _RECEIVED,
                filing.document_number,
                filing.version,
                filing.message_type,
            ),
        )
        for index, c in enumerate(filing.consignments)
    ]


def _hits() -> dict[str, list[str]]:
    day = generate_day(date(2026, 11, 20), 1500, seed=7)
    profiles = _profiles(day)
    filings = _fixture_filings() + [(f"day/{i}", f) for i, f in enumerate(day)]
    filings += [(f"amended/{i}", _amended(f)) for i, f in enumerate(day[:300])]
    hits: dict[str, list[str]] = {}
    for name, filing in filings:
        for key, lodgement in _lodgements(name, filing):
            findings = [f.as_dict() for f in profiles.findings(lodgement)]
            hits[key] = [
                f"{f['code']} {hashlib.sha256(json.dumps(f, sort_keys=True).encode()).hexdigest()[:16]}"
                for f in findings
            ]
    return hits


def test_profile_hits_are_those_of_the_golden_file() -> None:
    hits = _hits()
    if os.environ.get("SAFELANE_WRITE_GOLDEN"):
        _GOLDEN.write_text(json.dumps(hits, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(_GOLDEN.read_text(encoding="utf-8"))
    assert sum(len(h) for h in golden.values()) > 1000  # the set hits often enough to tell
    assert any(k.startswith("amended/") and v for k, v in golden.items())
    assert len([k for k in golden if not k.startswith(("day/", "amended/"))]) >= 10  # parser fixtures are in
    changed = [k for k in sorted(set(golden) | set(hits)) if golden.get(k) != hits.get(k)]
    assert not changed, f"{len(changed)} lodgements hit other profiles, first {changed[:5]}"

"""The demo's border agencies: their rules pack, the consignments those rules catch, ePhytos, joint inspections.

Each day a few ordinary single-consignment filings are replaced by planted ones (the day's count stays what was
asked): plants for planting from a Xylella area without a phytosanitary certificate, with one that matches its
ePhyto and with one whose ePhyto certifies less than was filed; pig meat from a country under an African swine
fever restriction; pistachios from Türkiye under an aflatoxin alert, held by food safety for sampling;
python-skin bags without a CITES permit; worked ivory from Nigeria by sea, which customs
selects too, so customs and the CITES authority inspect it together. Beside them, consignments of the same
chapters that every rule lets pass. The profiles are in `profiles/agencies/`, their sources in their comments.

When an agency holds a consignment one inspection is scheduled (joint when customs controls it too) and, once
its slot has passed, each participant records its result, so the calendar shows saved inspections and release
times; on the last day the newest holds are still open in the queue.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safelane.cases import joint
from safelane.demo import late_joiner
from safelane.demo.certificates import Plant, certificate_xml, deliver
from safelane.demo.inspections import INSPECTOR
from safelane.demo.traffic import (
    COUNTRIES,
    DEMO_FILERS,
    Goods,
    Json,
    Traffic,
    _company,
    _Day,
    _set_goods,
    _single,
    reference_of,
)
from safelane.domain.assessment import CUSTOMS
from safelane.referrals import ActionError
from safelane.store import Database
from safelane.store import inspections as inspection_store
from safelane.store.schema import agency_requirements, consignments, decisions, filings

PROFILES_DIR = Path(__file__).parent / "profiles" / "agencies"
"""The agencies' rules pack (and customs' wildlife rule that meets the CITES one), one YAML file each."""

# One officer per agency of the shipped register, signed in to the workbench like the customs officer.
USERS = (
    ("pia-plant", "plant_health"),
    ("vet-vera", "veterinary"),
    ("food-fred", "food_safety"),
    ("cites-carl", "wildlife"),
)
# Each agency's inspection day at every office (docs/agencies.md#joint-inspection): from 07:00 UTC, hourly.
SLOTS = {"place": "Border control post", "day_start": 7 * 60, "slot_minutes": 60, "slots": 10, "teams": 2, "daily": 8}
SHARE = 0.0007  # per scenario on the last day, as traffic.PLANTED_SHARE
HISTORY_EVERY = 4  # on history days each scenario is planted every fourth day (staggered)
# What each agency finds at the inspection of a planted consignment (its outcome codes, agency_outcomes.json);
# a consignment nobody planted is compliant.
AGENCY_FINDS = {"CITES-IVORY-JOINT": "refused", "CITES-PYTHON-NO-PERMIT": "refused"}
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
CUSTOMS_SEIZURE = {  # customs' seizure of the ivory, in CEN's words (cases/seizures.py)
    "method": "physical",
    "result": "seizure",
    "commodity": "cites_wildlife",
    "unit": "kg",
    "concealment": "undeclared",
    "detection": "risk_profile",
    "offence": "prohibited_goods",
    "hs_code": "960110",
    "description": "Worked ivory without a CITES permit",
}

PLANTS = (  # Xylella fastidiosa host plants (EFSA host plant database), as nurseries describe them
    ("Olea europaea plants for planting, 2-year, potted", "Olea europaea"),
    ("Polygala myrtifolia plants in pots", "Polygala myrtifolia"),
    ("Lavandula angustifolia plants for planting", "Lavandula angustifolia"),
    ("Prunus dulcis young trees, bare root", "Prunus dulcis"),
)


@dataclass
class Planted:
    """What was planted today: (document, reference) -> scenario, and the certificates issued for them."""

    cases: dict[tuple[str, str], str] = field(default_factory=dict)
    certificates: list[tuple[str, bytes]] = field(default_factory=list)


class _Plants:
    """Draws the agencies' consignments from a generator of its own, so the rest of the day is unchanged."""

    def __init__(self, traffic: Traffic, seed: int):
        start = traffic.start
        self.day = _Day(start, seed, DEMO_FILERS)
        self.rng = self.day.rng = random.Random(f"safelane-demo-agencies:{seed}:{start.isoformat()}")
        number = int(start.timestamp()) // 86400 % 400  # the day's own range of serials: no number repeats
        self.day.counter = 95_000_000 + number * 10_000
        self.start = start
        self.number = number
        self.planted = Planted()
        self.late = False  # the next ivory consignment is filed in the day's last hour (the last day's first)

    def goods(self, consignment: Json, hs: str, description: str, usd_per_kg: float, mass: float, origin: str) -> None:
        spec = Goods(hs, "s", 0.0, (usd_per_kg, usd_per_kg * 1.3), (15.0, 25.0), ("CT",), (description,))
        item = self.day.item(spec, "sea", mass, origin, 1)
        item["description"] = description  # never the HS text: the species is what the rules read
        _set_goods(self.day, consignment, [item])

    def sea(self, country: str, documents: list[Json] | None = None, late: bool = False) -> tuple[Json, Json]:
        """A direct sea consignment from `country`; `late`: filed in the day's last hour, so that its inspection is
        still to come at the end of the day."""
        filed = self.start.timestamp() + 23 * 3600 + self.rng.random() * 3000 if late else None
        filing = _single(self.day.sea(0, country=country, filed=filed))
        consignment = filing["consignments"][0]
        consignment["documents"] = documents or []
        if not consignment["documents"]:
            del consignment["documents"]
        return filing, consignment

    def certificate_number(self, country: str) -> str:
        return f"{country}-PC-{self.start:%Y}-{self.number:03d}{len(self.planted.certificates):03d}"

    def plants(self, certificate: str | None, *, certified_share: float = 1.0) -> Json:
        """Plants for planting from the US or Brazil; with an ePhyto quoted as N851 when `certificate` is given."""
        country = self.rng.choice(("US", "BR"))
        number = self.certificate_number(country) if certificate else None
        documents = [{"type": "N851", "reference": number}] if number else None
        filing, consignment = self.sea(country, documents)
        description, scientific = self.rng.choice(PLANTS)
        self.goods(consignment, "060290", description, 6.0, 2000 + self.rng.random() * 6000, country)
        if number:
            item = consignment["goods"][0]
            plant = Plant("06029050", description, scientific, round(item["net_mass_kg"] * certified_share), country)
            issued = datetime.fromisoformat(filing["filed_at"]) - timedelta(days=2)
            self.planted.certificates.append((number, certificate_xml(number, issued, consignment, [plant])))
        return filing


def _plants_without_certificate(p: _Plants) -> Json:
    return p.plants(None)


def _plants_with_matching_ephyto(p: _Plants) -> Json:
    return p.plants("match")


def _plants_with_mismatching_ephyto(p: _Plants) -> Json:
    """The NPPO certified two thirds of the net weight filed: a quantity mismatch for plant health."""
    return p.plants("mismatch", certified_share=0.66)


def _plants_from_elsewhere(p: _Plants) -> Json:
    """Plants for planting from Korea with a certificate quoted: no rule's concern."""
    filing, consignment = p.sea("KR", [{"type": "N851", "reference": f"KR-PC-{p.day.serial():08d}"}])
    p.goods(consignment, "060290", "Acer palmatum bonsai plants in pots", 9.0, 500 + p.rng.random() * 1500, "KR")
    return filing


def _pork_from_asf_country(p: _Plants) -> Json:
    filing, consignment = p.sea("VN")
    hs, description = p.rng.choice((("020329", "Frozen pork belly, boneless"), ("020322", "Frozen pork legs, bone in")))
    p.goods(consignment, hs, description, 2.4, 18000 + p.rng.random() * 6000, "VN")
    return filing


def _beef_from_brazil(p: _Plants) -> Json:
    filing, consignment = p.sea("BR")
    p.goods(consignment, "020230", "Frozen boneless beef cuts", 5.5, 18000 + p.rng.random() * 6000, "BR")
    return filing


def _nuts(p: _Plants, country: str) -> Json:
    filing, consignment = p.sea(country)
    description = p.rng.choice(("Pistachios in shell, roasted and salted", "Shelled hazelnuts, raw"))
    hs = "080251" if description.startswith("Pistachios") else "080222"
    p.goods(consignment, hs, description, 7.5, 12000 + p.rng.random() * 6000, country)
    return filing


def _python_bags(p: _Plants, permit: bool) -> Json:
    documents = [{"type": "C400", "reference": f"MY-CITES-{p.day.serial():08d}"}] if permit else None
    filing, consignment = p.sea("MY", documents)
    p.goods(consignment, "420221", "Handbags of python skin leather", 180.0, 80 + p.rng.random() * 300, "MY")
    return filing


def _ivory_from_nigeria(p: _Plants) -> Json:
    """Worked ivory from Nigeria transhipped in Singapore: customs' wildlife rule and the CITES rule both hit."""
    filing, consignment = p.sea("SG", late=p.late)
    p.late = False
    consignment["consignor"] = _company(p.rng, COUNTRIES["SG"])
    p.goods(consignment, "960110", "Worked ivory carvings, handicraft", 400.0, 150 + p.rng.random() * 400, "NG")
    return filing


SCENARIOS: tuple[tuple[str, Callable[[_Plants], Json]], ...] = (
    ("PH-NO-CERTIFICATE", _plants_without_certificate),
    ("PH-EPHYTO-MATCH", _plants_with_matching_ephyto),
    ("PH-EPHYTO-MISMATCH", _plants_with_mismatching_ephyto),
    ("PH-CLEAR", _plants_from_elsewhere),
    ("VET-ASF-PORK", _pork_from_asf_country),
    ("VET-CLEAR", _beef_from_brazil),
    ("FS-AFLATOXIN-NUTS", lambda p: _nuts(p, "TR")),
    ("FS-CLEAR", lambda p: _nuts(p, "US")),
    ("CITES-PYTHON-NO-PERMIT", lambda p: _python_bags(p, permit=False)),
    ("CITES-PYTHON-PERMIT", lambda p: _python_bags(p, permit=True)),
    ("CITES-IVORY-JOINT", _ivory_from_nigeria),
)
"""Scenario -> how to plant it; EXPECTED says what each must end with."""

EXPECTED: Mapping[str, tuple[Mapping[str, str], str | None]] = {
    # scenario: ({agency: requirement}, customs' channel floor or None)
    "PH-NO-CERTIFICATE": ({"plant_health": "documents"}, None),
    "PH-EPHYTO-MATCH": ({"plant_health": "release"}, None),
    "PH-EPHYTO-MISMATCH": ({"plant_health": "hold"}, None),
    "PH-CLEAR": ({}, None),
    "VET-ASF-PORK": ({"veterinary": "refuse"}, None),
    "VET-CLEAR": ({}, None),
    "FS-AFLATOXIN-NUTS": ({"food_safety": "hold"}, None),
    "FS-CLEAR": ({}, None),
    "CITES-PYTHON-NO-PERMIT": ({"wildlife": "hold"}, None),
    "CITES-PYTHON-PERMIT": ({}, None),
    "CITES-IVORY-JOINT": ({"wildlife": "hold"}, "red"),
}


def plant(db: Database, traffic: Traffic, seed: int, *, history: bool) -> dict[tuple[str, str], str]:
    """Replace ordinary filings of `traffic` by the agencies' scenarios and deliver their ePhytos (issued before
    the day starts) through the Hub; the planted (document, reference) -> scenario."""
    p = _Plants(traffic, seed)
    if history:
        chosen = [(n, f) for i, (n, f) in enumerate(SCENARIOS) if (p.number + i) % HISTORY_EVERY == 0]
    else:
        chosen = list(SCENARIOS) * max(1, round(traffic.consignments * SHARE))
        p.late = True  # one joint inspection still ahead when the demo ends, in the queue
    taken = set(traffic.planted) | set(traffic.ecommerce)
    ordinary = [
        i
        for i, f in enumerate(traffic.filings)
        if len(f["consignments"]) == 1 and (f["document_number"], reference_of(f["consignments"][0])) not in taken
    ]
    chosen = chosen[: len(ordinary)]
    for index, (name, make) in zip(sorted(p.rng.sample(ordinary, len(chosen))), chosen, strict=True):
        filing = make(p)
        traffic.filings[index] = filing
        p.planted.cases[(filing["document_number"], reference_of(filing["consignments"][0]))] = name
    traffic.filings.sort(key=lambda f: (f["filed_at"], f["document_number"]))
    deliver(db, p.planted.certificates, at=traffic.start)
    return p.planted.cases


def set_up(db: Database, *, at: datetime) -> None:
    """Every agency's inspection day at every office, set as a supervisor would."""
    with db.write() as conn:
        for _, agency in USERS:
            inspection_store.set_slots(conn, "*", agency, SLOTS, at=at, actor="supervisor")


def jointly_inspected(db: Database) -> set[str]:
    """Consignments with an inspection scheduled: the demo's customs inspector leaves them to the joint one."""
    with db.read() as conn:
        rows = inspection_store.calendar(conn, scope=INSPECTOR, office=None, start=EVER[0], end=EVER[1])
    return {r["consignment_id"] for r in rows}


def _held(conn: sa.Connection, until: datetime) -> list[tuple[str, datetime]]:
    """(consignment, decided at) of current decisions by `until` on which an agency holds the goods."""
    query = (
        sa.select(decisions.c.consignment_id, decisions.c.decided_at)
        .join(agency_requirements, agency_requirements.c.decision_id == decisions.c.decision_id)
        .where(decisions.c.current.is_(True), agency_requirements.c.action == "hold", decisions.c.decided_at <= until)
        .order_by(decisions.c.decided_at, decisions.c.consignment_id)
    )
    return [(r.consignment_id, r.decided_at) for r in conn.execute(query)]


def _keys(conn: sa.Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """(document number, reference) of each consignment, as the generator knows it."""
    query = (
        sa.select(consignments.c.consignment_id, filings.c.document_number, consignments.c.reference)
        .join(filings, filings.c.filing_id == consignments.c.filing_id)
        .where(consignments.c.consignment_id.in_(ids))
    )
    return {r.consignment_id: (r.document_number, r.reference) for r in conn.execute(query)}


def settle(db: Database, cases: Mapping[tuple[str, str], str], *, now: datetime) -> dict[str, int]:
    """Schedule an inspection for every agency hold decided by `now`, and record each participant's result of
    those whose slot has ended; `cases` are the planted (document, reference) -> scenario. How many of each."""
    done = {"scheduled": 0, "results": 0}
    with db.read() as conn:
        held = _held(conn, now)
    scheduled = jointly_inspected(db)
    for consignment_id, decided_at in held:
        if consignment_id in scheduled:
            continue
        try:
            _, new = joint.schedule(db, consignment_id, scope=INSPECTOR, at=decided_at)
        except ActionError:  # released or refused meanwhile, or no common slot in the horizon
            continue
        done["scheduled"] += new
    with db.read() as conn:
        rows = inspection_store.calendar(conn, scope=INSPECTOR, office=None, start=EVER[0], end=now)
        rows = [r for r in rows if r["ends_at"] <= now and any(p["outcome"] is None for p in r["participants"])]
    if late_joiner.join_once(db, rows):  # once, customs joins an inspection under way: its result is recorded below
        with db.read() as conn:
            rows = [inspection_store.of_consignment(conn, r["consignment_id"]) or r for r in rows]
    with db.read() as conn:
        keys = _keys(conn, [r["consignment_id"] for r in rows])
    for row in rows:
        scenario = cases.get(keys.get(row["consignment_id"], ("", "")), "")
        for part in row["participants"]:
            if part["outcome"] is not None:
                continue
            agency = part["agency"]
            form: dict[str, Any] = (
                (CUSTOMS_SEIZURE | {"quantity": "1"} if scenario == "CITES-IVORY-JOINT" else _clean())
                if agency == CUSTOMS
                else {"outcome": AGENCY_FINDS.get(scenario, "compliant")}
            )
            joint.record_result(db, row["consignment_id"], agency, form, scope=INSPECTOR, at=row["ends_at"])
            done["results"] += 1
    return done


def _clean() -> dict[str, str]:
    return {"method": "physical", "result": "no_irregularity"}


def summary(db: Database, cases: Mapping[tuple[str, str], str]) -> str:
    """One sentence for the demo's report: what the agencies' rules caught and how they inspected."""
    with db.read() as conn:
        rows = inspection_store.calendar(conn, scope=INSPECTOR, office=None, start=EVER[0], end=EVER[1])
        counts = conn.execute(
            sa.select(agency_requirements.c.agency, sa.func.count())
            .join(decisions, decisions.c.decision_id == agency_requirements.c.decision_id)
            .where(decisions.c.current.is_(True))
            .group_by(agency_requirements.c.agency)
            .order_by(agency_requirements.c.agency)
        ).all()
    saved = joint.saved(rows)
    waiting = sum(1 for r in rows if any(p["outcome"] is None for p in r["participants"]))
    required = ", ".join(f"{n} {agency}" for agency, n in counts) or "none"
    return (
        f"Border agencies: {len(cases)} consignments planted for their rules; requirements on {required}; "
        f"{saved['inspections']} inspections scheduled ({saved['joint']} joint, {saved['saved']} saved "
        f"by joining), {waiting} still to be held (see /inspections and docs/agencies.md)."
    )

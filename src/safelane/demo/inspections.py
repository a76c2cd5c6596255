"""The demo's inspectors: what officers would have found on the consignments sent to control, and when.

Without outcomes the workbench's dashboard, profile effectiveness and the model's training data would be
empty on a fresh demo. The generator knows which consignments it planted for which profile, so this plays
the inspectors: a planted consignment yields the irregularity or seizure its profile looks for; any other
one is clean except for a small base rate of irregularities the targeting did not aim at, higher for a few
careless consignees (a pattern only the learned model can pick up from the outcomes). Each control is
inspected some hours after its decision, so the older controls are done and the newest still wait in the
queue. Every outcome is recorded through `cases.outcomes` with the actor `demo-inspector`, so nothing is
mistaken for an officer's finding.
"""

import hashlib
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from safelane.cases import outcomes
from safelane.demo import timeline
from safelane.demo.traffic import Json, Traffic, reference_of
from safelane.resilience import stamps
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store

ACTOR = "demo-inspector"
INSPECTOR = Scope.of(ACTOR, "officer")  # posted to no office: records outcomes everywhere
BASE_RATE = 0.03  # irregularities among consignments nobody planted
CARELESS_SHARE = 0.05  # of the consignees, whose consignments are irregular far more often
CARELESS_RATE = 0.4
DELAY_HOURS = (1.0, 10.0)  # from the decision to the inspection (or the follow-up of a referral)

# What each demo profile's planted consignment turns out to hold: result, and the seizure's CEN fields.
FOUND: Mapping[str, tuple[str, outcomes.Seizure | None]] = {
    "SEA-BANANA-COCAINE": (
        "seizure",
        outcomes.Seizure(
            "cocaine",
            212.0,
            "kg",
            "within_goods",
            "risk_profile",
            "smuggling",
            "120300",
            "Bricks hidden in banana boxes",
        ),
    ),
    "PARTY-WATCH-FALCON": (
        "seizure",
        outcomes.Seizure(
            "strategic_goods",
            14.0,
            "units",
            "undeclared",
            "risk_profile",
            "sanctions_export_control",
            None,
            "Dual-use controllers without licence",
        ),
    ),
    "SEA-TEXTILE-UNDERVALUE": ("irregularity", None),
    "DUALUSE-SANCTIONED-ROUTE": (
        "seizure",
        outcomes.Seizure(
            "strategic_goods",
            3.0,
            "units",
            "mixed_with_goods",
            "risk_profile",
            "sanctions_export_control",
            None,
            "Frequency converters routed via a sanctioned country",
        ),
    ),
}


class Inspectors:
    """Knows the generated traffic, so it can say what an inspection of any of its consignments finds."""

    def __init__(self, traffic: Sequence[Traffic], seed: int):
        self.seed = seed
        self.planted: dict[tuple[str, str], str] = {}
        self.consignments: dict[tuple[str, str], Json] = {}
        for t in traffic:
            self.learn(t)

    def learn(self, traffic: Traffic) -> None:
        """Remember what was generated (and planted), by document number and reference."""
        self.planted.update(traffic.planted)
        for filing in traffic.filings:
            for consignment in filing["consignments"]:
                self.consignments[(filing["document_number"], reference_of(consignment))] = consignment

    def learn_declaration(self, filing: Json, origin: tuple[str, str]) -> None:
        """Remember a goods declaration of a consignment first filed as `origin` (document, reference): what was
        planted there is what inspecting the declaration finds (the document is new, the goods are the same)."""
        for consignment in filing["consignments"]:
            key = (filing["document_number"], reference_of(consignment))
            if origin in self.planted:
                self.planted[key] = self.planted[origin]
            self.consignments[key] = consignment

    def careless(self, consignee: str) -> bool:
        """A fixed few consignees (by seed and name) whose goods are often not what was declared."""
        digest = hashlib.sha256(f"safelane-demo-careless:{self.seed}:{consignee}".encode()).digest()
        return digest[0] < 256 * CARELESS_SHARE

    def rng(self, consignment_id: str) -> random.Random:
        """One generator per consignment: what is found, and when, does not depend on what else is inspected."""
        return random.Random(f"safelane-demo-inspection:{self.seed}:{consignment_id}")

    def when(self, decision: Mapping, rng: random.Random) -> datetime:
        return decision["decided_at"] + timedelta(hours=rng.uniform(*DELAY_HOURS))

    def finding(
        self, document: str, reference: str, rng: random.Random
    ) -> tuple[str, outcomes.Seizure | None, str | None]:
        """(result, seizure, profile it was planted for) of inspecting this consignment."""
        profile = self.planted.get((document, reference))
        if profile:
            result, seizure = FOUND.get(profile, ("irregularity", None))
            return result, seizure, profile
        consignee = (self.consignments.get((document, reference), {}).get("consignee") or {}).get("name", "")
        rate = CARELESS_RATE if self.careless(consignee) else BASE_RATE
        return ("irregularity" if rng.random() < rate else "no_irregularity"), None, None

    def inspect(self, db: Database, *, now: datetime) -> Counter[str]:
        """Record the outcome of every open control whose inspection time has come by `now`; returns how many
        of each result."""
        from safelane.demo.agencies import jointly_inspected  # customs' part of a joint inspection is recorded there

        joint = jointly_inspected(db)
        with db.read() as conn:
            controls = [c for c in decision_store.open_controls(conn) if c["consignment_id"] not in joint]
        found: Counter[str] = Counter()
        for control in controls:
            rng = self.rng(control["consignment_id"])
            at = self.when(control, rng)
            if at > now:
                continue
            result, seizure, profile = self.finding(control["document_number"], control["reference"], rng)
            method = (
                control["inspection"]
                if control["inspection"] in outcomes.METHODS
                else ("physical" if control["outcome"] == "red" else "documentary")
            )
            cid, decided = control["consignment_id"], control["decided_at"]  # the inspector stamps the start
            started = timeline.control_start(cid, method, decided_at=decided, ends_at=at, seed=self.seed)
            stamps.record_control_start(db, cid, started, scope=INSPECTOR, now=started)
            self.record(db, control["consignment_id"], method, result, seizure, profile, at)
            found[result] += 1
        return found

    def record(
        self,
        db: Database,
        consignment_id: str,
        method: str,
        result: str,
        seizure: outcomes.Seizure | None,
        profile: str | None,
        at: datetime,
    ) -> None:
        note = f"Simulated by the demo ({'planted for ' + profile if profile else 'ordinary traffic'})"
        outcomes.record(
            db,
            consignment_id,
            outcomes.Outcome(method, result, note, seizure),
            scope=INSPECTOR,
            at=at,
        )

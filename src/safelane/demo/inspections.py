"""The demo day's inspections: what officers would have found on part of the consignments sent to control.

Without outcomes the workbench's dashboard, profile effectiveness and the model's training data would be
empty on a fresh demo. The generator knows which consignments it planted for which profile, so this plays
the inspectors: a planted consignment yields the irregularity or seizure its profile looks for, any other
one is clean except for a small base rate of irregularities the targeting did not aim at (a random or
exploration inspection can find those too). Only part of the controls are inspected, so the queue still
holds open work. Every outcome is recorded through `cases.outcomes` with the actor `demo-inspector`, so
nothing is mistaken for an officer's finding.
"""

import random
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from safelane.cases import outcomes
from safelane.store import Database
from safelane.store import decisions as decision_store

ACTOR = "demo-inspector"
INSPECTED_SHARE = 0.6  # of the open yellow and red channels; the rest stay in the queue for the officer
BASE_RATE = 0.03  # irregularities among consignments nobody planted

# What each demo profile's planted consignment turns out to hold: result, and the seizure's CEN fields.
FOUND: Mapping[str, tuple[str, outcomes.Seizure | None]] = {
    "SEA-BANANA-COCAINE": ("seizure", outcomes.Seizure("cocaine", 212.0, "kg", "within_goods", "risk_profile",
                                                       "smuggling", "120300", "Bricks hidden in banana boxes")),
    "PARTY-WATCH-FALCON": ("seizure", outcomes.Seizure("strategic_goods", 14.0, "units", "undeclared",
                                                       "risk_profile", "sanctions_export_control", None,
                                                       "Dual-use controllers without licence")),
    "SEA-TEXTILE-UNDERVALUE": ("irregularity", None),
    "DUALUSE-SANCTIONED-ROUTE": ("seizure", outcomes.Seizure("strategic_goods", 3.0, "units", "mixed_with_goods",
                                                             "risk_profile", "sanctions_export_control", None,
                                                             "Frequency converters routed via a sanctioned country")),
}


def inspect(db: Database, planted: Mapping[tuple[str, str], str], *, at: datetime, seed: int) -> Counter[str]:
    """Record outcomes on a seeded share of the open controls; returns how many of each result."""
    rng = random.Random(seed)
    with db.read() as conn:
        controls = decision_store.open_controls(conn)
    found: Counter[str] = Counter()
    for control in controls:
        if rng.random() >= INSPECTED_SHARE:
            continue
        profile = planted.get((control["document_number"], control["reference"]))
        result, seizure = FOUND.get(profile or "", ("irregularity", None)) if profile else (
            ("irregularity" if rng.random() < BASE_RATE else "no_irregularity"), None)
        method = control["inspection"] if control["inspection"] in outcomes.METHODS else (
            "physical" if control["outcome"] == "red" else "documentary")
        note = f"Simulated by the demo ({'planted for ' + profile if profile else 'ordinary traffic'})"
        outcomes.record(db, control["consignment_id"], outcomes.Outcome(method, result, note, seizure),
                        actor=ACTOR, at=at, may_see=lambda office: True)
        found[result] += 1
    return found

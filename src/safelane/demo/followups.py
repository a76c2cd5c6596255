"""The demo's referral follow-ups: filers answer requests for information and have cargo screened, the
targeting centre closes what was answered and lifts a do-not-load once the goods are held.

Each follow-up comes some hours after its referral, so the older referrals are settled and the newest are
still open in the queue, as on a real day. Filers act as themselves; the customs side acts as
`demo-inspector`. Screening a consignment the generator planted finds what its profile looks for.
"""

from collections import Counter
from datetime import datetime, timedelta

from safelane import referrals
from safelane.demo.inspections import ACTOR, Inspectors
from safelane.scope import Scope
from safelane.store import Database
from safelane.store import decisions as decision_store

ANSWER = "Commercial invoice, packing list and the end user's statement attached."
HELD = "Goods offloaded and held at origin for the authorities; the rest of the shipment may load."
SETTLING = timedelta(minutes=30)  # from the filer's answer to the officer closing or lifting the referral


OFFICER = Scope.of(ACTOR, "officer")  # the demo's inspectors, posted to no office


def _filer(filer: str) -> Scope:
    return Scope.of(filer, "filer", filer=filer)


def follow_up(db: Database, inspectors: Inspectors, *, now: datetime) -> Counter[str]:
    """Settle every open referral whose follow-up time has come by `now`; returns how many of each action."""
    with db.read() as conn:
        rows = decision_store.search(conn, answer="referral", state="open", limit=1_000_000)
    done: Counter[str] = Counter()
    for row in rows:
        rng = inspectors.rng(f"{row['consignment_id']}:referral")
        at = inspectors.when(row, rng)
        if at + SETTLING > now:
            continue
        decision_id, filer = row["decision_id"], row["filer"]
        outcome = row["outcome"]
        if outcome == "RFI":
            if row["state"] == "open":
                referrals.act(db, decision_id, "information", scope=_filer(filer), at=at, data={"text": ANSWER})
            referrals.act(db, decision_id, "close", scope=OFFICER, at=at + SETTLING)
            done["RFI answered and closed"] += 1
            continue
        result, seizure, profile = inspectors.finding(row["document_number"], row["reference"], rng)
        inspectors.record(db, row["consignment_id"], "physical", result, seizure, profile, at)
        if outcome == "RFS":
            clear = result == "no_irregularity"
            referrals.act(
                db,
                decision_id,
                "screening",
                scope=_filer(filer),
                at=at,
                data={"method": "XRY", "result": "clear" if clear else "not_clear"},
            )
            if clear:
                done["RFS screened clear"] += 1
                continue
        referrals.act(db, decision_id, "lift", scope=OFFICER, at=at + SETTLING, note=HELD)
        done["DNL lifted once the goods were held"] += 1
    return done

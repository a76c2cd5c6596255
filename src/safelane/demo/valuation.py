"""Under-valued goods in the demo's last 24 hours, for the valuation check to catch.

A few ordinary air and express consignments of electronics are re-declared at 1 to 3 % of the value they were
generated with, in the same currency: the kind of under-invoicing value control is after. No demo profile looks
at their values; the month of history before gives the distributions they stand out of. They are marked planted
(`UNDERVALUED`), so the demo's inspectors find an irregularity when one is controlled.
"""

import random

from safelane.demo.traffic import Traffic, reference_of
from safelane.reference.tables import currency_minor_units
from safelane.risk.valuation import ValuationAssessor
from safelane.system import System

UNDERVALUED = "VALUATION-UNDERVALUED"
SHARE = 0.002  # of the day's consignments, at least one
FRACTION = (0.01, 0.03)  # of the value generated
GOODS = frozenset({"851762", "847330", "850440", "851822", "847170", "950450", "853400"})  # traded by air often


def undervalue(traffic: Traffic, seed: int) -> list[tuple[str, str]]:
    """Re-declare a few consignments of `traffic` far below their value; their (document, reference) keys."""
    rng = random.Random(f"safelane-demo-valuation:{seed}:{traffic.start.isoformat()}")
    candidates = [
        (filing["document_number"], consignment)
        for filing in traffic.filings
        for consignment in filing["consignments"]
        if consignment["mode"] in ("air", "express")
        and consignment["goods"][0].get("hs_code") in GOODS
        and (filing["document_number"], reference_of(consignment)) not in traffic.planted
    ]
    chosen = rng.sample(candidates, min(len(candidates), max(1, round(SHARE * traffic.consignments))))
    keys = []
    for document, consignment in chosen:
        item = consignment["goods"][0]
        value = item["value"]
        digits = currency_minor_units(value["currency"])
        amount = round(max(value["amount"] * rng.uniform(*FRACTION), 1.0), 2 if digits is None else digits)
        item["value"] = {"amount": amount, "currency": value["currency"]}
        key = (document, reference_of(consignment))
        traffic.planted[key] = UNDERVALUED
        keys.append(key)
    return keys


def keep_time(system: System) -> None:
    """Have the valuation check look at the store by the pipeline's clock, which the demo sets to each batch's
    receive time: each batch is judged against everything stored before it, whatever the machine's speed, so the
    same seed and now give the same demo."""
    for assessor in system.pipeline.engine.assessors:
        if isinstance(assessor, ValuationAssessor):
            assessor.keep_time(lambda: system.pipeline.clock().timestamp())

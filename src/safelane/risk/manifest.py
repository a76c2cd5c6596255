"""Flight manifests against the waybills filed: an air waybill on board that nobody filed is flagged.

A carrier's flight manifest (Cargo-IMP FFM, Cargo-XML XFFM) lists the air waybills loaded on one
flight. Each should have been filed before loading (FWB, XFWB, or a house manifest naming it); one
that was not is cargo on board without advance information, which the targeting centre must chase
with the carrier before the flight lands. The check asks the store, once per batch, which of the
manifest's waybill numbers have an active pre-loading filing (whoever filed it), and also counts
waybills filed earlier in the same batch. It judges the manifest as it arrives: a waybill filed
afterwards does not clear a flag already raised.
"""

import re
from collections.abc import Mapping, Sequence

from safelane.domain import FilingKind, Finding, Lodgement
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.store import Database
from safelane.store.filings import filed_waybills

MANIFEST = "manifest"
RULES_VERSION = "2026-12"
MANIFESTS = frozenset({"FFM", "XFFM"})
UNFILED_SCORE = 30.0  # enough to rank the consignment for an officer's look; no floor: the carrier is asked first


def _spellings(number: str) -> set[str]:
    """The ways one air waybill number is written: 176-12345675 and 17612345675."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 11:
        return {number}
    return {number, digits, f"{digits[:3]}-{digits[3:]}"}


class ManifestAssessor:
    """A finding for each manifest line whose air waybill has no filing in the store or earlier in the batch."""

    name = MANIFEST

    def __init__(self, db: Database):
        self.db = db

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        waybills = {
            i: lodgement.consignment.master_document
            for i, lodgement in enumerate(lodgements)
            if lodgement.message_type in MANIFESTS and lodgement.consignment.master_document
        }
        if not waybills:
            return [[] for _ in lodgements]
        spellings = {number: _spellings(number) for number in waybills.values()}
        with self.db.read() as conn:
            filed = filed_waybills(conn, set().union(*spellings.values()))
        findings: list[list[Finding]] = []
        for i, lodgement in enumerate(lodgements):
            number = waybills.get(i)
            if number is not None and not spellings[number] & filed:
                findings.append([self._unfiled(lodgement, number)])
            else:
                findings.append([])
            if lodgement.kind is FilingKind.PRE_LOADING:
                filed.add(lodgement.document_number)
        return findings

    @staticmethod
    def _unfiled(lodgement: Lodgement, number: str) -> Finding:
        means = lodgement.consignment.transport_means
        flight = means.identifier if means else lodgement.document_number
        explanation = (
            f"Air waybill {number} is on the manifest of flight {flight}, but no air waybill was filed for it: "
            "the cargo is on board without advance cargo information. Ask the carrier for the waybill data."
        )
        return Finding(MANIFEST, "AWB-NOT-FILED", UNFILED_SCORE, explanation, {"air_waybill": number, "flight": flight})

    def versions(self) -> Mapping[str, str]:
        return {MANIFEST: RULES_VERSION}


def _build(context: AssessorContext) -> ManifestAssessor | None:
    return ManifestAssessor(context.db) if context.db is not None else None


SPEC = AssessorSpec(MANIFEST, "Flight manifest against the waybills filed", _build, order=25)

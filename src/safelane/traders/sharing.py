"""The trader-data assessor: each filing against the data its trusted trader shared (AEO 2.0).

A party that names, by identifier, an operator holding a trader key links the consignment to that operator
(its trader view) and, when the operator shared documents for the consignment's transport document, the filing
is compared with them (`crosscheck.py`). All agreeing gives "consistent with the trader's data": a negative
score (more facilitation) while the operator is certified at the filing time (an AEO type or the SME tier), a
score of 0 otherwise; it declares nothing else and so never lifts a strong hit, a DNL or a floor. Any mismatch
gives a finding naming each field, demanding an RFI before loading or a documentary check after: the trader's
own data disagrees with what was filed for it. Operators without a key cost one dictionary lookup per
identifier; without any key, nothing.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from safelane.domain import Channel, FilingKind, Finding, Lodgement, Referral
from safelane.risk.registry import AssessorContext, AssessorSpec
from safelane.store import Database
from safelane.store import trader_data as store
from safelane.traders.authorisation import Operator
from safelane.traders.crosscheck import Comparison, compare
from safelane.traders.shared import compact

if TYPE_CHECKING:
    from safelane.store.filings import Assessed

TRADER_DATA = "trader_data"
RULES_VERSION = "2026-12"
CONSISTENT = "TRADER-DATA-CONSISTENT"
MISMATCH = "TRADER-DATA-MISMATCH"
CONSISTENT_REDUCTION = 10.0  # points of 100, on top of what the authorisation itself earns
MISMATCH_SCORE = 25.0
REFRESH_SECONDS = 1.0


def _certified(operator: Operator, lodgement: Lodgement) -> str | None:
    """The label of an authorisation certified at the filing time, if any."""
    for authorisation in operator.authorisations:
        if authorisation.status_at(lodgement.filed_at) == "certified":
            return authorisation.label
    return None


class TraderDataAssessor:
    name = TRADER_DATA

    def __init__(self, db: Database):
        self.db = db
        self._sharing: store.Sharing | None = None
        self._revision: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._links: dict[str, tuple[Lodgement, dict[str, list[str]]]] = {}

    def refresh(self) -> None:
        """Reload the trader keys at the next batch (a key was added here)."""
        self._checked = 0.0

    def _current(self) -> store.Sharing:
        with self._lock:
            if self._sharing is None or time.monotonic() - self._checked >= REFRESH_SECONDS:
                with self.db.read() as conn:
                    revision = store.sharing_revision(conn)
                    if self._sharing is None or revision != self._revision:
                        self._sharing, self._revision = store.sharing(conn), revision
                self._checked = time.monotonic()
            return self._sharing

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        sharing = self._current()
        self._links = {}
        if not sharing.identifiers:
            return [[] for _ in lodgements]
        linked: list[dict[str, list[str]]] = []
        for lodgement in lodgements:
            roles: dict[str, list[str]] = defaultdict(list)
            for role, party in lodgement.consignment.parties():
                for identifier in party.identifiers:
                    operator_id = sharing.identifiers.get(compact(identifier.value))
                    if operator_id is not None and role not in roles[operator_id]:
                        roles[operator_id].append(role)
            linked.append(dict(roles))
            if roles:
                self._links[lodgement.consignment_id] = (lodgement, dict(roles))
        if not self._links:
            return [[] for _ in lodgements]
        references = {ref for lodgement, _ in self._links.values() for ref in self._references(lodgement)}
        with self.db.read() as conn:
            shared = store.documents(conn, {op for roles in linked for op in roles}, references)
        findings: list[list[Finding]] = []
        for lodgement, roles in zip(lodgements, linked, strict=True):
            found = []
            for operator_id in roles:
                documents = [d for ref in self._references(lodgement) for d in shared.get((operator_id, ref), [])]
                if documents:
                    operator = sharing.operators[operator_id]
                    found.append(self._finding(lodgement, operator, compare(lodgement.consignment, documents)))
            findings.append(found)
        return findings

    @staticmethod
    def _references(lodgement: Lodgement) -> list[str]:
        consignment = lodgement.consignment
        return sorted({compact(r) for r in (consignment.master_document, consignment.house_document) if r})

    def _finding(self, lodgement: Lodgement, operator: Operator, comparison: Comparison) -> Finding:
        documents = ", ".join(comparison.documents)
        evidence: dict[str, Any] = {
            "operator_id": operator.operator_id,
            "operator": operator.name,
            "documents": comparison.documents,
            "compared": comparison.compared,
        }
        if comparison.mismatches:
            evidence["mismatches"] = [
                {"field": m.field, "filed": m.filed, "shared": m.shared, "document": m.document}
                for m in comparison.mismatches
            ]
            before_loading = lodgement.kind is FilingKind.PRE_LOADING
            asked = "information is requested from the filer" if before_loading else "a documentary check"
            return Finding(
                assessor=TRADER_DATA,
                code=MISMATCH,
                score=MISMATCH_SCORE,
                explanation=(
                    f"The filing disagrees with the data {operator.name} shared ({documents}): "
                    + "; ".join(m.sentence() for m in comparison.mismatches)
                    + f". {asked[0].upper() + asked[1:]} to settle it."
                ),
                evidence=evidence,
                referral=Referral.RFI if before_loading else None,
                channel=None if before_loading else Channel.YELLOW,
            )
        if not comparison.compared:
            return Finding(
                assessor=TRADER_DATA,
                code=CONSISTENT,
                score=0.0,
                explanation=f"{operator.name} shared {documents}, but none of it can be compared with this filing.",
                evidence=evidence,
            )
        certified = _certified(operator, lodgement)
        evidence["authorisation"] = certified or ""
        what = ", ".join(comparison.compared)
        benefit = (
            f"risk score reduced by a further {CONSISTENT_REDUCTION:g} % ({certified} certified at filing)"
            if certified
            else "no reduction: no authorisation of the operator was certified at the filing time"
        )
        return Finding(
            assessor=TRADER_DATA,
            code=CONSISTENT,
            score=-CONSISTENT_REDUCTION if certified else 0.0,
            explanation=(
                f"Consistent with the trader's data ({what} compared with {documents} of {operator.name}): {benefit}."
            ),
            evidence=evidence,
        )

    def record(self, conn: sa.Connection, stored: "Sequence[Assessed]") -> None:
        """Link the batch's consignments to the sharing operators they name, in the transaction storing them."""
        rows, replaced = [], []
        for item in stored:
            lodgement = item.lodgement
            if lodgement.version > 1:
                replaced.append(lodgement.consignment_id)
            known = self._links.get(lodgement.consignment_id)
            if known is None or known[0] is not lodgement:
                continue
            for operator_id, roles in known[1].items():
                rows.append(
                    {
                        "consignment_id": lodgement.consignment_id,
                        "operator_id": operator_id,
                        "roles": " ".join(roles),
                        "filed_at": lodgement.filed_at,
                    }
                )
        store.link(conn, replaced, rows)

    def versions(self) -> Mapping[str, str]:
        return {TRADER_DATA: RULES_VERSION} if self._links else {}


def _build(context: AssessorContext) -> TraderDataAssessor | None:
    """Over the store's trader keys and shared documents; nothing to compare without a database."""
    return TraderDataAssessor(context.db) if context.db is not None else None


SPEC = AssessorSpec(TRADER_DATA, "Trader's own data (AEO 2.0)", _build, order=36, floors=True)

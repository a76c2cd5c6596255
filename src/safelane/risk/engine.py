"""The risk engine: run every assessor over a batch of lodgements and combine their findings.

Scores combine like independent signals (noisy-or on a 0-100 scale), so two strong findings make a
stronger assessment than either alone yet never pass 100; facilitation findings (negative scores)
then scale the result down.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa

from safelane.domain import Assessment, Finding, Lodgement

if TYPE_CHECKING:
    from safelane.store.filings import Assessed


class Assessor(Protocol):
    """One kind of check. Batch in, one list of findings per lodgement out (vectorised assessors stay fast)."""

    name: str

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]: ...

    def versions(self) -> Mapping[str, str]:
        """Which knowledge it used (profile set revision, list version, model version), for the record."""
        ...


class Recorder(Protocol):
    """An assessor that keeps rows of its own (the e-commerce splitting index) defines `record` too: the
    pipeline calls it with the batch it stores, inside the store transaction, so the rows are durable with
    the filing and vanish with it if the transaction fails. `assess` itself still never writes."""

    def record(self, conn: sa.Connection, stored: "Sequence[Assessed]") -> None: ...


def combine(findings: Sequence[Finding]) -> float:
    remaining = 1.0
    for finding in findings:
        if finding.score > 0:
            remaining *= 1.0 - min(finding.score, 100.0) / 100.0
    score = 100.0 * (1.0 - remaining)
    for finding in findings:
        if finding.score < 0:
            score *= 1.0 + max(finding.score, -100.0) / 100.0
    return round(score, 2)


class RiskEngine:
    def __init__(self, assessors: Sequence[Assessor]):
        self.assessors = list(assessors)

    def assess(self, lodgements: Sequence[Lodgement]) -> list[Assessment]:
        per_lodgement: list[list[Finding]] = [[] for _ in lodgements]
        versions: dict[str, str] = {}
        for assessor in self.assessors:
            for bucket, findings in zip(per_lodgement, assessor.assess(lodgements), strict=True):
                bucket.extend(findings)
            versions.update(assessor.versions())
        return [Assessment(combine(f), tuple(sorted(f, key=lambda x: -x.score)), versions) for f in per_lodgement]

    def record(self, conn: sa.Connection, stored: "Sequence[Assessed]") -> None:
        """Let each assessor that keeps rows of its own write them, in the transaction storing `stored`."""
        for assessor in self.assessors:
            record = getattr(assessor, "record", None)
            if record is not None:
                record(conn, stored)

"""Selection policy: the score thresholds a targeting centre sets; floors set by findings always win.

Only floors from assessors that declare them count (`AssessorSpec.floors`): `system.build` sets
`floor_assessors` from the registry, so a plugin that did not declare floors cannot stop or hold cargo.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    rfs_score: float = 70.0  # pre-loading: request screening at or above this score
    rfi_score: float = 101.0  # pre-loading: request information at or above (off unless set)
    red_score: float = 70.0  # declarations and cargo reports: physical or NII inspection
    yellow_score: float = 45.0  # documentary check
    blue_score: float = 25.0  # release with post-clearance audit
    floor_assessors: frozenset[str] | None = None  # whose floors count; None: every assessor's

    def honours_floor_of(self, assessor: str) -> bool:
        return self.floor_assessors is None or assessor in self.floor_assessors

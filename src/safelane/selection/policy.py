"""Selection policy: the score thresholds a targeting centre sets; floors set by findings always win."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    rfs_score: float = 70.0  # pre-loading: request screening at or above this score
    rfi_score: float = 101.0  # pre-loading: request information at or above (off unless set)
    red_score: float = 70.0  # declarations and cargo reports: physical or NII inspection
    yellow_score: float = 45.0  # documentary check
    blue_score: float = 25.0  # release with post-clearance audit

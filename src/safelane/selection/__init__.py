"""Selection: turn assessments into decisions (PLACI referrals or declaration channels)."""

from safelane.selection.decide import decide
from safelane.selection.policy import Policy

__all__ = ["Policy", "decide"]

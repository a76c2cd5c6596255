"""Selection: turn assessments into decisions (PLACI referrals or declaration channels), under capacity."""

from safelane.selection.capacity import BUILT_IN, InvalidSettings, Offices, OfficeSettings, Usage, allocate
from safelane.selection.decide import decide
from safelane.selection.policy import Policy

__all__ = ["BUILT_IN", "InvalidSettings", "OfficeSettings", "Offices", "Policy", "Usage", "allocate", "decide"]

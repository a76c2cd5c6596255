"""Strategic goods: explosives precursors, high-priority items and dual-use goods (docs/strategic-goods.md)."""

from safelane.risk.strategic.assessor import SPEC, STRATEGIC, StrategicAssessor

__all__ = ["SPEC", "STRATEGIC", "StrategicAssessor"]

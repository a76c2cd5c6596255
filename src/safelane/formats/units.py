"""Conversions every standard shares: weights in the units filers write them, to kilograms.

Unit codes are UN/ECE Recommendation 20's (KGM kilogram, LBR pound, TNE tonne); Cargo-IMP writes the
weight code as one letter (K kilograms, L pounds), which `CARGO_IMP_WEIGHT` maps to them.
"""

KG_PER_UNIT = {"KGM": 1.0, "LBR": 0.45359237, "TNE": 1000.0}  # the pound by its 1959 international definition
CARGO_IMP_WEIGHT = {"K": "KGM", "L": "LBR"}
UNITS = ", ".join(KG_PER_UNIT)


def kilograms(value: float, unit: str) -> float | None:
    """The weight in kilograms (to the gram), or None for a unit that is not a weight unit we know."""
    factor = KG_PER_UNIT.get(unit)
    return round(value * factor, 3) if factor is not None else None

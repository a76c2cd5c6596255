"""safelane: customs risk management and cargo targeting (WCO SAFE Framework)."""

__version__ = "0.1.0"

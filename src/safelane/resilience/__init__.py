"""Resilience: keep accepting filings through a store outage (store-and-forward) and recover in order."""

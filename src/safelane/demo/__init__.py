"""The demo: profiles a targeting centre might run, and a synthetic day of traffic that meets them.

`safelane demo` loads both into a fresh database so a newcomer sees referrals and channels with
reasons within a minute; tests and benchmarks use the same traffic so they measure what the demo shows.
"""

from pathlib import Path

from safelane.demo.traffic import DEMO_FILERS, SCENARIOS, Traffic, demo_day, filings_of, generate, generate_day

PROFILES_DIR = Path(__file__).parent / "profiles"
"""The demo profiles, one YAML file each; every planted scenario in `traffic` hits one of them."""

__all__ = ["DEMO_FILERS", "PROFILES_DIR", "SCENARIOS", "Traffic", "demo_day", "filings_of", "generate",
           "generate_day"]
